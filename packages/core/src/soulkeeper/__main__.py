from soulkeeper.cli import main

main()

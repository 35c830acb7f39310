"""soulkeeper for LlamaIndex: persona memory, chat engines and agents that keep a persona intact."""

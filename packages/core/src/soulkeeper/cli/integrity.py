"""``soulkeeper digest / keygen / sign / verify``: pin and sign persona packages."""

from __future__ import annotations

from pathlib import Path

import click

from soulkeeper.cli import EXIT_INPUT, EXIT_INVALID
from soulkeeper.cli._output import PACKAGE_PATH, fail, print_json
from soulkeeper.errors import IntegrityError
from soulkeeper.integrity import (
    SIGNATURE_FILE,
    check_digest,
    compute_digest,
    key_id,
    list_package_files,
    load_private_key,
    load_public_key,
    sign_package,
    verify_package,
    write_keypair,
)

__all__ = ["digest", "keygen", "sign", "verify"]


def _root(path: Path) -> Path:
    """The package folder for PATH (a folder, or its soul.json / clawsoul.json)."""
    if path.is_file():
        if path.name in ("soul.json", "clawsoul.json"):
            return path.parent
        fail(f"{path}: not a package folder (give the folder or its soul.json)", EXIT_INPUT)
    return path


@click.command()
@click.argument("path", type=PACKAGE_PATH)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object with the digest and file hashes.")
def digest(path: Path, as_json: bool) -> None:
    """Print the canonical digest of the package at PATH (pin it with load_soul(expect_digest=...))."""
    from soulkeeper.integrity import file_hashes

    files = list_package_files(_root(path))
    value = compute_digest(files)
    if as_json:
        print_json({"path": str(path), "digest": value, "files": file_hashes(files)})
    else:
        click.echo(value)


@click.command()
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Folder for the key files (created if missing).",
)
@click.option("--name", default="soulkeeper", show_default=True, help="Base name of the key files.")
@click.option("--json", "as_json", is_flag=True, help="Print the key paths and key id as JSON.")
def keygen(out: Path, name: str, as_json: bool) -> None:
    """Generate an Ed25519 key pair: NAME.key (private, mode 0600) and NAME.pub (share this one).

    Refuses to overwrite existing key files.
    """
    try:
        key_path, pub_path = write_keypair(out, name=name)
    except FileExistsError as exc:
        fail(exc, EXIT_INPUT)
    kid = key_id(load_public_key(pub_path))
    if as_json:
        print_json({"private_key": str(key_path), "public_key": str(pub_path), "key_id": kid})
    else:
        click.echo(f"private key: {key_path} (keep it secret)")
        click.echo(f"public key:  {pub_path}")
        click.echo(f"key id:      {kid}")


@click.command()
@click.argument("path", type=PACKAGE_PATH)
@click.option(
    "--key",
    "key_file",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Private key file (PEM or base64) from `soulkeeper keygen`.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the signature details as JSON.")
def sign(path: Path, key_file: Path, as_json: bool) -> None:
    """Sign the package at PATH: write PATH/soul.sig (replacing an older signature).

    The package must load (leniently) first; signing is the only way a change becomes trusted.
    """
    from soulkeeper.spec import load_soul

    root = _root(path)
    key = load_private_key(key_file)
    soul = load_soul(root)
    sig_path = sign_package(root, key)
    if as_json:
        print_json(
            {"path": str(root), "signature": str(sig_path), "digest": soul.digest, "key_id": key_id(key)}
        )
    else:
        click.echo(f"signed {soul.name} {soul.version} {soul.digest} with key {key_id(key)}: {sig_path}")


@click.command()
@click.argument("path", type=PACKAGE_PATH)
@click.option(
    "--pubkey",
    "pubkey",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Trusted public key file (PEM or base64).",
)
@click.option("--digest", "expected", metavar="DIGEST", help="Pinned digest (sha256:...) instead of a key.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def verify(path: Path, pubkey: Path | None, expected: str | None, as_json: bool) -> None:
    """Check PATH against its soul.sig and a trusted public key (or against a pinned digest).

    Exit 0 when every file is exactly what was signed, 1 on any difference (a changed byte, a file
    added or removed, a missing or foreign signature), 2 for unusable input.
    """
    if (pubkey is None) == (expected is None):
        fail("verify needs exactly one of --pubkey FILE or --digest DIGEST", EXIT_INPUT)
    root = _root(path)
    try:
        if pubkey is not None:
            sig = verify_package(root, load_public_key(pubkey))
            result = {"digest": sig.digest, "key_id": sig.key_id, "signature": str(root / SIGNATURE_FILE)}
        else:
            assert expected is not None
            result = {"digest": check_digest(list_package_files(root), expected)}
    except IntegrityError as exc:
        if as_json:
            print_json({"path": str(root), "ok": False, "error": str(exc)})
        fail(f"verification failed: {exc}", EXIT_INVALID)
    if as_json:
        print_json({"path": str(root), "ok": True, **result})
    else:
        by = f"signed by key {result['key_id']}" if "key_id" in result else "matches the pinned digest"
        click.echo(f"OK {root}: {result['digest']} {by}")

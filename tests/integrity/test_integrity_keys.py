"""Ed25519 key files: generation, formats accepted, and refusal to overwrite."""

from __future__ import annotations

import base64
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from soulkeeper.integrity import (
    generate_keypair,
    key_id,
    load_private_key,
    load_public_key,
    private_key_pem,
    public_key_pem,
    write_keypair,
)


def test_write_keypair_writes_pem_files_and_refuses_to_overwrite(tmp_path: Path) -> None:
    """keygen output is PEM, the private key is mode 0600, and a second run refuses to overwrite."""
    key_path, pub_path = write_keypair(tmp_path / "keys")
    assert key_path.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    assert pub_path.read_bytes().startswith(b"-----BEGIN PUBLIC KEY-----")
    assert stat.S_IMODE(key_path.stat().st_mode) == 0o600
    assert key_id(load_private_key(key_path)) == key_id(load_public_key(pub_path))
    before = key_path.read_bytes()
    with pytest.raises(FileExistsError, match="refusing to overwrite"):
        write_keypair(tmp_path / "keys")
    assert key_path.read_bytes() == before


def test_every_accepted_key_form_loads_to_the_same_key() -> None:
    """Objects, PEM bytes/text, raw bytes and base64 all load to one key."""
    pair = generate_keypair()
    raw_pub = pair.public_key.public_bytes_raw()
    raw_priv = pair.private_key.private_bytes_raw()
    wanted = key_id(pair.public_key)
    for form in (
        pair.public_key,
        pair.private_key,
        public_key_pem(pair.public_key),
        public_key_pem(pair.public_key).decode(),
        raw_pub,
        base64.b64encode(raw_pub).decode(),
    ):
        assert key_id(load_public_key(form)) == wanted
    for pform in (
        private_key_pem(pair.private_key),
        private_key_pem(pair.private_key).decode(),
        raw_priv,
        base64.b64encode(raw_priv).decode(),
    ):
        assert key_id(load_private_key(pform)) == wanted


def test_base64_key_file(tmp_path: Path) -> None:
    """A key file holding the base64 of the raw key (with a newline) loads."""
    pair = generate_keypair()
    path = tmp_path / "k.pub"
    path.write_text(base64.b64encode(pair.public_key.public_bytes_raw()).decode() + "\n")
    assert key_id(load_public_key(path)) == key_id(pair.public_key)


def test_bad_keys_raise_one_line_value_errors(tmp_path: Path) -> None:
    """Garbage, a public key given as private, a missing file, and a non-Ed25519 key raise ValueError."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    pair = generate_keypair()
    pub = tmp_path / "k.pub"
    pub.write_bytes(public_key_pem(pair.public_key))
    ec_pem = (
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    cases = [
        (load_public_key, b"garbage"),
        (load_private_key, pub),
        (load_public_key, tmp_path / "missing.pub"),
        (load_public_key, ec_pem),
    ]
    for loader, source in cases:
        with pytest.raises(ValueError, match=r"key") as info:
            loader(source)  # type: ignore[operator]
        assert "\n" not in str(info.value)


def test_private_key_object_passes_through() -> None:
    """load_private_key returns a key object unchanged."""
    key = Ed25519PrivateKey.generate()
    assert load_private_key(key) is key

"""Ed25519 keys: generation, key ids and the key file formats (PEM, or raw base64)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from pathlib import Path
from typing import NamedTuple, TypeAlias

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

__all__ = [
    "KeyPair",
    "PrivateKeyLike",
    "PublicKeyLike",
    "generate_keypair",
    "key_id",
    "load_private_key",
    "load_public_key",
    "private_key_pem",
    "public_key_pem",
    "write_keypair",
]

PublicKeyLike: TypeAlias = "Ed25519PublicKey | Ed25519PrivateKey | bytes | str | os.PathLike[str]"
"""A public key object, PEM bytes/text, raw 32 bytes, base64 of the raw key, or a key file path."""
PrivateKeyLike: TypeAlias = "Ed25519PrivateKey | bytes | str | os.PathLike[str]"
"""A private key object, PEM bytes/text, raw 32-byte seed, base64 of the seed, or a key file path."""


class KeyPair(NamedTuple):
    """A freshly generated Ed25519 key pair."""

    private_key: Ed25519PrivateKey
    public_key: Ed25519PublicKey


def generate_keypair() -> KeyPair:
    """A new random Ed25519 key pair."""
    private = Ed25519PrivateKey.generate()
    return KeyPair(private, private.public_key())


def _raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(key: Ed25519PublicKey | Ed25519PrivateKey) -> str:
    """The key's id: the first 16 hex digits of SHA-256 over the raw 32-byte public key."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return hashlib.sha256(_raw_public(public)).hexdigest()[:16]


def private_key_pem(key: Ed25519PrivateKey) -> bytes:
    """Unencrypted PKCS#8 PEM (``-----BEGIN PRIVATE KEY-----``), readable by OpenSSL."""
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def public_key_pem(key: Ed25519PublicKey) -> bytes:
    """SubjectPublicKeyInfo PEM (``-----BEGIN PUBLIC KEY-----``), readable by OpenSSL."""
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def write_keypair(directory: str | os.PathLike[str], *, name: str = "soulkeeper") -> tuple[Path, Path]:
    """Generate a key pair and write ``<name>.key`` (mode 0600) and ``<name>.pub`` into ``directory``.

    Refuses to overwrite an existing file (``FileExistsError``). Returns the two paths.
    """
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    key_path, pub_path = folder / f"{name}.key", folder / f"{name}.pub"
    for path in (key_path, pub_path):
        if path.exists():
            raise FileExistsError(f"{path}: already exists; refusing to overwrite a key")
    pair = generate_keypair()
    fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(private_key_pem(pair.private_key))
    pub_path.write_bytes(public_key_pem(pair.public_key))
    return key_path, pub_path


def _source_bytes(source: bytes | str | os.PathLike[str]) -> tuple[bytes, str]:
    """Key material and a label for error messages; a str is PEM, base64 or a file path."""
    if isinstance(source, bytes):
        return source, "key"
    if isinstance(source, str):
        text = source.strip()
        if "-----BEGIN" in text or (not os.path.exists(text) and _b64_32(text) is not None):
            return text.encode("ascii", "replace"), "key"
    path = Path(source)
    try:
        return path.read_bytes(), str(path)
    except OSError as exc:
        raise ValueError(f"{path}: cannot read key file: {exc.strerror}") from None


def _b64_32(text: str) -> bytes | None:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw if len(raw) == 32 else None


def load_public_key(source: PublicKeyLike) -> Ed25519PublicKey:
    """Read an Ed25519 public key from any :data:`PublicKeyLike`; raises ``ValueError`` naming the source."""
    if isinstance(source, Ed25519PublicKey):
        return source
    if isinstance(source, Ed25519PrivateKey):
        return source.public_key()
    data, label = _source_bytes(source)
    if data.lstrip().startswith(b"-----BEGIN"):
        try:
            key = serialization.load_pem_public_key(data)
        except ValueError:
            raise ValueError(f"{label}: not a PEM public key") from None
        if not isinstance(key, Ed25519PublicKey):
            raise ValueError(f"{label}: not an Ed25519 public key")
        return key
    raw = data if len(data) == 32 else _b64_32(data.decode("ascii", "replace"))
    if raw is None:
        raise ValueError(f"{label}: not an Ed25519 public key (expected PEM or base64 of 32 bytes)")
    return Ed25519PublicKey.from_public_bytes(raw)


def load_private_key(source: PrivateKeyLike) -> Ed25519PrivateKey:
    """Read an Ed25519 private key from any :data:`PrivateKeyLike`; raises ``ValueError`` naming the source."""
    if isinstance(source, Ed25519PrivateKey):
        return source
    data, label = _source_bytes(source)
    if data.lstrip().startswith(b"-----BEGIN"):
        try:
            key = serialization.load_pem_private_key(data, password=None)
        except (ValueError, TypeError):
            raise ValueError(f"{label}: not an unencrypted PEM private key") from None
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError(f"{label}: not an Ed25519 private key")
        return key
    raw = data if len(data) == 32 else _b64_32(data.decode("ascii", "replace"))
    if raw is None:
        raise ValueError(f"{label}: not an Ed25519 private key (expected PEM or base64 of 32 bytes)")
    return Ed25519PrivateKey.from_private_bytes(raw)

"""Detached Ed25519 signatures over the package digest (``soul.sig``, format ``soulkeeper-signature-v1``)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature

from soulkeeper.errors import IntegrityError
from soulkeeper.integrity._digest import (
    DIGEST_PREFIX,
    SIGNATURE_FILE,
    compute_digest,
    digest_lines,
    file_hashes,
    parse_digest,
)
from soulkeeper.integrity._files import list_package_files
from soulkeeper.integrity._keys import (
    PrivateKeyLike,
    PublicKeyLike,
    key_id,
    load_private_key,
    load_public_key,
)

__all__ = [
    "SIGNATURE_FORMAT",
    "Signature",
    "check_digest",
    "read_signature",
    "sign_files",
    "sign_package",
    "signed_message",
    "verify_files",
    "verify_package",
]

SIGNATURE_FORMAT = "soulkeeper-signature-v1"


@dataclass(frozen=True)
class Signature:
    """The content of a ``soul.sig`` file."""

    digest: str
    """The signed package digest, ``"sha256:<hex>"``."""
    key_id: str
    """Id of the signing key (see :func:`soulkeeper.integrity.key_id`)."""
    signature: bytes
    """64-byte Ed25519 signature over :func:`signed_message` of the digest."""
    files: Mapping[str, str] = field(default_factory=dict)
    """Per-file SHA-256 hex the digest was computed from (lets verification name what changed)."""

    def to_json(self) -> str:
        """The ``soul.sig`` text: pretty JSON with a trailing newline."""
        doc = {
            "format": SIGNATURE_FORMAT,
            "algorithm": "ed25519",
            "key_id": self.key_id,
            "digest": self.digest,
            "signature": base64.b64encode(self.signature).decode("ascii"),
            "files": dict(self.files),
        }
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def signed_message(digest: str) -> bytes:
    """The exact bytes that are signed: ``b"soulkeeper-signature-v1\\n" + digest``."""
    return f"{SIGNATURE_FORMAT}\n{digest}".encode("ascii")


def sign_files(files: Mapping[str, bytes | str], private_key: PrivateKeyLike) -> Signature:
    """Sign the digest of an in-memory package."""
    key = load_private_key(private_key)
    hashes = file_hashes(files)
    digest = compute_digest(files)
    return Signature(
        digest=digest, key_id=key_id(key), signature=key.sign(signed_message(digest)), files=hashes
    )


def sign_package(root: str | os.PathLike[str], private_key: PrivateKeyLike) -> Path:
    """Sign the package at ``root`` and write ``<root>/soul.sig`` (replacing an older one); returns its path.

    Signing is the only way trust changes: verification never re-baselines by itself.
    """
    signature = sign_files(list_package_files(root), private_key)
    path = Path(root) / SIGNATURE_FILE
    path.write_text(signature.to_json(), encoding="utf-8")
    return path


def read_signature(data: bytes | str, *, source: str = SIGNATURE_FILE) -> Signature:
    """Parse ``soul.sig`` content; raises :class:`IntegrityError` when it is not a valid signature file."""
    try:
        doc: Any = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise IntegrityError(f"{source}: not valid JSON ({exc})") from None
    if not isinstance(doc, dict):
        raise IntegrityError(f"{source}: expected a JSON object")
    if doc.get("format") != SIGNATURE_FORMAT or doc.get("algorithm") != "ed25519":
        raise IntegrityError(
            f"{source}: unknown format; expected {SIGNATURE_FORMAT!r} with algorithm 'ed25519'"
        )
    kid, digest, sig, files = doc.get("key_id"), doc.get("digest"), doc.get("signature"), doc.get("files", {})
    if not isinstance(kid, str) or not isinstance(digest, str) or not isinstance(sig, str):
        raise IntegrityError(f"{source}: 'key_id', 'digest' and 'signature' must be strings")
    if not isinstance(files, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in files.items()
    ):
        raise IntegrityError(f"{source}: 'files' must map paths to SHA-256 hex strings")
    try:
        digest = parse_digest(digest)
        raw_sig = base64.b64decode(sig, validate=True)
    except (ValueError, binascii.Error) as exc:
        raise IntegrityError(f"{source}: {exc}") from None
    if base64.b64encode(raw_sig).decode("ascii") != sig:
        raise IntegrityError(f"{source}: 'signature' is not canonical base64")
    if len(raw_sig) != 64:
        raise IntegrityError(f"{source}: an Ed25519 signature has 64 bytes, this one has {len(raw_sig)}")
    return Signature(digest=digest, key_id=kid, signature=raw_sig, files=files)


def _describe_difference(signed: Mapping[str, str], actual: Mapping[str, str]) -> str:
    changed = sorted(p for p in signed.keys() & actual.keys() if signed[p] != actual[p])
    added = sorted(actual.keys() - signed.keys())
    removed = sorted(signed.keys() - actual.keys())
    parts = [
        f"{label}: {', '.join(paths)}"
        for label, paths in (("changed", changed), ("added", added), ("removed", removed))
        if paths
    ]
    return "; ".join(parts)


def verify_files(
    files: Mapping[str, bytes | str], signature: Signature | bytes | str, public_key: PublicKeyLike
) -> Signature:
    """Check that ``files`` are exactly what ``signature`` signed, with ``public_key``; returns the signature.

    Raises :class:`IntegrityError` when the signature was made with another key, does not verify, or the
    files differ in any way (a changed byte, a file added, removed or renamed). The message names the
    files that differ when the signature file lists them.
    """
    sig = signature if isinstance(signature, Signature) else read_signature(signature)
    key = load_public_key(public_key)
    expected_id = key_id(key)
    if sig.key_id != expected_id:
        raise IntegrityError(
            f"{SIGNATURE_FILE}: signed with key {sig.key_id}, not with the trusted key {expected_id}"
        )
    try:
        key.verify(sig.signature, signed_message(sig.digest))
    except InvalidSignature:
        raise IntegrityError(
            f"{SIGNATURE_FILE}: the signature does not verify with key {expected_id}"
        ) from None
    actual = compute_digest(files)
    if actual != sig.digest:
        detail = ""
        listed = {p: h.lower() for p, h in sig.files.items()}
        if listed and DIGEST_PREFIX + _sha256(digest_lines(listed)) == sig.digest:
            detail = _describe_difference(listed, file_hashes(files))
        raise IntegrityError(
            f"package differs from what was signed ({detail or f'digest {actual}, signed {sig.digest}'})"
        )
    return sig


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def verify_package(root: str | os.PathLike[str], public_key: PublicKeyLike) -> Signature:
    """Verify the package at ``root`` against its ``soul.sig`` and ``public_key``; returns the signature.

    A missing ``soul.sig`` raises :class:`IntegrityError`, like any mismatch (see :func:`verify_files`).
    """
    sig_path = Path(root) / SIGNATURE_FILE
    if not sig_path.is_file():
        raise IntegrityError(f"{sig_path}: missing signature; sign the package with `soulkeeper sign`")
    return verify_files(list_package_files(root), sig_path.read_bytes(), public_key)


def check_digest(files: Mapping[str, bytes | str], expected: str) -> str:
    """Raise :class:`IntegrityError` unless the package digest equals ``expected``; returns the digest."""
    want = parse_digest(expected)
    actual = compute_digest(files)
    if actual != want:
        raise IntegrityError(f"package digest {actual} does not match the expected {want}")
    return actual

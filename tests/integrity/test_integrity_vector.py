"""The documented test vector of docs/integrity.md, checked value by value."""

from __future__ import annotations

import base64

from conftest import ROOT
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from soulkeeper.integrity import (
    compute_digest,
    digest_lines,
    file_hashes,
    key_id,
    load_public_key,
    sign_files,
    verify_files,
)

FILES = {
    "soul.json": b'{"name": "tiny"}\r\n',
    "SOUL.md": b"\xef\xbb\xbf# Tiny\r\nBe kind.\r",
    "avatar/a.png": b"\x89PNG\r\n",
}
MANIFEST = (
    "soulkeeper-digest-v1\n"
    "8f796a620c4ce4b627785d46c27a623b8546d28d87f4d5d252f7c64e5c981de0  SOUL.md\n"
    "823ceb99fcef5252333ede1b2202341c3b287b6d47571963e6b0ddf393a24f82  avatar/a.png\n"
    "96f2c7bcf9569aec646bd61bc106f04e89062d5e1b28a19d6542fe643b9d57a7  soul.json\n"
)
DIGEST = "sha256:a9a057b1f55206937e5eda3f56b51fb5e9d94d8f18f2c26a820b7f10e3261978"
PUBLIC_B64 = "A6EHv/POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg="
KEY_ID = "56475aa75463474c"
SIGNATURE_B64 = "nTAQlSzdE3u7vsMlfnBHRF4EG1vkKD5yLl9KZFTO8X1DEkM5BpWapw96foT7JUhY9XB4uq2qFV5iYoU5nwYfDw=="


def test_manifest_bytes_match_the_documented_layout() -> None:
    """The manifest is the header line plus one `hash  path` line per file in byte order of paths."""
    assert digest_lines(file_hashes(FILES)) == MANIFEST.encode()


def test_digest_matches_the_documented_value() -> None:
    """compute_digest gives the documented digest for the worked example."""
    assert compute_digest(FILES) == DIGEST


def test_signature_matches_the_documented_value() -> None:
    """Signing with the seed 00..1f gives the documented key id, public key and signature."""
    key = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
    sig = sign_files(FILES, key)
    assert sig.digest == DIGEST
    assert sig.key_id == KEY_ID == key_id(load_public_key(PUBLIC_B64))
    assert base64.b64encode(sig.signature).decode() == SIGNATURE_B64
    assert verify_files(FILES, sig.to_json(), PUBLIC_B64).digest == DIGEST


def test_documentation_shows_the_same_vector() -> None:
    """docs/integrity.md quotes exactly the values this test checks."""
    doc = (ROOT / "docs" / "integrity.md").read_text(encoding="utf-8")
    for value in (MANIFEST, DIGEST, PUBLIC_B64, KEY_ID, SIGNATURE_B64):
        assert value in doc

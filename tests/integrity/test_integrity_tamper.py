"""Every one-byte change, added, removed or renamed file of a signed package is caught."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from soulkeeper.errors import IntegrityError
from soulkeeper.integrity import (
    SIGNATURE_FILE,
    KeyPair,
    compute_digest,
    generate_keypair,
    list_package_files,
    normalise_content,
    sign_package,
    verify_package,
)

PACKAGE = {
    "soul.json": b'{\n  "specVersion": "0.5",\n  "name": "tiny",\n  "displayName": "Tiny",\n  "version": "1.0.0"\n}\r\n',
    "SOUL.md": "\ufeff# Tiny\r\n\r\n## Boundaries\r\n- Never share secrets.\r\n- Café ☕ 한국어\n".encode(),
    "IDENTITY.md": b"- **Name:** Tiny\n",
    "examples/good-outputs.md": b"Hello.\n",
    "avatar/avatar.png": bytes([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0xFF]),
}


def _write(root: Path, files: dict[str, bytes]) -> None:
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


@pytest.fixture(scope="module")
def keys() -> KeyPair:
    return generate_keypair()


@pytest.fixture
def signed(tmp_path: Path, keys: KeyPair) -> Path:
    root = tmp_path / "tiny"
    _write(root, PACKAGE)
    sign_package(root, keys.private_key)
    return root


def test_untouched_package_verifies(signed: Path, keys: KeyPair) -> None:
    """A freshly signed package verifies and the signature lists every file."""
    sig = verify_package(signed, keys.public_key)
    assert sorted(sig.files) == sorted(PACKAGE)
    assert sig.digest == compute_digest(PACKAGE)


def test_every_single_byte_change_on_disk_is_caught(signed: Path, keys: KeyPair) -> None:
    """Replacing any byte of any file (three different new values per position) fails verification."""
    checked = 0
    for rel, original in PACKAGE.items():
        path = signed / rel
        for pos in range(len(original)):
            for mask in (0x01, 0x20, 0xFF):
                changed = bytearray(original)
                changed[pos] ^= mask
                if normalise_content(rel, bytes(changed)) == normalise_content(rel, original):
                    continue  # a CR<->LF swap the normalisation ignores by design (docs/integrity.md)
                path.write_bytes(bytes(changed))
                with pytest.raises(IntegrityError, match=f"changed: {re.escape(rel)}"):
                    verify_package(signed, keys.public_key)
                checked += 1
        path.write_bytes(original)
    assert checked > 3 * sum(len(d) for d in PACKAGE.values()) - 20
    verify_package(signed, keys.public_key)


def test_every_possible_value_of_first_and_last_byte_is_caught() -> None:
    """All 255 other values of each file's first and last byte change the digest unless normalisation-equal."""
    base = compute_digest(PACKAGE)
    for rel, original in PACKAGE.items():
        for pos in (0, len(original) - 1):
            for value in range(256):
                if value == original[pos]:
                    continue
                changed = bytearray(original)
                changed[pos] = value
                same_text = normalise_content(rel, bytes(changed)) == normalise_content(rel, original)
                assert (compute_digest({**PACKAGE, rel: bytes(changed)}) == base) == same_text


@settings(max_examples=300, deadline=None)
@given(
    rel=st.sampled_from(sorted(PACKAGE)),
    data=st.data(),
)
def test_any_one_byte_change_changes_the_digest(rel: str, data: st.DataObject) -> None:
    """For any file, position and new byte, the digest changes unless the normalised contents are equal."""
    original = PACKAGE[rel]
    pos = data.draw(st.integers(0, len(original) - 1))
    value = data.draw(st.integers(0, 255).filter(lambda v: v != original[pos]))
    changed = bytearray(original)
    changed[pos] = value
    same_text = normalise_content(rel, bytes(changed)) == normalise_content(rel, original)
    assert (compute_digest({**PACKAGE, rel: bytes(changed)}) == compute_digest(PACKAGE)) == same_text


@pytest.mark.parametrize(
    "rel", ["extra.md", ".hidden", "examples/empty.md", "deep/er/file.bin", "SOUL.md.bak"]
)
def test_added_file_is_caught(signed: Path, keys: KeyPair, rel: str) -> None:
    """A file added anywhere in the package, even an empty or hidden one, fails verification."""
    _write(signed, {rel: b""})
    with pytest.raises(IntegrityError, match=f"added: {re.escape(rel)}"):
        verify_package(signed, keys.public_key)


@pytest.mark.parametrize("rel", sorted(PACKAGE))
def test_removed_file_is_caught(signed: Path, keys: KeyPair, rel: str) -> None:
    """Removing any one file fails verification and names the file."""
    (signed / rel).unlink()
    with pytest.raises(IntegrityError, match=f"removed: {re.escape(rel)}"):
        verify_package(signed, keys.public_key)


def test_renamed_file_is_caught(signed: Path, keys: KeyPair) -> None:
    """Renaming a file (same content) is reported as one removed and one added file."""
    (signed / "IDENTITY.md").rename(signed / "identity.md")
    with pytest.raises(IntegrityError, match=r"added: identity.md; removed: IDENTITY.md"):
        verify_package(signed, keys.public_key)


def test_missing_signature_is_caught(signed: Path, keys: KeyPair) -> None:
    """A package without soul.sig fails verification with a message saying so."""
    (signed / SIGNATURE_FILE).unlink()
    with pytest.raises(IntegrityError, match="missing signature"):
        verify_package(signed, keys.public_key)


def test_other_key_is_rejected(signed: Path) -> None:
    """A signature made with another key fails, naming both key ids."""
    with pytest.raises(IntegrityError, match="signed with key"):
        verify_package(signed, generate_keypair().public_key)


def test_forged_key_id_is_rejected(signed: Path) -> None:
    """Rewriting key_id to an attacker's key does not make the signature verify."""
    attacker = generate_keypair()
    from soulkeeper.integrity import key_id

    sig_path = signed / SIGNATURE_FILE
    doc = json.loads(sig_path.read_text())
    doc["key_id"] = key_id(attacker.public_key)
    sig_path.write_text(json.dumps(doc))
    with pytest.raises(IntegrityError, match="does not verify"):
        verify_package(signed, attacker.public_key)


def test_resigned_digest_with_stale_signature_is_rejected(signed: Path, keys: KeyPair) -> None:
    """Changing a file and updating the digest in soul.sig (without the key) fails verification."""
    (signed / "SOUL.md").write_bytes(b"# Evil\n")
    sig_path = signed / SIGNATURE_FILE
    doc = json.loads(sig_path.read_text())
    doc["digest"] = compute_digest(list_package_files(signed))
    sig_path.write_text(json.dumps(doc))
    with pytest.raises(IntegrityError, match="does not verify"):
        verify_package(signed, keys.public_key)


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"not json",
        b"[]",
        b'{"format": "other"}',
        b'{"format": "soulkeeper-signature-v1", "algorithm": "ed25519"}',
    ],
)
def test_corrupt_signature_file_is_rejected(signed: Path, keys: KeyPair, content: bytes) -> None:
    """A soul.sig that is not a valid signature document raises IntegrityError, not a crash."""
    (signed / SIGNATURE_FILE).write_bytes(content)
    with pytest.raises(IntegrityError):
        verify_package(signed, keys.public_key)


def test_every_byte_of_the_signature_file_matters(signed: Path, keys: KeyPair) -> None:
    """Flipping a byte in the digest or signature values of soul.sig fails verification."""
    sig_path = signed / SIGNATURE_FILE
    original = sig_path.read_bytes()
    doc = json.loads(original)
    for key in ("digest", "signature", "key_id"):
        value = doc[key]
        for pos in range(len("sha256:") if key == "digest" else 0, len(value)):
            swapped = "0" if value[pos] != "0" else "1"
            forged = {**doc, key: value[:pos] + swapped + value[pos + 1 :]}
            sig_path.write_text(json.dumps(forged))
            with pytest.raises(IntegrityError):
                verify_package(signed, keys.public_key)
    sig_path.write_bytes(original)
    verify_package(signed, keys.public_key)


def test_resigning_is_the_only_way_to_accept_a_change(signed: Path, keys: KeyPair) -> None:
    """Verification never re-baselines: a change keeps failing until the package is signed again."""
    (signed / "SOUL.md").write_bytes(b"# Changed\n")
    for _ in range(2):
        with pytest.raises(IntegrityError):
            verify_package(signed, keys.public_key)
    sign_package(signed, keys.private_key)
    verify_package(signed, keys.public_key)


def test_crlf_checkout_verifies(signed: Path, keys: KeyPair) -> None:
    """A text file converted to CRLF (a Windows checkout) still verifies; binary files are byte-exact."""
    soul = signed / "IDENTITY.md"
    soul.write_bytes(soul.read_bytes().replace(b"\n", b"\r\n"))
    verify_package(signed, keys.public_key)
    png = signed / "avatar/avatar.png"
    png.write_bytes(png.read_bytes().replace(b"\r\n", b"\n"))
    with pytest.raises(IntegrityError, match=r"changed: avatar/avatar\.png"):
        verify_package(signed, keys.public_key)


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_symlink_swapped_in_is_caught(signed: Path, keys: KeyPair, tmp_path: Path) -> None:
    """Replacing a file by a symlink to an outside file is refused outright."""
    outside = tmp_path / "outside.md"
    outside.write_bytes(PACKAGE["IDENTITY.md"])
    (signed / "IDENTITY.md").unlink()
    (signed / "IDENTITY.md").symlink_to(outside)
    with pytest.raises(ValueError, match="outside the package"):
        verify_package(signed, keys.public_key)

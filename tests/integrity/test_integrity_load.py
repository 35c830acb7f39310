"""load_soul(verify_key=..., expect_digest=...) fails closed on any change to a signed or pinned package."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import EXAMPLES
from soulkeeper.errors import IntegrityError
from soulkeeper.integrity import (
    KeyPair,
    generate_keypair,
    normalise_content,
    public_key_pem,
    sign_package,
    write_keypair,
)
from soulkeeper.spec import load_soul

SMALL = {
    "soul.json": '{"specVersion": "0.6", "name": "tiny", "displayName": "Tiny", "version": "1.0.0",'
    ' "description": "Tiny test persona."}\n',
    "SOUL.md": "# Tiny\n\n## Boundaries\n- Never share secrets.\n",
    "rules.yaml": "voice:\n  tone: formal\n",
}


@pytest.fixture(scope="module")
def keys() -> KeyPair:
    return generate_keypair()


@pytest.fixture
def small(tmp_path: Path, keys: KeyPair) -> Path:
    root = tmp_path / "tiny"
    root.mkdir()
    for rel, text in SMALL.items():
        (root / rel).write_text(text, encoding="utf-8")
    sign_package(root, keys.private_key)
    return root


def test_every_one_byte_change_fails_load_soul(small: Path, keys: KeyPair) -> None:
    """Flipping any bit-0 of any byte of any file makes load_soul(verify_key=...) raise IntegrityError."""
    load_soul(small, verify_key=keys.public_key)
    caught = 0
    for rel in SMALL:
        path = small / rel
        original = path.read_bytes()
        for pos in range(len(original)):
            changed = bytearray(original)
            changed[pos] ^= 0x01
            if normalise_content(rel, bytes(changed)) == normalise_content(rel, original):
                continue
            path.write_bytes(bytes(changed))
            with pytest.raises(IntegrityError):
                load_soul(small, verify_key=keys.public_key)
            caught += 1
        path.write_bytes(original)
    assert caught == sum(len(t.encode()) for t in SMALL.values())
    load_soul(small, verify_key=keys.public_key)


def test_added_removed_and_missing_signature_fail_load_soul(small: Path, keys: KeyPair) -> None:
    """An added file, a removed file and a deleted soul.sig each raise IntegrityError."""
    (small / "STYLE.md").write_text("# Style\n")
    with pytest.raises(IntegrityError, match=r"added: STYLE\.md"):
        load_soul(small, verify_key=keys.public_key)
    (small / "STYLE.md").unlink()
    moved = (small / "rules.yaml").read_bytes()
    (small / "rules.yaml").unlink()
    with pytest.raises(IntegrityError, match=r"removed: rules\.yaml"):
        load_soul(small, verify_key=keys.public_key)
    (small / "rules.yaml").write_bytes(moved)
    (small / "soul.sig").unlink()
    with pytest.raises(IntegrityError, match="missing signature"):
        load_soul(small, verify_key=keys.public_key)


def test_expect_digest_pins_the_package(small: Path) -> None:
    """expect_digest accepts the package's own digest and rejects it after any edit."""
    digest = load_soul(small).digest
    assert load_soul(small, expect_digest=digest).digest == digest
    (small / "SOUL.md").write_text("# Tiny\n\n## Boundaries\n- Share secrets.\n")
    with pytest.raises(IntegrityError, match="does not match"):
        load_soul(small, expect_digest=digest)


def test_verify_key_accepts_files_pem_and_base64(small: Path, keys: KeyPair, tmp_path: Path) -> None:
    """verify_key may be a key object, PEM bytes, base64 text, or a key file path (str or Path)."""
    import base64

    pub_file = tmp_path / "k.pub"
    pub_file.write_bytes(public_key_pem(keys.public_key))
    for form in (
        keys.public_key,
        public_key_pem(keys.public_key),
        base64.b64encode(keys.public_key.public_bytes_raw()).decode(),
        pub_file,
        str(pub_file),
    ):
        load_soul(small, verify_key=form)


def test_every_example_soul_signs_and_verifies(tmp_path: Path) -> None:
    """Each bundled example, signed in a copy, loads with verify_key and its digest is unchanged by signing."""
    key_path, pub_path = write_keypair(tmp_path / "keys")
    for example in sorted(p for p in EXAMPLES.iterdir() if p.is_dir()):
        copy = tmp_path / example.name
        shutil.copytree(example, copy)
        before = load_soul(copy).digest
        sign_package(copy, key_path)
        assert load_soul(copy, verify_key=pub_path).digest == before == load_soul(example).digest


def test_crlf_checkout_of_a_signed_package_still_verifies(small: Path, keys: KeyPair) -> None:
    """Converting every text file to CRLF with a BOM (a Windows checkout) keeps the signature valid."""
    for rel in SMALL:
        path = small / rel
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    soul = load_soul(small, verify_key=keys.public_key)
    assert soul.files["SOUL.md"].text == SMALL["SOUL.md"]


@pytest.mark.parametrize("name", ["run.sh", "Makefile", "tool.py"])
def test_added_file_the_loader_refuses_is_still_an_integrity_error(
    small: Path, keys: KeyPair, name: str
) -> None:
    """A file with a disallowed extension added to a signed package raises IntegrityError naming it."""
    (small / name).write_text("echo pwned\n")
    with pytest.raises(IntegrityError, match="added: " + re.escape(name)):
        load_soul(small, verify_key=keys.public_key)
    with pytest.raises(IntegrityError, match="does not match"):
        load_soul(small, expect_digest=load_soul_digest_before(small, name))


def load_soul_digest_before(root: Path, added: str) -> str:
    """The digest the package had before ``added`` was written (computed without that file)."""
    from soulkeeper.integrity import compute_digest, list_package_files

    files = list_package_files(root)
    files.pop(added)
    return compute_digest(files)


def test_unloadable_but_untouched_signed_package_stays_a_spec_error(tmp_path: Path, keys: KeyPair) -> None:
    """A package signed while already unloadable (run.sh inside) raises SpecError, not IntegrityError."""
    from soulkeeper.errors import SpecError

    root = tmp_path / "p"
    root.mkdir()
    for rel, text in SMALL.items():
        (root / rel).write_text(text, encoding="utf-8")
    (root / "run.sh").write_text("echo\n")
    sign_package(root, keys.private_key)
    with pytest.raises(SpecError, match="not allowed"):
        load_soul(root, verify_key=keys.public_key)

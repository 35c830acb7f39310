"""The Soul object: construction, roles, fallbacks, strict mode, integrity hooks and the public API."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest
from conftest import EXAMPLES

sys.path.insert(0, str(Path(__file__).parent))
import soulkeeper
from malformed_cases import SOUL_MD, manifest, package, write_package
from soulkeeper import IntegrityError, Manifest, Soul, SpecError, integrity, load_soul
from soulkeeper.spec import _files


def test_public_exports() -> None:
    """load_soul, Soul and Manifest are exported at top level and from soulkeeper.spec."""
    for name in ("load_soul", "Soul", "Manifest"):
        assert name in soulkeeper.__all__
    assert len(set(soulkeeper.spec.__all__)) == len(soulkeeper.spec.__all__)
    assert all(hasattr(soulkeeper.spec, name) for name in soulkeeper.spec.__all__)
    assert soulkeeper.spec.Soul is Soul
    assert isinstance(load_soul(EXAMPLES / "mati").manifest, Manifest)


def test_load_and_from_files_agree() -> None:
    """Soul.load and Soul.from_files of the same files give the same content, rules and digest."""
    root = EXAMPLES / "mati"
    on_disk = Soul.load(root)
    in_memory = Soul.from_files(dict(on_disk.raw_files))
    assert in_memory.root is None
    assert on_disk.files == in_memory.files
    assert on_disk.rules == in_memory.rules
    assert on_disk.digest == in_memory.digest
    assert on_disk.findings == in_memory.findings
    assert list(on_disk.files) == sorted(on_disk.files)


def test_roles_and_sections() -> None:
    """Known files get their roles; sections() walks them in file order."""
    soul = load_soul(EXAMPLES / "mati")
    roles = {path: f.role for path, f in soul.files.items()}
    assert roles["soul.json"] == "manifest"
    assert roles["rules.yaml"] == "rules_file"
    assert roles["HEARTBEAT.md"] == "heartbeat"
    assert roles["examples/good-outputs.md"] == "good_examples"
    assert soul.file("user_template") is None
    headings = [s.heading for s in soul.sections("soul")]
    assert headings[:3] == ["Mati — Senior DevOps Engineer", "Personality", "Tone"]
    assert sum(1 for _ in soul.sections()) > len(headings)


def test_files_paths_are_honoured() -> None:
    """files.* paths move roles; the default-named file then becomes "other"."""
    files = package(
        soul_json=manifest(files={"soul": "persona/core.md", "identity": "persona/who.md"}),
        persona__core_dot_md="# Core\n",
        persona__who_dot_md="- **Name:** Ada\n",
        IDENTITY_dot_md="- **Name:** Bob\n",
    )
    soul = Soul.from_files(files)
    assert soul.files["persona/core.md"].role == "soul"
    assert soul.files["SOUL.md"].role == "other"
    assert soul.files["IDENTITY.md"].role == "other"
    assert soul.rules.identity.name == "Ada"


def test_binary_files_are_kept_but_not_decoded() -> None:
    """Images are in raw_files (for the digest) but not in files; invalid UTF-8 in them is fine."""
    soul = Soul.from_files(package(avatar__avatar_dot_png=b"\x89PNG\r\n\x1a\n\xff\xfe"))
    assert "avatar/avatar.png" in soul.raw_files
    assert "avatar/avatar.png" not in soul.files


def test_name_and_version_fallbacks() -> None:
    """Without name/displayName/version the identity name and 0.0.0 are used."""
    files = package(
        soul_json={"specVersion": "0.6", "description": "d"}, IDENTITY_dot_md="- **Name:** Dr. Ada Lovelace\n"
    )
    soul = Soul.from_files(files)
    assert soul.name == "dr-ada-lovelace"
    assert soul.display_name == "Dr. Ada Lovelace"
    assert soul.version == "0.0.0"
    assert "SK101" in {f.code for f in soul.findings}
    assert "dr-ada-lovelace" in repr(soul)


def test_strict_load_raises_first_error_in_one_line() -> None:
    """strict=True raises a SpecError with the first error's code and a count of the others."""
    files = package(soul_json=manifest(name="Not Kebab", version="one", description="x" * 200))
    with pytest.raises(SpecError) as info:
        Soul.from_files(files, strict=True)
    text = str(info.value)
    assert text.startswith("soul.json:3: SK102")
    assert "and 2 more errors" in text
    assert "\n" not in text


def test_lenient_findings_carry_lines() -> None:
    """Manifest findings name the line of the offending key."""
    soul = Soul.from_files(package(soul_json=manifest(license="GPL-3.0", tags=[str(i) for i in range(11)])))
    found = {f.code: f for f in soul.findings}
    assert found["SK106"].line == 7
    assert found["SK105"].severity == "warning"
    assert str(found["SK106"]).startswith("soul.json:7: warning SK106")


def test_legacy_clawsoul_json() -> None:
    """A legacy clawsoul.json loads with specVersion inferred as 0.2 and legacy findings."""
    data = {"name": "old", "displayName": "Old", "version": "0.1.0", "description": "d", "skills": ["git"]}
    soul = Soul.from_files({"clawsoul.json": json.dumps(data), "SOUL.md": SOUL_MD})
    assert soul.manifest.path == "clawsoul.json"
    assert soul.manifest.spec_version == "0.2"
    assert soul.manifest.recommended_skills[0].name == "git"
    assert {"SK100", "SK108", "SK109"} <= {f.code for f in soul.findings}


def test_case_mismatch_and_protected_files() -> None:
    """Soul.md is accepted with SK201; shipping USER.md is SK205."""
    files = {"soul.json": json.dumps(manifest()), "Soul.md": SOUL_MD, "USER.md": "# me\n"}
    soul = Soul.from_files(files)
    assert soul.files["Soul.md"].role == "soul"
    assert {"SK201", "SK205"} <= {f.code for f in soul.findings}


def test_ignored_entries_match_integrity() -> None:
    """The loader and the integrity module skip the same entries (VCS folders, soul.sig)."""
    assert integrity.IGNORED_DIRS == _files.IGNORED_DIRS
    assert integrity.SIGNATURE_FILE == _files.SIGNATURE_FILE
    soul = Soul.from_files(package(**{".git/config": "x", "soul.sig": "{}"}))
    assert set(soul.raw_files) == {"soul.json", "SOUL.md"}


def test_expect_digest(tmp_path: Path) -> None:
    """expect_digest passes on the right digest and raises IntegrityError after any change."""
    root = tmp_path / "mati"
    shutil.copytree(EXAMPLES / "mati", root)
    digest = load_soul(root).digest
    assert load_soul(root, expect_digest=digest).digest == digest
    (root / "STYLE.md").write_text((root / "STYLE.md").read_text() + "\nUse emoji freely.\n")
    with pytest.raises(IntegrityError, match="does not match"):
        load_soul(root, expect_digest=digest)


def test_verify_key(tmp_path: Path) -> None:
    """verify_key accepts a signed package and rejects a missing signature or an added file."""
    root = write_package(tmp_path / "pkg", package())
    keys = integrity.generate_keypair()
    with pytest.raises(IntegrityError, match="missing signature"):
        load_soul(root, verify_key=keys.public_key)
    integrity.sign_package(root, keys.private_key)
    assert load_soul(root, verify_key=keys.public_key).name == "test-persona"
    (root / "extra.md").write_text("# injected\n")
    with pytest.raises(IntegrityError):
        load_soul(root, verify_key=keys.public_key)


def test_nfd_file_names_are_normalised(tmp_path: Path) -> None:
    """An NFD file name on disk (as macOS stores it) is keyed in NFC, so files.* paths in NFC find it."""
    import unicodedata

    nfc = "영혼.md"
    root = write_package(tmp_path / "pkg", {"soul.json": json.dumps(manifest(files={"soul": nfc}))})
    (root / unicodedata.normalize("NFD", nfc)).write_text(SOUL_MD, encoding="utf-8")
    soul = load_soul(root)
    assert soul.files[nfc].role == "soul"
    assert soul.digest == integrity.compute_digest(integrity.list_package_files(root))


def test_duplicate_paths_in_memory() -> None:
    """Two in-memory paths that clean to the same file are an error."""
    with pytest.raises(SpecError, match="given twice"):
        Soul.from_files({"soul.json": json.dumps(manifest()), "SOUL.md": SOUL_MD, "./SOUL.md": SOUL_MD})


def test_pickle_and_deepcopy() -> None:
    """A Soul survives pickling and deep copies (e.g. for process pools) with the same content."""
    import copy
    import pickle

    soul = load_soul(EXAMPLES / "haneul")
    for clone in (pickle.loads(pickle.dumps(soul)), copy.deepcopy(soul)):
        assert clone.files == soul.files
        assert clone.rules == soul.rules
        assert clone.digest == soul.digest
        assert clone.validate(strict=True) == soul.validate(strict=True)
        with pytest.raises(AttributeError):
            clone.rules = soul.rules  # type: ignore[misc]

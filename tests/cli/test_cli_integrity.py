"""`soulkeeper init / digest / keygen / sign / verify` end to end in a subprocess."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from cli_support import assert_failure, run, run_many
from conftest import EXAMPLES
from soulkeeper.integrity import compute_digest, list_package_files
from soulkeeper.spec import load_soul


@pytest.fixture(scope="module")
def signed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """A package made by `init`, a key pair made by `keygen`, and the package signed with `sign`."""
    work = tmp_path_factory.mktemp("signed")
    created = run("init", "support-bot", cwd=work)
    assert created.code == 0, created.stderr
    keys = run("keygen", "--out", work / "keys", "--json")
    assert keys.code == 0, keys.stderr
    info = json.loads(keys.stdout)
    signed = run("sign", work / "support-bot", "--key", info["private_key"])
    assert signed.code == 0, signed.stderr
    return work / "support-bot", Path(info["private_key"]), Path(info["public_key"])


def test_init_scaffolds_a_strictly_valid_package_and_refuses_to_overwrite(tmp_path: Path) -> None:
    """`init NAME` writes a package that passes `validate --strict`; a second `init` exits 2 untouched."""
    assert run("init", "my-bot", cwd=tmp_path).code == 0
    soul_md = (tmp_path / "my-bot" / "SOUL.md").read_bytes()
    check, again = run_many([("validate", tmp_path / "my-bot", "--strict"), ("init", tmp_path / "my-bot")])
    assert check.code == 0, check.stdout + check.stderr
    assert_failure(again, 2, "already exists")
    assert (tmp_path / "my-bot" / "SOUL.md").read_bytes() == soul_md
    assert load_soul(tmp_path / "my-bot").rules.boundaries.must_never


def test_init_rejects_names_that_are_not_kebab_case(tmp_path: Path) -> None:
    """`init "My Bot"` exits 2 with one line and creates nothing."""
    assert_failure(run("init", "My Bot", cwd=tmp_path), 2, "kebab-case")
    assert list(tmp_path.iterdir()) == []


def test_digest_matches_the_loader_for_every_example() -> None:
    """`digest PATH` prints the same digest as load_soul(PATH).digest, for folders and soul.json paths."""
    souls = sorted(p for p in EXAMPLES.iterdir() if p.is_dir())
    results = run_many([("digest", p) for p in souls] + [("digest", souls[0] / "soul.json", "--json")])
    for soul, result in zip(souls, results, strict=False):
        assert result.code == 0, result.stderr
        assert result.stdout.strip() == load_soul(soul).digest == compute_digest(list_package_files(soul))
    doc = json.loads(results[-1].stdout)
    assert doc["digest"] == load_soul(souls[0]).digest
    assert "SOUL.md" in doc["files"]


def test_keygen_writes_a_private_key_only_the_owner_can_read_and_refuses_overwrite(tmp_path: Path) -> None:
    """keygen creates NAME.key (0600) and NAME.pub, prints the key id, and exits 2 rather than overwrite."""
    first = run("keygen", "--out", tmp_path, "--name", "team")
    assert first.code == 0, first.stderr
    assert "key id:" in first.stdout
    assert stat.S_IMODE((tmp_path / "team.key").stat().st_mode) == 0o600
    assert (tmp_path / "team.pub").read_text().startswith("-----BEGIN PUBLIC KEY-----")
    assert_failure(run("keygen", "--out", tmp_path, "--name", "team"), 2, "refusing to overwrite")


def test_verify_accepts_the_signed_package(signed: tuple[Path, Path, Path]) -> None:
    """`verify --pubkey` exits 0 on an untouched signed package, in text and JSON."""
    root, _, pub = signed
    text, as_json = run_many([("verify", root, "--pubkey", pub), ("verify", root, "--pubkey", pub, "--json")])
    assert text.code == 0, text.stderr
    assert text.stdout.startswith("OK ")
    doc = json.loads(as_json.stdout)
    assert doc["ok"] is True
    assert doc["digest"] == load_soul(root).digest


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ("edit", "changed: SOUL.md"),
        ("add", "added: NOTES.md"),
        ("remove", "removed: IDENTITY.md"),
        ("unsign", "missing signature"),
    ],
)
def test_verify_fails_on_any_change(
    signed: tuple[Path, Path, Path], tmp_path: Path, change: str, fragment: str
) -> None:
    """An edited, added or removed file, or a missing soul.sig, makes `verify` exit 1 with one line."""
    import shutil

    root, _, pub = signed
    copy = tmp_path / "copy"
    shutil.copytree(root, copy)
    if change == "edit":
        data = bytearray((copy / "SOUL.md").read_bytes())
        data[-2] ^= 0x01
        (copy / "SOUL.md").write_bytes(bytes(data))
    elif change == "add":
        (copy / "NOTES.md").write_text("")
    elif change == "remove":
        (copy / "IDENTITY.md").unlink()
    else:
        (copy / "soul.sig").unlink()
    text, as_json = run_many([("verify", copy, "--pubkey", pub), ("verify", copy, "--pubkey", pub, "--json")])
    assert_failure(text, 1, fragment)
    assert_failure(as_json, 1, fragment)
    assert json.loads(as_json.stdout)["ok"] is False


def test_verify_with_another_key_fails(signed: tuple[Path, Path, Path], tmp_path: Path) -> None:
    """A public key that did not sign the package makes `verify` exit 1."""
    root, _, _ = signed
    assert run("keygen", "--out", tmp_path).code == 0
    assert_failure(run("verify", root, "--pubkey", tmp_path / "soulkeeper.pub"), 1, "signed with key")


def test_verify_against_a_pinned_digest(signed: tuple[Path, Path, Path]) -> None:
    """`verify --digest` exits 0 for the package's digest and 1 for any other."""
    root, _, _ = signed
    digest = load_soul(root).digest
    good, bad = run_many(
        [("verify", root, "--digest", digest), ("verify", root, "--digest", "sha256:" + "0" * 64)]
    )
    assert good.code == 0, good.stderr
    assert "pinned digest" in good.stdout
    assert_failure(bad, 1, "does not match")


def test_verify_usage_errors(signed: tuple[Path, Path, Path]) -> None:
    """verify without a trust anchor, with both, or with a malformed digest exits 2."""
    root, key, pub = signed
    neither, both, malformed, private_as_public = run_many(
        [
            ("verify", root),
            ("verify", root, "--pubkey", pub, "--digest", "sha256:" + "0" * 64),
            ("verify", root, "--digest", "abc"),
            ("verify", root, "--pubkey", key),
        ]
    )
    assert_failure(neither, 2, "exactly one")
    assert_failure(both, 2, "exactly one")
    assert_failure(malformed, 2, "not a digest")
    assert_failure(private_as_public, 2, "public key")


def test_sign_refuses_bad_keys_and_unloadable_packages(
    signed: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    """sign exits 2 for a public key given as --key, a missing key file, or a package that does not load."""
    root, _, pub = signed
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "SOUL.md").write_text("# x\n")
    wrong_key, missing_key, unloadable = run_many(
        [
            ("sign", root, "--key", pub),
            ("sign", root, "--key", tmp_path / "nope.key"),
            ("sign", broken, "--key", signed[1]),
        ]
    )
    assert_failure(wrong_key, 2, "private key")
    assert_failure(missing_key, 2, "does not exist")
    assert_failure(unloadable, 2, "soul.json")
    assert not (broken / "soul.sig").exists()


def test_sign_json_and_load_soul_verify_key(signed: tuple[Path, Path, Path], tmp_path: Path) -> None:
    """`sign --json` reports the digest and key id, and load_soul(verify_key=...) accepts the result."""
    import shutil

    root, key, pub = signed
    copy = tmp_path / "copy"
    shutil.copytree(root, copy)
    result = run("sign", copy, "--key", key, "--json")
    assert result.code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["digest"] == load_soul(copy, verify_key=pub).digest
    assert len(doc["key_id"]) == 16

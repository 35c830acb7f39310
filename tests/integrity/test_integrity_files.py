"""Listing a package's files: symlinks, special files, ignored folders and size limits."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from soulkeeper.errors import IntegrityError, SpecError
from soulkeeper.integrity import compute_digest, list_package_files, parse_digest


def _package(root: Path) -> Path:
    (root / "sub").mkdir(parents=True)
    (root / "SOUL.md").write_text("# Soul\n")
    (root / "sub" / "a.md").write_text("a\n")
    return root


def test_files_are_listed_recursively_in_byte_order(tmp_path: Path) -> None:
    """Nested files are listed by POSIX path, sorted by their UTF-8 bytes."""
    root = _package(tmp_path / "p")
    (root / "Z.md").write_text("z")
    assert list(list_package_files(root)) == ["SOUL.md", "Z.md", "sub/a.md"]


def test_signature_and_vcs_folders_are_left_out(tmp_path: Path) -> None:
    """soul.sig at the root and .git/.hg/.svn folders are not package files; soul.sig deeper is."""
    root = _package(tmp_path / "p")
    (root / "soul.sig").write_text("{}")
    (root / "sub" / "soul.sig").write_text("{}")
    for vcs in (".git", ".hg", ".svn"):
        (root / vcs).mkdir()
        (root / vcs / "HEAD").write_text("x")
    assert list(list_package_files(root)) == ["SOUL.md", "sub/a.md", "sub/soul.sig"]


def test_symlink_inside_the_package_is_followed(tmp_path: Path) -> None:
    """A link to a file or folder inside the package is read through."""
    root = _package(tmp_path / "p")
    (root / "link.md").symlink_to(root / "SOUL.md")
    (root / "dirlink").symlink_to(root / "sub", target_is_directory=True)
    files = list_package_files(root)
    assert files["link.md"] == b"# Soul\n"
    assert files["dirlink/a.md"] == b"a\n"


@pytest.mark.parametrize("kind", ["file", "dir", "dotdot"])
def test_symlink_escaping_the_package_is_rejected(tmp_path: Path, kind: str) -> None:
    """A link resolving outside the package raises SpecError naming the link."""
    root = _package(tmp_path / "p")
    (tmp_path / "secret.md").write_text("secret")
    (tmp_path / "outdir").mkdir()
    if kind == "file":
        (root / "x.md").symlink_to(tmp_path / "secret.md")
    elif kind == "dir":
        (root / "x.md").symlink_to(tmp_path / "outdir", target_is_directory=True)
    else:
        (root / "x.md").symlink_to(Path("..") / "secret.md")
    with pytest.raises(SpecError, match=r"x\.md: symbolic link points outside the package"):
        list_package_files(root)


def test_dangling_link_and_loops_are_rejected(tmp_path: Path) -> None:
    """Dangling links and links back to an ancestor folder raise SpecError."""
    root = _package(tmp_path / "p")
    (root / "gone.md").symlink_to(root / "nothing.md")
    with pytest.raises(SpecError, match="dangling"):
        list_package_files(root)
    (root / "gone.md").unlink()
    (root / "sub" / "up").symlink_to(root, target_is_directory=True)
    with pytest.raises(SpecError, match="loop"):
        list_package_files(root)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_special_files_are_rejected(tmp_path: Path) -> None:
    """A FIFO in the package is an error, never read (reading it would hang)."""
    root = _package(tmp_path / "p")
    os.mkfifo(root / "pipe.md")
    with pytest.raises(SpecError, match="not a regular file"):
        list_package_files(root)


def test_size_limits(tmp_path: Path) -> None:
    """max_file_bytes and max_total_bytes raise SpecError when exceeded."""
    root = _package(tmp_path / "p")
    with pytest.raises(SpecError, match="limit"):
        list_package_files(root, max_file_bytes=3)
    with pytest.raises(SpecError, match="limit"):
        list_package_files(root, max_total_bytes=8)
    assert len(list_package_files(root, max_file_bytes=7, max_total_bytes=9)) == 2


def test_not_a_folder(tmp_path: Path) -> None:
    """A path that is not a directory raises SpecError."""
    with pytest.raises(SpecError, match="not a package folder"):
        list_package_files(tmp_path / "missing")


@pytest.mark.parametrize("bad", ["", "/abs.md", "a\\b.md", "a/../b.md", "./a.md", "a//b.md", "a\nb.md"])
def test_bad_paths_are_refused_by_the_digest(bad: str) -> None:
    """compute_digest refuses paths that cannot be package-relative POSIX paths."""
    with pytest.raises(IntegrityError):
        compute_digest({bad: b"x"})


def test_unicode_path_forms_digest_alike() -> None:
    """NFC and NFD spellings of a file name give the same digest; both at once is an error."""
    nfc, nfd = "caf\u00e9.md", "cafe\u0301.md"
    assert compute_digest({nfc: b"x"}) == compute_digest({nfd: b"x"})
    with pytest.raises(IntegrityError, match="Unicode normalisation"):
        compute_digest({nfc: b"x", nfd: b"y"})


def test_str_contents_are_utf8() -> None:
    """A str value digests like its UTF-8 bytes, and the signature file is excluded."""
    assert compute_digest({"SOUL.md": "한국어"}) == compute_digest(
        {"SOUL.md": "한국어".encode(), "soul.sig": b"?"}
    )


def test_empty_package_has_a_stable_digest() -> None:
    """An empty mapping digests the header line alone."""
    import hashlib

    assert compute_digest({}) == "sha256:" + hashlib.sha256(b"soulkeeper-digest-v1\n").hexdigest()


def test_parse_digest() -> None:
    """parse_digest accepts upper case and bare hex and rejects anything else."""
    assert parse_digest("SHA256:" + "A" * 64) == "sha256:" + "a" * 64
    assert parse_digest("b" * 64) == "sha256:" + "b" * 64
    for bad in ("sha256:xyz", "md5:" + "a" * 64, "a" * 63):
        with pytest.raises(ValueError, match="not a digest"):
            parse_digest(bad)


def test_listing_agrees_with_the_loader_through_symlinked_folders(tmp_path: Path) -> None:
    """A folder reached through an inside symlink is listed under both paths by integrity and the loader."""
    from conftest import EXAMPLES
    from soulkeeper.spec import load_soul

    root = tmp_path / "p"
    import shutil

    shutil.copytree(EXAMPLES / "haneul", root)
    (root / "notes").mkdir()
    (root / "notes" / "a.md").write_text("# a\n")
    (root / "alias").symlink_to(root / "notes", target_is_directory=True)
    soul = load_soul(root)
    listed = list_package_files(root)
    assert {"alias/a.md", "notes/a.md"} <= set(listed)
    assert dict(soul.raw_files) == listed
    assert soul.digest == compute_digest(listed)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    tree=st.dictionaries(
        st.lists(
            st.sampled_from(["a", "B", "soul.json", "x.md", "ü.md", ".git", "d"]), min_size=1, max_size=3
        ).map("/".join),
        st.binary(max_size=40),
        max_size=6,
    )
)
def test_digest_of_a_folder_equals_digest_of_its_mapping(
    tmp_path_factory: pytest.TempPathFactory, tree: dict[str, bytes]
) -> None:
    """Whatever files a folder holds, digesting the folder equals digesting the mapping that was written."""
    root = tmp_path_factory.mktemp("tree")
    written: dict[str, bytes] = {}
    for rel, data in tree.items():
        path = root / rel
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        except (FileExistsError, NotADirectoryError, IsADirectoryError):
            continue  # a file and a folder with the same name: keep the first
        written[rel] = data
    on_disk = list_package_files(root)
    expected = {k: v for k, v in written.items() if ".git" not in k.split("/")[:-1] and (root / k).is_file()}
    assert compute_digest(on_disk) == compute_digest(expected)

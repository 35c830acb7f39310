"""The loaded persona package: :class:`Soul` and :func:`load_soul`."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

from soulkeeper.errors import IntegrityError, SpecError
from soulkeeper.spec._files import SIGNATURE_FILE, package_root, read_package
from soulkeeper.spec._findings import Issue
from soulkeeper.spec._load import Parts, build_parts, normalise_files
from soulkeeper.spec.limits import DEFAULT_LIMITS, Limits
from soulkeeper.spec.manifest import Manifest
from soulkeeper.spec.model import FileRole, Finding, Section, SoulFile
from soulkeeper.spec.rules import Rules

if TYPE_CHECKING:
    from soulkeeper.integrity import PublicKeyLike

__all__ = ["Soul", "load_soul"]

_SLUG = re.compile(r"[^a-z0-9]+")


class Soul:
    """A Soul Spec persona package, loaded, normalised and checked. Immutable.

    Build one with :func:`load_soul` / :meth:`Soul.load` (a folder) or :meth:`Soul.from_files`
    (in memory). Nothing is ever written into the package.
    """

    __slots__ = ("_digest", "_issues", "files", "findings", "manifest", "raw_files", "root", "rules")

    root: Path | None
    """The package folder; ``None`` when built in memory."""
    manifest: Manifest
    """The typed ``soul.json``."""
    files: Mapping[str, SoulFile]
    """Every text file, by package-relative POSIX path, sorted."""
    raw_files: Mapping[str, bytes]
    """Every file of the package (text and images) as the bytes read, sorted; what the digest covers."""
    rules: Rules
    """The structured persona rules merged from all sources."""
    findings: tuple[Finding, ...]
    """Lenient-mode findings gathered while loading (see :meth:`validate` for strict ones)."""
    _issues: tuple[Issue, ...]
    _digest: str | None

    def __init__(self, parts: Parts, *, root: Path | None) -> None:
        set_ = object.__setattr__
        set_(self, "root", root)
        set_(self, "manifest", parts.manifest)
        set_(self, "files", MappingProxyType(dict(parts.files)))
        set_(self, "raw_files", MappingProxyType(dict(parts.raw_files)))
        set_(self, "rules", parts.rules)
        set_(self, "_issues", parts.issues)
        set_(self, "findings", tuple(issue.finding(strict=False) for issue in parts.issues))
        set_(self, "_digest", None)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"Soul is immutable; cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"Soul is immutable; cannot delete {name!r}")

    def __reduce__(self) -> tuple[object, ...]:
        state = {name: getattr(self, name) for name in self.__slots__}
        state["files"] = dict(self.files)
        state["raw_files"] = dict(self.raw_files)
        return (_rebuild, (state,))

    def __repr__(self) -> str:
        where = f" at {self.root}" if self.root is not None else ""
        return f"<Soul {self.name!r} {self.version}{where}: {len(self.raw_files)} files>"

    # ------------------------------------------------------------ construction

    @classmethod
    def load(
        cls,
        path: str | os.PathLike[str],
        *,
        strict: bool = False,
        verify_key: PublicKeyLike | None = None,
        expect_digest: str | None = None,
        limits: Limits | None = None,
    ) -> Soul:
        """Load the package at ``path``; the same as :func:`load_soul`."""
        return load_soul(
            path, strict=strict, verify_key=verify_key, expect_digest=expect_digest, limits=limits
        )

    @classmethod
    def from_files(
        cls, files: Mapping[str, str | bytes], *, strict: bool = False, limits: Limits | None = None
    ) -> Soul:
        """Build a persona from in-memory files (``{"soul.json": "...", "SOUL.md": "..."}``), same validation."""
        with _one_line_errors():
            raw = normalise_files(files)
            soul = cls(
                build_parts(raw, limits=limits or DEFAULT_LIMITS, where="<in-memory package>"), root=None
            )
            if strict:
                soul._raise_if_invalid()
        return soul

    # ------------------------------------------------------------ identity

    @property
    def name(self) -> str:
        """The persona id: ``manifest.name``, else a slug of ``rules.identity.name`` or of the folder name."""
        if self.manifest.name:
            return self.manifest.name
        for candidate in (self.rules.identity.name, self.root.name if self.root else None):
            slug = _SLUG.sub("-", (candidate or "").casefold()).strip("-")
            if slug:
                return slug
        return "unnamed"

    @property
    def display_name(self) -> str:
        """``manifest.display_name``, else ``rules.identity.name``, else :attr:`name`."""
        return self.manifest.display_name or self.rules.identity.name or self.name

    @property
    def version(self) -> str:
        """``manifest.version``, or ``"0.0.0"`` when the manifest has none."""
        return self.manifest.version or "0.0.0"

    @property
    def digest(self) -> str:
        """The canonical package digest, ``"sha256:<64 hex>"`` (see docs/integrity.md)."""
        cached: str | None = self._digest
        if cached is None:
            from soulkeeper.integrity import compute_digest

            cached = compute_digest(self.raw_files)
            object.__setattr__(self, "_digest", cached)
        return cached

    # ------------------------------------------------------------ content

    def file(self, role: FileRole) -> SoulFile | None:
        """The first file with ``role`` (``"soul"``, ``"identity"``, …), or ``None``."""
        return next((f for f in self.files.values() if f.role == role), None)

    def sections(self, role: FileRole | None = None) -> Iterator[Section]:
        """Every markdown section, in file order, optionally only of files with ``role``."""
        for file in self.files.values():
            if role is None or file.role == role:
                yield from file.sections

    def validate(self, *, strict: bool = False) -> list[Finding]:
        """Findings for this package: in strict mode every spec violation is an ``error``."""
        return [issue.finding(strict=strict) for issue in self._issues]

    def _raise_if_invalid(self) -> None:
        errors = [finding for finding in self.validate(strict=True) if finding.severity == "error"]
        if errors:
            first = errors[0]
            more = (
                f" (and {len(errors) - 1} more errors; run `soulkeeper validate --strict`)"
                if len(errors) > 1
                else ""
            )
            raise SpecError(f"{first.code} {first.message}{more}", file=first.file, line=first.line)


def _rebuild(state: dict[str, object]) -> Soul:
    """Unpickle a :class:`Soul` (its attributes are read-only, so the default protocol cannot)."""
    soul = Soul.__new__(Soul)
    for name, value in state.items():
        if name in ("files", "raw_files") and isinstance(value, dict):
            value = MappingProxyType(value)
        object.__setattr__(soul, name, value)
    return soul


def load_soul(
    path: str | os.PathLike[str],
    *,
    strict: bool = False,
    verify_key: PublicKeyLike | None = None,
    expect_digest: str | None = None,
    limits: Limits | None = None,
) -> Soul:
    """Load the Soul Spec package at ``path`` (a folder, or its ``soul.json``).

    Lenient by default: real-world packages that bend the spec load, with findings in
    :attr:`Soul.findings`. ``strict=True`` raises :class:`SpecError` for the first spec violation.
    ``verify_key`` checks the detached ``soul.sig`` against that Ed25519 public key; ``expect_digest``
    pins the package digest; either raises :class:`IntegrityError` on any difference (before parsing).
    Unusable input (missing or malformed files, unsafe paths, over-size files) always raises
    :class:`SpecError` with one line naming the file, the line and what to do. Reading never writes.
    """
    with _one_line_errors():
        root = package_root(path)
        try:
            raw = read_package(root, limits or DEFAULT_LIMITS)
        except SpecError:
            if verify_key is not None or expect_digest is not None:
                # a refused package may be a tampered trusted one (e.g. a file added): say so first
                _verify_unloadable(
                    root, limits or DEFAULT_LIMITS, verify_key=verify_key, expect_digest=expect_digest
                )
            raise
        if verify_key is not None or expect_digest is not None:
            _verify(root, raw, verify_key=verify_key, expect_digest=expect_digest)
        soul = Soul(build_parts(raw, limits=limits or DEFAULT_LIMITS, where=root), root=root)
        if strict:
            soul._raise_if_invalid()
    return soul


_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")


def _escape(text: str) -> str:
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)


@contextmanager
def _one_line_errors() -> Iterator[None]:
    """Re-raise a SpecError whose text holds a newline or control character (from a user's value) escaped."""
    try:
        yield
    except SpecError as exc:
        if not _CONTROL.search(str(exc)):
            raise
        file = _escape(exc.file) if exc.file is not None else None
        raise SpecError(_escape(exc.reason), file=file, line=exc.line) from None


def _verify_unloadable(
    root: Path, limits: Limits, *, verify_key: PublicKeyLike | None, expect_digest: str | None
) -> None:
    """Raise :class:`IntegrityError` when a package the loader refused also differs from what is trusted."""
    from soulkeeper import integrity

    try:
        files = integrity.list_package_files(
            root, max_file_bytes=limits.max_file_bytes, max_total_bytes=limits.max_package_bytes
        )
    except SpecError:
        return
    _verify(root, files, verify_key=verify_key, expect_digest=expect_digest)


def _verify(
    root: Path, raw: Mapping[str, bytes], *, verify_key: PublicKeyLike | None, expect_digest: str | None
) -> None:
    from soulkeeper import integrity

    if expect_digest is not None:
        try:
            integrity.check_digest(raw, expect_digest)
        except IntegrityError as exc:
            raise IntegrityError(f"{root}: {exc}") from None
    if verify_key is not None:
        signature = root / SIGNATURE_FILE
        try:
            data = signature.read_bytes()
        except FileNotFoundError:
            raise IntegrityError(
                f"{signature}: missing signature; sign the package with `soulkeeper sign`"
            ) from None
        except OSError as exc:
            raise IntegrityError(f"{signature}: cannot be read ({exc.strerror or exc})") from None
        try:
            integrity.verify_files(raw, data, verify_key)
        except IntegrityError as exc:
            raise IntegrityError(f"{root}: {exc}") from None

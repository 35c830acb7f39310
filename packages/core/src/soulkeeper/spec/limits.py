"""Package limits: allowed extensions and size caps (SoulScan stage 2 defaults)."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["BINARY_EXTENSIONS", "DEFAULT_LIMITS", "TEXT_EXTENSIONS", "Limits"]

TEXT_EXTENSIONS = frozenset({".md", ".json", ".txt", ".yaml", ".yml", ".svg"})
"""Extensions decoded as UTF-8 text (and, for ``.md``, split into sections)."""
BINARY_EXTENSIONS = frozenset({".png", ".jpg", ".jpeg", ".webp"})
"""Image extensions: covered by the digest, never decoded."""


@dataclass(frozen=True, slots=True)
class Limits:
    """What a package may contain. The defaults are the Soul Spec / SoulScan limits.

    ``max_file_bytes`` and ``max_package_bytes`` count raw bytes on disk (1 KB = 1024 bytes).
    """

    max_file_bytes: int = 100 * 1024
    max_package_bytes: int = 1024 * 1024
    max_files: int = 1000
    allowed_extensions: frozenset[str] = field(
        default_factory=lambda: frozenset(
            {".md", ".json", ".png", ".jpg", ".jpeg", ".svg", ".txt", ".yaml", ".yml"}
        )
    )

    def __post_init__(self) -> None:
        if self.max_file_bytes <= 0 or self.max_package_bytes <= 0 or self.max_files <= 0:
            raise ValueError("Limits: sizes and counts must be positive")
        bad = [ext for ext in self.allowed_extensions if not ext.startswith(".") or ext != ext.lower()]
        if bad:
            raise ValueError(f"Limits: extensions must be lower-case and start with a dot, got {sorted(bad)}")


DEFAULT_LIMITS = Limits()

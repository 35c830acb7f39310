"""open_store: built-in schemes, plugin backends, clear errors for unknown schemes and missing extras."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable

import pytest
from soulkeeper.errors import MissingExtraError
from soulkeeper.plugins import get_plugin_manager, hookimpl
from soulkeeper.stores import CheckpointStore, MemoryStore, open_store, store_factories


def test_builtin_schemes_are_registered_by_the_default_plugin() -> None:
    """The default stores plugin registers memory, sqlite, postgresql/postgres and redis/rediss."""
    assert {"memory", "sqlite", "postgresql", "postgres", "redis", "rediss"} <= set(store_factories())


def test_unknown_scheme_lists_known_schemes_without_the_password() -> None:
    """An unknown scheme is a ValueError naming the scheme and the known ones, never the password."""
    with pytest.raises(ValueError, match=r"unknown checkpoint store scheme 'mongodb'.*sqlite://") as info:
        open_store("mongodb://admin:hunter2@db.example/x")
    assert "hunter2" not in str(info.value)
    with pytest.raises(ValueError, match="not a store URL"):
        open_store("checkpoints.db")


def test_store_instances_pass_through() -> None:
    """Passing a store instead of a URL returns that store unchanged."""
    store = MemoryStore()
    assert open_store(store) is store


class _Plugin:
    """A third-party backend registered through the register_stores hook."""

    opened: list[str] = []  # noqa: RUF012 - test recorder

    @hookimpl
    def register_stores(self, register: Callable[..., None]) -> None:
        def factory(url: str) -> CheckpointStore:
            self.opened.append(url)
            return MemoryStore()

        register("custom", factory)


def test_plugins_add_schemes() -> None:
    """A plugin's register_stores hook makes its scheme openable with open_store."""
    pm = get_plugin_manager(load_entrypoints=False)
    pm.register(_Plugin())
    store = open_store("custom://anything", plugin_manager=pm)
    assert isinstance(store, MemoryStore)
    assert _Plugin.opened == ["custom://anything"]


def test_a_scheme_registered_twice_is_an_error() -> None:
    """Two backends claiming one scheme fail loudly instead of one silently winning."""

    class Clash:
        @hookimpl
        def register_stores(self, register: Callable[..., None]) -> None:
            register("sqlite", lambda url: MemoryStore())

    pm = get_plugin_manager(load_entrypoints=False)
    pm.register(Clash())
    with pytest.raises(ValueError, match="registered twice"):
        open_store("sqlite:///:memory:", plugin_manager=pm)


@pytest.mark.parametrize(
    ("blocked", "url", "extra"),
    [("psycopg", "postgresql://localhost/x", "postgres"), ("redis", "redis://localhost:6379/0", "redis")],
)
def test_missing_extra_names_the_pip_extra(blocked: str, url: str, extra: str) -> None:
    """Without the driver installed, opening its scheme raises MissingExtraError with the install command."""
    code = (
        "import sys\n"
        f"sys.modules[{blocked!r}] = None\n"
        "from soulkeeper.stores import open_store\n"
        "from soulkeeper.errors import MissingExtraError\n"
        "try:\n"
        f"    open_store({url!r})\n"
        "except MissingExtraError as exc:\n"
        "    print(exc)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert f'pip install "soulkeeper[{extra}]"' in result.stdout
    assert issubclass(MissingExtraError, ImportError)


def test_importing_stores_loads_no_optional_driver_or_pytest() -> None:
    """import soulkeeper.stores (and soulkeeper.testing) pulls in neither psycopg, redis nor pytest."""
    code = (
        "import sys, soulkeeper, soulkeeper.stores, soulkeeper.testing\n"
        "print(sorted(m for m in ('psycopg', 'psycopg_pool', 'redis', 'pytest') if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "[]"


def test_public_names_are_pinned() -> None:
    """soulkeeper.stores exports exactly its documented names, each importable."""
    import soulkeeper.stores as stores

    assert stores.__all__ == [
        "MAX_EXEMPLARS",
        "MAX_EXEMPLAR_CHARS",
        "Checkpoint",
        "CheckpointStore",
        "MemoryStore",
        "PostgresStore",
        "RedisStore",
        "SQLiteStore",
        "StateUpdate",
        "ThreadState",
        "open_store",
        "redact_url",
        "store_factories",
        "trim_exemplars",
    ]
    for name in stores.__all__:
        assert getattr(stores, name) is not None

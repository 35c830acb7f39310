"""``open_store(url)``: find the backend registered for the URL's scheme and open it."""

from __future__ import annotations

from collections.abc import Callable

import pluggy

from soulkeeper.stores._base import CheckpointStore, redact_url

__all__ = ["StoreFactory", "open_store", "store_factories"]

StoreFactory = Callable[[str], CheckpointStore]


def store_factories(plugin_manager: pluggy.PluginManager | None = None) -> dict[str, StoreFactory]:
    """Every registered store backend by URL scheme (built-ins and plugins' ``register_stores``)."""
    if plugin_manager is None:
        from soulkeeper.plugins import default_plugin_manager

        plugin_manager = default_plugin_manager()
    factories: dict[str, StoreFactory] = {}

    def register(scheme: str, factory: StoreFactory) -> None:
        key = scheme.lower().removesuffix("://")
        if key in factories:
            raise ValueError(f"checkpoint store scheme {key!r} is registered twice")
        factories[key] = factory

    plugin_manager.hook.register_stores(register=register)
    return factories


def open_store(
    url: str | CheckpointStore,
    *,
    migrate: bool = True,
    plugin_manager: pluggy.PluginManager | None = None,
) -> CheckpointStore:
    """Open the checkpoint store a URL names, and bring its schema up to date.

    ``memory://``, ``sqlite:///path.db`` (``sqlite:///:memory:``), ``postgresql://user@host/db``
    (extra ``postgres``) and ``redis://host:6379/0`` (extra ``redis``) are built in; plugins add
    schemes through the ``register_stores`` hook. A store instance is returned as is.

    :param migrate: apply pending schema migrations (default); pass ``False`` to open as found.
    :raises ValueError: the URL's scheme is unknown (the message lists the known ones).
    :raises soulkeeper.MissingExtraError: the backend's optional dependency is not installed.
    :raises soulkeeper.StoreError: the store cannot be reached or migrated.
    """
    if isinstance(url, CheckpointStore):
        return url
    if not isinstance(url, str):
        raise TypeError(f"open_store expects a URL string, got {type(url).__name__}")
    factories = store_factories(plugin_manager)
    scheme = url.split("://", 1)[0].lower() if "://" in url else ""
    factory = factories.get(scheme)
    if factory is None:
        known = ", ".join(f"{name}://" for name in sorted(factories))
        what = f"unknown checkpoint store scheme {scheme!r}" if scheme else "not a store URL"
        raise ValueError(f"{what} in {redact_url(url)!r}; known schemes: {known}")
    store = factory(url)
    if migrate:
        try:
            store.migrate()
        except BaseException:
            store.close()
            raise
    return store

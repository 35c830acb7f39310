from __future__ import annotations

import importlib
import os
from functools import cache

import pluggy

from soulkeeper.plugins import hookspecs

ENTRY_POINT_GROUP = "soulkeeper"
DISABLE_AUTOLOAD_ENV = "SOULKEEPER_DISABLE_PLUGIN_AUTOLOAD"

# Built-ins are ordinary plugins: each module below defines hookimpls, like a third-party plugin would.
DEFAULT_PLUGINS: tuple[str, ...] = (
    "soulkeeper.default_plugins.tokenizers",
    "soulkeeper.default_plugins.stores",
    "soulkeeper.default_plugins.detectors",
)


def get_plugin_manager(*, load_entrypoints: bool | None = None) -> pluggy.PluginManager:
    """Build a plugin manager with the hook specs, the default plugins and installed plugins.

    Installed plugins are found through the ``soulkeeper`` entry point group, unless
    ``SOULKEEPER_DISABLE_PLUGIN_AUTOLOAD`` is set to a non-empty value (or ``load_entrypoints=False``).
    A misspelled hook implementation fails loudly (``check_pending``).
    """
    pm = pluggy.PluginManager("soulkeeper")
    pm.add_hookspecs(hookspecs)
    for name in DEFAULT_PLUGINS:
        pm.register(importlib.import_module(name), name=name)
    if load_entrypoints is None:
        load_entrypoints = not os.environ.get(DISABLE_AUTOLOAD_ENV)
    if load_entrypoints:
        pm.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
    pm.check_pending()
    return pm


@cache
def default_plugin_manager() -> pluggy.PluginManager:
    """The process-wide manager used when the caller passes none (built on first use)."""
    return get_plugin_manager()

"""soulkeeper's plugin system (pluggy): hook specs, the manager factory and ``hookimpl``."""

from soulkeeper.plugins._manager import (
    DEFAULT_PLUGINS,
    DISABLE_AUTOLOAD_ENV,
    ENTRY_POINT_GROUP,
    default_plugin_manager,
    get_plugin_manager,
)
from soulkeeper.plugins.hookspecs import hookimpl, hookspec

__all__ = [
    "DEFAULT_PLUGINS",
    "DISABLE_AUTOLOAD_ENV",
    "ENTRY_POINT_GROUP",
    "default_plugin_manager",
    "get_plugin_manager",
    "hookimpl",
    "hookspec",
]

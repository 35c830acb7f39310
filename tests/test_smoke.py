"""The package imports and its plugin manager builds with the hook specs."""

import soulkeeper
from soulkeeper.plugins import get_plugin_manager


def test_plugin_manager_has_hookspecs() -> None:
    """The manager exposes every documented hook."""
    pm = get_plugin_manager(load_entrypoints=False)
    for hook in ("register_tokenizers", "register_detectors", "register_stores", "on_pack", "on_drift"):
        assert hasattr(pm.hook, hook)
    assert issubclass(soulkeeper.SpecError, ValueError)

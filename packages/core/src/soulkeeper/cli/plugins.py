"""``soulkeeper plugins``: the loaded plugins and the hooks each one implements."""

from __future__ import annotations

from typing import Any

import click
from rich.table import Table

from soulkeeper.cli._output import print_json, stdout

__all__ = ["plugins"]


def _plugin_rows() -> list[dict[str, Any]]:
    from soulkeeper.plugins import get_plugin_manager

    pm = get_plugin_manager()
    dists = {id(plugin): dist for plugin, dist in pm.list_plugin_distinfo()}
    rows = []
    for name, plugin in sorted(pm.list_name_plugin(), key=lambda item: item[0]):
        if plugin is None:
            continue  # blocked plugin
        dist = dists.get(id(plugin))
        hooks = sorted(caller.name for caller in pm.get_hookcallers(plugin) or [])
        rows.append(
            {
                "name": name,
                "distribution": f"{dist.project_name} {dist.version}"
                if dist is not None
                else "soulkeeper (built in)",
                "hooks": hooks,
            }
        )
    return rows


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the plugins as JSON.")
def plugins(as_json: bool) -> None:
    """List the loaded plugins (built-ins and installed ones) and the hooks each implements.

    Installed plugins are found through the `soulkeeper` entry point group unless
    SOULKEEPER_DISABLE_PLUGIN_AUTOLOAD is set.
    """
    rows = _plugin_rows()
    if as_json:
        print_json({"plugins": rows})
        return
    if not rows:
        click.echo("no plugins loaded")
        return
    table = Table(title="Plugins", title_justify="left")
    for column in ("plugin", "from", "hooks"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(row["name"], row["distribution"], ", ".join(row["hooks"]))
    stdout().print(table)

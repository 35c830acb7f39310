"""``soulkeeper validate`` and ``soulkeeper inspect``: check a persona package and show what it holds."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from rich.table import Table

from soulkeeper.cli import EXIT_INVALID
from soulkeeper.cli._output import PACKAGE_PATH, fail, one_line, print_json, stdout
from soulkeeper.errors import SpecError
from soulkeeper.spec import Finding, Soul, load_soul

__all__ = ["inspect", "validate"]


def _finding_dict(finding: Finding) -> dict[str, Any]:
    return finding.model_dump(mode="json")


@click.command()
@click.argument("path", type=PACKAGE_PATH)
@click.option("--strict", is_flag=True, help="Report every Soul Spec violation as an error.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON report on stdout.")
def validate(path: Path, strict: bool, as_json: bool) -> None:
    """Check the persona package at PATH (a folder or its soul.json).

    Exit 0 when it is valid, 1 when it is not (a package that cannot be loaded at all is invalid too),
    2 when PATH does not exist or the options are wrong. Findings go to stdout; the verdict for an
    invalid package is one line on stderr.
    """
    try:
        soul = load_soul(path)
    except SpecError as exc:
        if as_json:
            print_json(
                {"path": str(path), "valid": False, "strict": strict, "error": one_line(exc), "findings": []}
            )
        fail(f"invalid: {exc}", EXIT_INVALID)
    findings = soul.validate(strict=strict)
    errors = [f for f in findings if f.severity == "error"]
    if as_json:
        print_json(
            {
                "path": str(path),
                "valid": not errors,
                "strict": strict,
                "name": soul.name,
                "version": soul.version,
                "digest": soul.digest,
                "error": str(errors[0]) if errors else None,
                "findings": [_finding_dict(f) for f in findings],
            }
        )
    else:
        for finding in findings:
            click.echo(str(finding))
        counts = {s: sum(f.severity == s for f in findings) for s in ("error", "warning", "info")}
        mode = "strict" if strict else "lenient"
        summary = ", ".join(f"{n} {s}{'s' if n != 1 else ''}" for s, n in counts.items())
        verdict = "invalid" if errors else "valid"
        click.echo(f"{soul.name} {soul.version}: {verdict} ({mode}; {summary})")
    if errors:
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        fail(f"invalid: {errors[0]}{more}", EXIT_INVALID)


def _rules_rows(soul: Soul) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []

    def walk(value: Any, prefix: str) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                walk(item, f"{prefix}.{key}" if prefix else key)
        elif value not in (None, False, [], ()):
            if isinstance(value, list):
                shown = "; ".join(
                    item["name"] if isinstance(item, dict) and "name" in item else str(item) for item in value
                )
            else:
                shown = str(value)
            rows.append((prefix, shown))

    walk(soul.rules.model_dump(mode="json", exclude={"sources"}), "")
    return rows


def _raw_sizes(soul: Soul) -> dict[str, int]:
    raw = getattr(soul, "raw_files", None)
    if raw is None:
        return {path: len(file.text.encode()) for path, file in soul.files.items()}
    return {path: len(data) for path, data in raw.items()}


def _inspect_dict(soul: Soul) -> dict[str, Any]:
    sizes = _raw_sizes(soul)
    return {
        "name": soul.name,
        "display_name": soul.display_name,
        "version": soul.version,
        "root": str(soul.root) if soul.root else None,
        "digest": soul.digest,
        "manifest": soul.manifest.raw,
        "files": [
            {
                "path": path,
                "role": soul.files[path].role if path in soul.files else "binary",
                "bytes": size,
                "sections": [s.heading for s in soul.files[path].sections] if path in soul.files else [],
            }
            for path, size in sizes.items()
        ],
        "rules": soul.rules.model_dump(mode="json"),
        "findings": [_finding_dict(f) for f in soul.findings],
    }


@click.command()
@click.argument("path", type=PACKAGE_PATH)
@click.option("--json", "as_json", is_flag=True, help="Print everything as JSON instead of tables.")
def inspect(path: Path, as_json: bool) -> None:
    """Show the persona package at PATH: manifest, files and sections, rules, findings and digest."""
    soul = load_soul(path)
    if as_json:
        print_json(_inspect_dict(soul))
        return
    console = stdout()
    console.print(f"[bold]{soul.display_name}[/bold] ({soul.name} {soul.version})  {soul.root or ''}")

    manifest = Table(title="Manifest", show_header=False, title_justify="left")
    manifest.add_column("field", style="cyan")
    manifest.add_column("value", overflow="fold")
    m = soul.manifest
    spec = m.spec_version + (" (inferred)" if getattr(m, "spec_version_inferred", False) else "")
    author = getattr(m.author, "name", None) or ""
    for field, value in (
        ("specVersion", spec),
        ("name", m.name),
        ("displayName", m.display_name),
        ("version", m.version),
        ("description", m.description),
        ("author", author),
        ("license", m.license or ""),
        ("tags", ", ".join(m.tags)),
        ("category", m.category or ""),
    ):
        if value:
            manifest.add_row(field, str(value))
    console.print(manifest)

    files = Table(title="Files", title_justify="left")
    for column in ("path", "role", "bytes", "sections"):
        files.add_column(column, justify="right" if column == "bytes" else "left", overflow="fold")
    for rel, size in _raw_sizes(soul).items():
        file = soul.files.get(rel)
        headings = [s.heading for s in file.sections if s.level in (1, 2)] if file else []
        files.add_row(rel, file.role if file else "binary", str(size), ", ".join(headings))
    console.print(files)

    rules = Table(title="Rules", show_header=False, title_justify="left")
    rules.add_column("rule", style="cyan")
    rules.add_column("value", overflow="fold")
    for key, value in _rules_rows(soul):
        rules.add_row(key, value)
    if soul.rules.sources:
        rules.add_row("(read from)", ", ".join(soul.rules.sources))
    console.print(rules)

    if soul.findings:
        findings = Table(title="Findings", title_justify="left")
        for column in ("severity", "code", "where", "message"):
            findings.add_column(column, overflow="fold")
        for f in soul.findings:
            where = (f.file or "") + (f":{f.line}" if f.line is not None else "")
            findings.add_row(f.severity, f.code, where, f.message)
        console.print(findings)
    else:
        console.print("Findings: none")
    console.print(f"Digest: {soul.digest}")

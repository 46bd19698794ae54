"""The public interface is documented: tables and views in docs/sql.md, CLI commands in README.md's CLI table,
settings in docs/configuration.md, migrations in docs/architecture.md's table; and the generated pages match what
`make docs` would write now."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
import typer.main

from collectors.registry import SOURCES
from docs import generate
from gapwatch.settings import Settings
from jobs.cli.main import app
from warehouse import db

REPO = Path(__file__).resolve().parents[1]


def read(name: str) -> str:
    return (REPO / name).read_text(encoding="utf-8")


def documented(name: str, text: str) -> bool:
    return re.search(rf"`{re.escape(name)}`|\b{re.escape(name)}\b", text) is not None


def relations(tmp_path: Path) -> list[str]:
    con = db.connect(tmp_path / "w.duckdb")
    rows = con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' ORDER BY 1"
    ).fetchall()
    con.close()
    return [r[0] for r in rows]


def test_every_table_and_view_is_documented(tmp_path: Path) -> None:
    names = relations(tmp_path)
    assert "v_prices_current" in names  # the migrations really ran
    sql = read("docs/sql.md")
    missing = [n for n in names if n != "schema_migration" and not documented(n, sql)]
    assert not missing, f"tables/views not in docs/sql.md: {missing}"


def test_every_migration_is_in_the_architecture_table() -> None:
    listed = set(re.findall(r"^\| (\d{3}) \|", read("docs/architecture.md"), re.MULTILINE))
    missing = [name for number, name, _ in db.migrations() if f"{number:03d}" not in listed]
    assert not missing, f"migrations not in docs/architecture.md's table: {missing}"


def _commands(group: click.Group, prefix: str = "") -> list[str]:
    out = []
    for name, cmd in group.commands.items():
        out.append(f"{prefix}{name}")
        if isinstance(cmd, click.Group):
            out += _commands(cmd, f"{prefix}{name} ")
    return out


def cli_table() -> str:
    """The rows of the table under README.md's `## CLI` heading."""
    section = read("README.md").partition("\n## CLI\n")[2].partition("\n## ")[0]
    return "\n".join(line for line in section.splitlines() if line.startswith("| `gapwatch "))


def test_every_cli_command_is_documented() -> None:
    commands = _commands(typer.main.get_command(app))
    assert "collect" in commands
    table = cli_table()
    missing = [c for c in commands if not re.search(rf"`gapwatch {re.escape(c)}( |`)", table)]
    assert not missing, f"commands not in README.md's CLI table: {missing}"


@pytest.mark.parametrize("field", sorted(Settings.model_fields))
def test_every_setting_is_documented(field: str) -> None:
    assert Settings.model_fields[field].description, f"setting {field} has no Field(description=...)"
    assert documented(field, read("docs/configuration.md")), f"setting {field} is not in docs/configuration.md"


@pytest.mark.parametrize("page", sorted(generate.PAGES), ids=lambda p: p.name)
def test_generated_pages_are_current(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    assert generate.splice(text, generate.PAGES[page]()) == text, f"{page.name} is stale: run `make docs`"


def test_every_source_is_on_the_sources_page() -> None:
    page = read("docs/sources.md")
    missing = [s.id for s in SOURCES if f"### `{s.id}`" not in page]
    assert not missing, f"sources not in docs/sources.md: {missing}"

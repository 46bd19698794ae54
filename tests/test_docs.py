"""The public interface is documented: every table, view, CLI command and setting appears in README.md."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
import typer.main

from gapwatch.settings import Settings
from jobs.cli import app
from warehouse import db

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def documented(name: str) -> bool:
    return re.search(rf"`{re.escape(name)}`|\b{re.escape(name)}\b", README) is not None


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
    missing = [n for n in names if n != "schema_migration" and not documented(n)]
    assert not missing, f"undocumented tables/views: {missing}"


def _commands(group: click.Group, prefix: str = "") -> list[str]:
    out = []
    for name, cmd in group.commands.items():
        out.append(f"{prefix}{name}")
        if isinstance(cmd, click.Group):
            out += _commands(cmd, f"{prefix}{name} ")
    return out


def test_every_cli_command_is_documented() -> None:
    commands = _commands(typer.main.get_command(app))
    assert "collect" in commands
    missing = [c for c in commands if f"gapwatch {c}" not in README]
    assert not missing, f"undocumented commands: {missing}"


@pytest.mark.parametrize("field", sorted(Settings.model_fields))
def test_every_setting_is_documented(field: str) -> None:
    assert documented(field), f"setting {field} is not in README.md"

"""`gapwatch models ...` and `gapwatch licenses ...`: model identity, openness and licence texts.

Read-only: every command reads the published snapshot, so it never blocks the collector.
"""

from __future__ import annotations

import json
from typing import Annotated

import duckdb
import typer
from rich.console import Console

from jobs.cli import output
from jobs.cli.snapshot import published_snapshot
from warehouse.db import first
from warehouse.identity.license_diff import license_diff

models_app = typer.Typer(help="Canonical models, their aliases and openness.", no_args_is_help=True)
licenses_app = typer.Typer(help="Licences and their text versions.", no_args_is_help=True)
console = Console()
err = Console(stderr=True)


def _table(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None, title: str | None = None) -> int:
    cur = con.execute(sql, params or [])
    rows = cur.fetchall()
    # Whole names, never cut: they are what an [[alias]] entry is written from (`FLUX.1 [dev]` is text, not markup).
    output.print_table(console, [d[0] for d in cur.description or []],
                       [["" if v is None else str(v) for v in row] for row in rows], title=title)
    return len(rows)


@models_app.command("unmatched")
def unmatched(
    source: Annotated[str | None, typer.Option("--source", help="Only this source's names.")] = None,
    limit: Annotated[int, typer.Option("--limit", help="Names listed per source (0: only the shares).")] = 20,
) -> None:
    """Share of each source's model names that match no canonical model, and the names themselves."""
    where, params = ("WHERE source = ?", [source]) if source else ("", [])
    with published_snapshot() as con:
        _table(con, f"SELECT source, names, unmatched, unmatched_pct FROM v_unmatched_share {where} "
                    "ORDER BY unmatched_pct DESC, source", params, title="unmatched names per source")
        if limit > 0:
            _table(con, f"SELECT source, source_model, normalised, openness FROM v_unmatched_names {where} "
                        "QUALIFY row_number() OVER (PARTITION BY source ORDER BY source_model) <= ? "
                        "ORDER BY source, source_model", [*params, limit], title="unmatched names")
    err.print("Map a name by hand with an [[alias]] entry in the aliases file (GAPWATCH_ALIASES_PATH).", markup=False)


@models_app.command("show")
def show(name: Annotated[str, typer.Argument(help="A canonical model id or any source's name for it.")]) -> None:
    """One model: attributes, openness with its evidence, and every alias."""
    with published_snapshot() as con:
        row = first(con.execute(
            "SELECT model_id FROM model WHERE model_id = ? UNION "
            "SELECT model_id FROM model_alias WHERE source_model = ? OR lower(source_model) = lower(?) LIMIT 1",
            [name, name, name],
        ).fetchall())
        if row is None:
            hit = first(con.execute("SELECT source, normalised FROM v_unmatched_names WHERE source_model = ?",
                              [name]).fetchall())
            if hit:
                # `[[alias]]` is TOML, not rich markup: print it as text.
                err.print(f"{name!r} ({hit[0]}) matches no canonical model (normalised: {hit[1]}); "
                          "add an [[alias]] entry to the aliases file to map it.", style="yellow", markup=False)
            else:
                err.print(f"[red]no model or source name {name!r}; try `gapwatch models unmatched`[/red]")
            raise typer.Exit(1)
        model_id = row[0]
        _table(con, "SELECT model_id, organization, family, version, release_date, openness, license_id "
                    "FROM model WHERE model_id = ?", [model_id], title="model")
        _table(con, "SELECT a.source, a.source_model, k.key AS normalised, k.variant, a.method, a.confidence "
                    "FROM model_alias a LEFT JOIN model_name_key k ON k.source = a.source "
                    "AND k.source_model = a.source_model WHERE a.model_id = ? ORDER BY a.source, a.source_model",
               [model_id], title="aliases (method, confidence; variant = serving or reasoning setting)")
        _table(con, "SELECT source, source_model, model_id, valid_from, valid_to, method FROM v_model_names_history "
                    "WHERE (source, source_model) IN (SELECT source, source_model FROM v_model_names_history "
                    "WHERE model_id = ?) AND (valid_from IS NOT NULL OR valid_to IS NOT NULL) "
                    "ORDER BY source, source_model, valid_from NULLS FIRST", [model_id],
               title="undated names over time (the snapshot in force)")
        _table(con, "SELECT rank, source, source_model, kind, value, openness, license_id, rule "
                    "FROM v_openness_evidence WHERE model_id = ? ORDER BY rank, source, source_model",
               [model_id], title="openness evidence (lower rank wins)")
        conflict = first(con.execute("SELECT classes FROM v_openness_conflicts WHERE model_id = ?",
                                     [model_id]).fetchall())
        if conflict:
            err.print(f"[yellow]evidence conflicts: {', '.join(conflict[0])}[/yellow]")


@models_app.command("conflicts")
def conflicts(fmt: Annotated[str, typer.Option("--format", help="table | json")] = "table") -> None:
    """Models whose openness evidence disagrees between sources, and merges made with low confidence."""
    with published_snapshot() as con:
        merges_sql = ("SELECT model_id, source, source_model, normalised, variant, method, confidence "
                      "FROM v_low_confidence_aliases ORDER BY model_id, source, source_model")
        if fmt == "json":
            rows = con.execute("SELECT model_id, decided, classes, evidence FROM v_openness_conflicts "
                               "ORDER BY model_id").fetchall()
            merges = con.execute(merges_sql).fetchall()
            out = [{"kind": "openness", "model_id": m, "decided": d, "classes": c, "evidence": json.loads(e)}
                   for m, d, c, e in rows]
            out += [{"kind": "merge", "model_id": m, "source": s, "name": n, "normalised": k, "variant": v,
                     "method": how, "confidence": conf} for m, s, n, k, v, how, conf in merges]
            print(json.dumps(out, indent=2))
            return
        count = _table(con, "SELECT model_id, decided, classes FROM v_openness_conflicts ORDER BY model_id",
                       title="openness conflicts")
        merges = _table(con, merges_sql, title="low-confidence merges (review; an [[alias]] entry settles one)")
    err.print(f"{count} models with conflicting openness, {merges} low-confidence merges; "
              "`gapwatch models show MODEL` lists the evidence", markup=False)


@licenses_app.command("diff")
def diff(
    license_id: Annotated[str, typer.Argument(help="Licence id, e.g. llama3.1 (see v_license_text_versions).")],
    from_version: Annotated[int | None, typer.Option("--from", help="Older version number (default: previous).")]
    = None,
    to_version: Annotated[int | None, typer.Option("--to", help="Newer version number (default: latest).")] = None,
) -> None:
    """Unified diff between two stored versions of a licence text, one paragraph per line."""
    with published_snapshot() as con:
        try:
            text = license_diff(con, license_id, from_version, to_version)
        except (KeyError, ValueError) as exc:
            err.print(f"[yellow]{exc.args[0]}[/yellow]")
            raise typer.Exit(1) from None
    print(text)

"""Importing a team's own evaluation files (`gapwatch evals import`, and the service's watched folder).

Every file is read and checked before anything is written: one file that breaks its format refuses the whole
command with the file, the field and the reason, and nothing of the others is ingested (the user fixes and
re-runs). The watched folder instead imports file by file: a broken file is recorded as a rejected run of
`own_evals` (a source-health event, quarantined like any document) and the others go on.

A file already imported is a no-op (its sha256 is on record); a newer run of the same evaluation and model is
new history from its date on.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from collectors.evals import own_evals
from collectors.evals.results import EvalFile
from gapwatch.source import ParseError
from jobs.pipeline import Outcome, Pipeline
from warehouse.db import first
from warehouse.ingest import Document, utcnow

SOURCE = own_evals.SOURCE
# What a watched folder's files may be called: JSON only (Inspect's binary .eval logs are converted first).
PATTERN = "*.json"
MAX_FILE_BYTES = 256 * 1024 * 1024


class EvalImportError(ValueError):
    """One or more files cannot be imported; the message names each file and why."""


@dataclass(frozen=True)
class EvalDocument:
    path: Path
    document: Document
    found: EvalFile


def _check_size(path: Path, size: int) -> None:
    if size > MAX_FILE_BYTES:
        raise EvalImportError(f"{path}: {size} bytes is larger than {MAX_FILE_BYTES} — not an eval summary")


def _body(path: Path) -> bytes:
    try:
        _check_size(path, path.stat().st_size)
        return path.read_bytes()
    except OSError as exc:
        raise EvalImportError(f"{path}: cannot read it ({exc.strerror or exc})") from None


def _document(path: Path, body: bytes, sha: str) -> EvalDocument:
    """`body` (read from `path`) checked whole: every score, before anything of any file is written."""
    try:
        found = own_evals.read(body)
        own_evals.rows(found)
    except ParseError as exc:
        raise EvalImportError(f"{path}: {exc}") from None
    return EvalDocument(path, Document(url=path.resolve().as_uri(), body=body, sha256=sha,
                                       content_type="application/json"), found)


def _read(path: Path) -> EvalDocument:
    body = _body(path)
    return _document(path, body, hashlib.sha256(body).hexdigest())


def read_files(paths: Iterable[Path]) -> list[EvalDocument]:
    """Every file read and checked; EvalImportError naming every file that is not importable."""
    docs, errors = [], []
    for path in paths:
        try:
            docs.append(_read(path))
        except EvalImportError as exc:
            errors.append(str(exc))
    if errors:
        raise EvalImportError("nothing imported:\n" + "\n".join(f"  {e}" for e in errors))
    return docs


def imported(pipe: Pipeline, sha256: str) -> bool:
    """Whether a run of `own_evals` already judged this document (accepted or rejected)."""
    with pipe.locked() as con:
        return first(con.execute(
            "SELECT count(*) FROM collection_run WHERE source = ? AND list_contains(documents, ?)",
            [SOURCE.id, sha256]).fetchall())[0] > 0


def import_documents(pipe: Pipeline, docs: list[EvalDocument], trigger: str = "cli",
                     on_outcome: Callable[[EvalDocument, Outcome], None] | None = None) -> list[Outcome]:
    """Ingest `docs` oldest evaluation first (each at its evaluation's time), derive once, publish once."""
    outcomes = []
    with pipe.batch():
        for doc in sorted(docs, key=lambda d: d.found.evaluated_at):
            outcome = pipe.ingest_documents(SOURCE, [doc.document], doc.found.evaluated_at, trigger=trigger)
            outcomes.append(outcome)
            if on_outcome:
                on_outcome(doc, outcome)
    if any(o.status == "ok" for o in outcomes):
        pipe.publish()
    return outcomes


def import_folder(pipe: Pipeline, folder: Path, trigger: str = "schedule") -> list[Outcome]:
    """The watched folder: every new `*.json` file, one by one; a broken one is recorded as a rejected run."""
    if not folder.is_dir():
        raise EvalImportError(f"evals folder {folder} does not exist or is not a folder; create it or fix "
                              "GAPWATCH_EVALS_DIR")
    docs, outcomes = [], []
    for path in sorted(folder.glob(PATTERN)):
        try:
            body = path.read_bytes()
        except OSError:
            continue  # being written or removed: the next cycle sees it
        sha = hashlib.sha256(body).hexdigest()
        if imported(pipe, sha):
            continue
        try:
            _check_size(path, len(body))
            docs.append(_document(path, body, sha))
        except EvalImportError as exc:
            outcomes.append(_reject(pipe, path, body, sha, str(exc)))
    return outcomes + import_documents(pipe, docs, trigger=trigger)


def _reject(pipe: Pipeline, path: Path, body: bytes, sha: str, reason: str) -> Outcome:
    """A broken file in the watched folder: ingested through the pipeline, so it is quarantined and recorded as a
    rejected run with its reason (a source-health event), and never read again."""
    outcome = pipe.ingest_documents(SOURCE, [Document(path.resolve().as_uri(), body, sha, "application/json")],
                                    utcnow(), trigger="schedule")
    if outcome.status == "ok":  # cannot happen (the file failed to parse), but never hide a surprise
        raise EvalImportError(f"{path}: {reason} (yet it ingested)")
    return outcome

"""`own_evals`: a team's own evaluation results, imported from files (`gapwatch evals import`, or the watched
folder `evals_dir` on the service's schedule), never fetched. Each evaluation becomes a board of kind `own`
(`own-<evaluation>`), one category per metric; the model names go through identity like any source's; the
evaluation's date is the observation time. A file is a snapshot of what it covers only (`full_snapshot=False`):
importing one model's run never ends another model's score, and a newer run of the same evaluation and model
replaces the older one's score from its date on (history).

Formats, told apart by their content: Every Eval Ever aggregate records, Inspect AI JSON logs,
lm-evaluation-harness results files. A metric whose lower values are better (an error rate) is skipped and said
so: gaps are read as "closed minus open, higher is better" on every board.
"""

from __future__ import annotations

import json
from datetime import timedelta

from collectors.evals import every_eval_ever, inspect_log, lm_eval
from collectors.evals.results import EvalFile, board_name
from gapwatch.rows import ParseResult, RowError, ScoreRow
from gapwatch.source import DocMeta, ParseError, Schedule, Source

FORMATS = "an Every Eval Ever aggregate record, an Inspect AI JSON log or an lm-evaluation-harness results file"


def read(body: bytes) -> EvalFile:
    """The evaluation in `body`, whichever of the three formats it is in; ParseError says what is wrong."""
    try:
        doc = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ParseError(f"not JSON ({exc}); expected {FORMATS} (a truncated file? an Inspect binary .eval log: "
                         "convert it with `inspect log convert --to json`)") from None
    for fmt in (every_eval_ever, inspect_log, lm_eval):
        if fmt.looks_like(doc):
            return fmt.read_doc(doc)
    raise ParseError(f"unknown evaluation format: expected {FORMATS}")


def rows(found: EvalFile) -> ParseResult:
    """`found`'s scores as score rows; ParseError when none can be compared."""
    out = ParseResult()
    for s in found.scores:
        if s.lower_is_better:
            out.skipped.append(f"{s.evaluation}/{s.metric}: lower is better; own boards compare higher-is-better "
                               "scores only")
            continue
        try:
            out.rows.append(ScoreRow(board=board_name(s.evaluation), category=s.metric.lower(), model=s.model,
                                     score=s.score, score_unit=s.metric.lower(), votes=s.samples,
                                     publish_date=found.evaluated_at.date()))
        except RowError as exc:
            out.hold_error(exc, f"{s.evaluation}/{s.metric}/{s.model}: {exc}")
    if not out.rows:
        raise ParseError(f"{found.format} file has no score gapwatch can compare ({'; '.join(out.skipped)})")
    return out


def parse(body: bytes, meta: DocMeta) -> ParseResult:
    return rows(read(body))


SOURCE = Source(
    id="own_evals",
    label="Your evaluations",
    kind="own",
    base_url="file://",
    paths=(),
    row_types=(ScoreRow,),
    parse=parse,
    schedule=Schedule(every=timedelta(minutes=15)),
    description="Your own evaluation results (Every Eval Ever, Inspect AI, lm-eval) imported from files.",
    full_snapshot=False,
    real_files="No upstream: your own files. Parsers built on the real logs of evaleval/every_eval_ever's tests/data "
               "(Inspect AI, lm-eval) and its eval.schema.json 0.3.0 (realdata/evals, MANIFEST §17).",
)

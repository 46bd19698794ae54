"""Inspect AI eval logs in JSON (`inspect eval … --log-format json`, or `inspect log convert --to json`).

Read like the Every Eval Ever converter reads them: the evaluation is the task's display name (else the task),
each scorer's metrics are scores, the standard error and deviation Inspect reports beside them are not; the
evaluation ran at `stats.started_at`, else `eval.created`. With several scorers a metric is named
`<scorer>/<metric>` so two scorers' `accuracy` stay apart. Only a finished log (`status: success`) is a result:
an error or a cancelled run reports the samples it reached, which is not the task's score.
Inspect's binary `.eval` logs (a zip) are not read: convert them to JSON first.
"""

from __future__ import annotations

import math
from typing import Any

from collectors.evals.results import EvalFile, EvalScore, timestamp
from gapwatch.source import ParseError

# Reported beside a metric, about it: not a score of its own.
UNCERTAINTY = frozenset({"stderr", "std", "var", "bootstrap_stderr"})


def looks_like(doc: Any) -> bool:
    return isinstance(doc, dict) and isinstance(doc.get("eval"), dict) and "status" in doc and "results" in doc


def _field(doc: dict, *path: str) -> Any:
    here: Any = doc
    for key in path:
        if not isinstance(here, dict) or key not in here:
            raise ParseError(f"Inspect log: missing field {'.'.join(path)}")
        here = here[key]
    return here


def read_doc(doc: dict) -> EvalFile:
    status = doc.get("status")
    if status != "success":
        raise ParseError(f"Inspect log: status {status!r}, not 'success' — an unfinished run's scores cover only "
                         "the samples it reached; re-run the task or import a finished log")
    spec = _field(doc, "eval")
    task = spec.get("task_display_name") or _field(doc, "eval", "task")
    model = _field(doc, "eval", "model")
    if not isinstance(task, str) or not isinstance(model, str) or not task or not model:
        raise ParseError("Inspect log: eval.task and eval.model must be non-empty text")
    stats = doc.get("stats") if isinstance(doc.get("stats"), dict) else {}
    when = timestamp(stats.get("started_at") or spec.get("created"), "Inspect log eval.created")
    scorers = _field(doc, "results", "scores")
    if not isinstance(scorers, list) or not scorers:
        raise ParseError("Inspect log: results.scores is empty — the run scored nothing")
    samples = doc["results"].get("completed_samples") or doc["results"].get("total_samples")
    scores = []
    for scorer in scorers:
        name = scorer.get("name") or scorer.get("scorer") if isinstance(scorer, dict) else None
        metrics = scorer.get("metrics") if isinstance(scorer, dict) else None
        if not name or not isinstance(metrics, dict):
            raise ParseError("Inspect log: results.scores[] entry without a name or metrics")
        for metric_name, metric in metrics.items():
            if metric_name in UNCERTAINTY:
                continue
            value = metric.get("value") if isinstance(metric, dict) else None
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
                raise ParseError(f"Inspect log: results.scores[{name}].metrics.{metric_name}.value {value!r} is "
                                 "not a finite number")
            scores.append(EvalScore(task, metric_name if len(scorers) == 1 else f"{name}/{metric_name}", model,
                                    float(value), samples=samples if isinstance(samples, int) else None))
    if not scores:
        raise ParseError("Inspect log: no metric besides standard errors")
    return EvalFile("inspect", when, tuple(scores))


"""lm-evaluation-harness results files (`results_<timestamp>.json`, written by `lm_eval --output_path`).

Read like the Every Eval Ever converter reads them: each task of `results` is an evaluation (`<task>/<filter>`
when the filter is not `none`), each `<metric>,<filter>` key a metric; `<metric>_stderr,<filter>` and the
bookkeeping keys (`alias`, `samples`, …) are not scores. `higher_is_better` states each metric's direction. The
model is `model_name` (the harness's `pretrained=` argument, a Hugging Face id or a local path); the evaluation
ran at `date` (Unix seconds).
"""

from __future__ import annotations

import math
from typing import Any

from collectors.evals.results import EvalFile, EvalScore, timestamp
from gapwatch.source import ParseError

BOOKKEEPING = frozenset({"alias", "samples", "name", "sample_len", "sample_count"})


def looks_like(doc: Any) -> bool:
    return isinstance(doc, dict) and isinstance(doc.get("results"), dict) and (
        "lm_eval_version" in doc or "n-shot" in doc or "configs" in doc)


def _model(doc: dict) -> str:
    name = doc.get("model_name")
    if isinstance(name, str) and name.strip():
        return name.strip()
    args = (doc.get("config") or {}).get("model_args")
    if isinstance(args, str):
        for part in args.split(","):
            key, _, value = part.partition("=")
            if key.strip() == "pretrained" and value.strip():
                return value.strip()
    raise ParseError("lm-eval results: no model_name and no pretrained= in config.model_args")


def read_doc(doc: dict) -> EvalFile:
    model = _model(doc)
    when = timestamp(doc.get("date"), "lm-eval results `date`")
    directions = doc.get("higher_is_better") if isinstance(doc.get("higher_is_better"), dict) else {}
    scores = []
    for task, values in doc["results"].items():
        if not isinstance(values, dict):
            raise ParseError(f"lm-eval results: results.{task} is not an object")
        for key, value in values.items():
            if key in BOOKKEEPING or "_stderr," in key or isinstance(value, str) and value == "N/A":
                continue
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
                raise ParseError(f"lm-eval results: results.{task}.{key} = {value!r} is not a finite number")
            metric, _, flt = key.partition(",")
            higher = (directions.get(task) or {}).get(metric, True)
            evaluation = task if flt in ("", "none") else f"{task}/{flt}"
            scores.append(EvalScore(evaluation, metric, model, float(value), lower_is_better=higher is False))
    if not scores:
        raise ParseError("lm-eval results: no metric in `results`")
    return EvalFile("lm_eval", when, tuple(scores))


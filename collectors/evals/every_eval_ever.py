"""Every Eval Ever aggregate records (EvalEval coalition, `evaleval/every_eval_ever`, `eval.schema.json`).

The package `every-eval-ever` carries the schema's own types, but it needs Python ≥ 3.12 and pulls in pandas,
matplotlib, seaborn and a code generator; gapwatch runs on 3.11. So the record is validated by the pydantic
models below, written from the schema (version 0.3.0) field by field for what an import relies on: the required
fields, their types and enums, and no unknown top-level field (the schema's root forbids them). Records of schema
0.2.x (the coalition's published HF Open LLM v2 records) predate `eval_library` and the two required
`model_info.additional_details` keys, and their details may hold numbers, so those rules apply from 0.3 on only.
A realdata test checks these models accept and refuse what the schema file itself does.

One score per `evaluation_results` entry: the evaluation is `evaluation_name`, the metric is `metric_id`, else
`metric_name`, else `score` (0.2 records name no metric); the model is `model_info.id` (Hugging Face form, or
`provider/model` for an API); the evaluation ran at the record's `evaluation_timestamp`, else the result's own,
else when the record was made (`retrieved_timestamp`).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictFloat, StrictInt, ValidationError

from collectors.evals.results import EvalFile, EvalScore, timestamp
from gapwatch.source import ParseError

Number = StrictFloat | StrictInt


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class SourceMetadata(_Open):
    source_name: str | None = None
    source_type: Literal["documentation", "evaluation_run"]
    source_organization_name: str
    evaluator_relationship: Literal["first_party", "third_party", "collaborative", "other"]


class EvalLibrary(_Open):
    name: str
    version: str


class ModelDetails(_Open):
    deployment_type: Literal["self_deployed", "externally_managed", "unknown"] | None = None
    model_availability: Literal["open_weights", "closed_weights", "unknown"] | None = None


class ModelInfo(_Open):
    name: str
    id: str = Field(min_length=1)
    developer: str | None = None
    additional_details: ModelDetails


class SourceData(_Open):
    dataset_name: str
    source_type: str


class MetricConfig(_Open):
    evaluation_description: str | None = None
    metric_id: str | None = None
    metric_name: str | None = None
    lower_is_better: StrictBool
    score_type: Literal["binary", "continuous", "levels"] | None = None


class Uncertainty(_Open):
    num_samples: StrictInt | None = None


class ScoreDetails(_Open):
    score: Number
    uncertainty: Uncertainty | None = None


class EvaluationResult(_Open):
    evaluation_name: str = Field(min_length=1)
    source_data: SourceData
    evaluation_timestamp: str | None = None
    metric_config: MetricConfig
    score_details: ScoreDetails


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid")

    schema_version: str
    evaluation_id: str
    evaluation_timestamp: str | None = None
    retrieved_timestamp: str
    source_metadata: SourceMetadata
    eval_library: EvalLibrary | None = None
    model_info: ModelInfo
    evaluation_results: list[EvaluationResult] = Field(min_length=1)
    detailed_evaluation_results: dict[str, Any] | None = None


def _version(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(p) for p in text.split(".")[:2])
    except ValueError:
        raise ParseError(f"Every Eval Ever record: schema_version {text!r} is not a version number") from None


def _field_errors(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(str(p) for p in e['loc']) or '(record)'}: {e['msg']}" for e in exc.errors()[:8])


def _details(doc: Any, where: str = "") -> list[tuple[str, Any]]:
    """Every non-text value of an `additional_details` / `details` object (0.3 types them as strings)."""
    out: list[tuple[str, Any]] = []
    items = doc.items() if isinstance(doc, dict) else enumerate(doc) if isinstance(doc, list) else ()
    for key, value in items:
        here = f"{where}.{key}" if where else str(key)
        if key in ("additional_details", "details") and isinstance(value, dict):
            out += [(f"{here}.{k}", v) for k, v in value.items() if not isinstance(v, str)]
        elif isinstance(value, dict | list) and key != "metric_parameters":
            out += _details(value, here)
    return out


def validate(doc: Any) -> Record:
    """The record, or a ParseError naming each field that breaks the schema and why."""
    try:
        record = Record.model_validate(doc)
    except ValidationError as exc:
        raise ParseError(f"Every Eval Ever record does not match eval.schema.json: {_field_errors(exc)}") from None
    if _version(record.schema_version) >= (0, 3):
        missing = [] if record.eval_library else ["eval_library: Field required"]
        missing += [f"{where}: additional details must be text (got {value!r})" for where, value in _details(doc)]
        details = record.model_info.additional_details
        missing += [f"model_info.additional_details.{k}: Field required"
                    for k in ("deployment_type", "model_availability") if getattr(details, k) is None]
        if missing:
            raise ParseError(f"Every Eval Ever record (schema {record.schema_version}) does not match "
                             f"eval.schema.json: {'; '.join(missing)}")
    return record


def looks_like(doc: Any) -> bool:
    return isinstance(doc, dict) and "schema_version" in doc and "evaluation_results" in doc


def read_doc(doc: dict) -> EvalFile:
    record = validate(doc)
    first = record.evaluation_timestamp or next(
        (r.evaluation_timestamp for r in record.evaluation_results if r.evaluation_timestamp), None)
    when = timestamp(first or record.retrieved_timestamp, f"record {record.evaluation_id}")
    scores = tuple(
        EvalScore(
            evaluation=r.evaluation_name,
            metric=r.metric_config.metric_id or r.metric_config.metric_name or "score",
            model=record.model_info.id,
            score=float(r.score_details.score),
            lower_is_better=r.metric_config.lower_is_better,
            samples=r.score_details.uncertainty.num_samples if r.score_details.uncertainty else None,
        )
        for r in record.evaluation_results
    )
    return EvalFile("every_eval_ever", when, scores)

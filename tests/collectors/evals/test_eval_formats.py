"""The three evaluation formats read into scores: recorded files (trimmed from the real logs of
evaleval/every_eval_ever's tests/data), malformed ones refused with the field and the reason, and (with realdata)
the real files and the real schema."""

from __future__ import annotations

import copy
import json
from datetime import datetime

import pytest

from collectors.evals import every_eval_ever, own_evals
from gapwatch.source import DocMeta, ParseError
from tests.conftest import fixture_bytes, realdata

META = DocMeta(source="own_evals", url="file:///x.json", observed_at=datetime(2026, 1, 1))


def _json(name: str) -> dict:
    return json.loads(fixture_bytes("own_evals", name))


def test_inspect_log_is_one_score_per_metric_without_the_standard_error() -> None:
    found = own_evals.read(fixture_bytes("own_evals", "inspect_arc_easy_qwen.json"))
    assert found.format == "inspect"
    assert found.evaluated_at == datetime(2025, 10, 20, 23, 12, 4)  # stats.started_at, +02:00 → UTC
    assert [(s.evaluation, s.metric, s.model, s.score) for s in found.scores] == [
        ("arc_easy", "accuracy", "ollama/qwen2.5:0.5b", pytest.approx(1 / 3))]
    rows = own_evals.parse(fixture_bytes("own_evals", "inspect_arc_easy_qwen.json"), META).rows
    assert [(r.board, r.category, r.model, r.votes) for r in rows] == [
        ("own-arc_easy", "accuracy", "ollama/qwen2.5:0.5b", 3)]


def test_lm_eval_results_are_one_board_per_task() -> None:
    rows = own_evals.parse(fixture_bytes("own_evals", "results_2026-01-21T03-44-18.458309.json"), META).rows
    assert sorted((r.board, r.category, r.score) for r in rows) == [
        ("own-math_perturbed_full", "exact_match", 0.0), ("own-math_rephrased_full", "exact_match", 0.0004)]
    assert {r.model for r in rows} == {"RylanSchaeffer/mem_Qwen3-93M_minerva_math_rep_0_sbst_1.0000_epch_1_ot_1"}


def test_every_eval_ever_0_2_record_names_no_metric() -> None:
    found = own_evals.read(fixture_bytes("own_evals", "eee_0.2_llama_pro.json"))
    assert [(s.evaluation, s.metric, s.score) for s in found.scores] == [("IFEval", "score", 0.4486),
                                                                           ("BBH", "score", 0.4224)]
    assert found.evaluated_at == datetime(2026, 2, 10, 0, 14, 46, 623709)  # retrieved_timestamp, Unix seconds


def _v03() -> dict:
    record = _json("eee_0.2_llama_pro.json")
    record["schema_version"] = "0.3.0"
    record["eval_library"] = {"name": "lm_eval", "version": "0.4.9"}
    record["model_info"]["additional_details"] |= {"deployment_type": "self_deployed",
                                                   "model_availability": "open_weights", "params_billions": "8.357"}
    return record


@pytest.mark.parametrize(("mutate", "field"), [
    (lambda r: r.pop("model_info"), "model_info: Field required"),
    (lambda r: r.pop("eval_library"), "eval_library: Field required"),
    (lambda r: r["model_info"]["additional_details"].pop("model_availability"), "model_availability"),
    (lambda r: r["source_metadata"].update(evaluator_relationship="friend"), "evaluator_relationship"),
    (lambda r: r.update(surprise=1), "surprise: Extra inputs are not permitted"),
    (lambda r: r["evaluation_results"][0]["score_details"].update(score="high"), "score_details.score"),
    (lambda r: r["evaluation_results"][0]["metric_config"].pop("lower_is_better"), "lower_is_better"),
    (lambda r: r.update(evaluation_results=[]), "evaluation_results"),
    (lambda r: r["model_info"]["additional_details"].update(params_billions=8.357), "must be text"),
])
def test_a_record_breaking_the_schema_is_refused_naming_the_field(mutate, field: str) -> None:
    record = _v03()
    every_eval_ever.validate(copy.deepcopy(record))  # the unmutated record is valid
    mutate(record)
    with pytest.raises(ParseError, match="does not match eval.schema.json") as err:
        own_evals.read(json.dumps(record).encode())
    assert field in str(err.value)


@pytest.mark.parametrize(("body", "why"), [
    (b'{"schema_version": "0.3.0", "evaluation', "not JSON"),
    (b"[1, 2]", "unknown evaluation format"),
    (json.dumps({**_json("inspect_arc_easy_qwen.json"), "status": "error"}).encode(), "status 'error'"),
])
def test_truncated_foreign_or_unfinished_files_are_refused(body: bytes, why: str) -> None:
    with pytest.raises(ParseError, match=why):
        own_evals.parse(body, META)


def test_a_lower_is_better_metric_is_skipped_and_said() -> None:
    doc = _json("results_2026-01-21T03-44-18.458309.json")
    doc["results"]["math_perturbed_full"]["perplexity,none"] = 3.2
    doc["higher_is_better"]["math_perturbed_full"]["perplexity"] = False
    parsed = own_evals.parse(json.dumps(doc).encode(), META)
    assert "perplexity" not in {r.category for r in parsed.rows}
    assert any("perplexity" in s and "lower is better" in s for s in parsed.skipped)


@pytest.mark.realdata
@pytest.mark.parametrize(("name", "fmt", "scores"), [
    ("data_arc_qwen.json", "inspect", 1), ("data_arc_sonnet.json", "inspect", 1),
    ("results_2026-01-21T03-44-18.458309.json", "lm_eval", 2),
    ("98ea850e-7019-4728-a558-8b1819ec47c2.json", "every_eval_ever", 6),
])
def test_the_real_files_read(name: str, fmt: str, scores: int) -> None:
    found = own_evals.read(realdata("evals", name).read_bytes())
    assert (found.format, len(found.scores)) == (fmt, scores)


@pytest.mark.realdata
def test_the_models_accept_and_refuse_what_the_real_schema_does() -> None:
    """Our pydantic models against eval.schema.json itself (jsonschema comes with Altair), on a valid 0.3 record and
    on each way of breaking it above: the two must agree on every one."""
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(realdata("evals", "eval.schema.json").read_text())
    assert schema["version"] == "0.3.0"
    validator = jsonschema.Draft202012Validator(schema)
    cases = [lambda r: None,
             lambda r: r.pop("model_info"), lambda r: r.pop("eval_library"),
             lambda r: r["model_info"]["additional_details"].pop("deployment_type"),
             lambda r: r["source_metadata"].update(source_type="rumour"), lambda r: r.update(surprise=1),
             lambda r: r["evaluation_results"][0]["score_details"].update(score="high"),
             lambda r: r["evaluation_results"][0]["metric_config"].pop("lower_is_better"),
             lambda r: r["evaluation_results"][0].pop("source_data"),
             lambda r: r.pop("retrieved_timestamp"),
             lambda r: r["model_info"]["additional_details"].update(params_billions=8.357)]
    for case in cases:
        record = _v03()
        case(record)
        schema_ok = validator.is_valid(record)
        try:
            every_eval_ever.validate(record)
            ours = True
        except ParseError:
            ours = False
        assert ours == schema_ok, record

"""A team's own evaluation results (Every Eval Ever records, Inspect AI logs, lm-evaluation-harness results) as
boards of kind `own`: one module per format, `own_evals` the source that imports them."""

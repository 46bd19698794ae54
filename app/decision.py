"""The seed's decision factors for "open weights or a closed API?", as plain rules the calculator page shows.

Each answer leans one way with a reason; the page lists them next to the costs rather than hiding them in a
single score, because a buyer weighs them differently (one regulated dataset can outweigh every price).
"""

from __future__ import annotations

from dataclasses import dataclass

OPEN, CLOSED, EITHER = "open weights (self-hosted or hosted)", "closed API", "either"

SENSITIVITY = ("public", "internal", "regulated / confidential")
TEAM = ("no ML/infra team", "some platform engineers", "dedicated ML infra team")
PERFORMANCE = ("good enough", "strong", "frontier")
VENDOR_RISK = ("tolerate lock-in", "prefer portability", "must avoid lock-in")
# Above this monthly volume a dedicated deployment is usually worth costing (the crossover decides).
HIGH_VOLUME_MTOK = 1_000.0


@dataclass(frozen=True)
class Factor:
    factor: str
    answer: str
    leans: str
    why: str


def assess(sensitivity: str, monthly_mtok: float, team: str, performance: str, vendor_risk: str,
           gap_note: str | None) -> list[Factor]:
    """One row per factor. `gap_note` describes the current capability gap (read from the views), if known."""
    rows = [
        Factor("data sensitivity", sensitivity,
               *{SENSITIVITY[0]: (EITHER, "nothing confidential leaves your network"),
                 SENSITIVITY[1]: (EITHER, "an API with a data-processing agreement or a self-hosted model"),
                 SENSITIVITY[2]: (OPEN, "self-hosted weights keep the data inside your boundary")}[sensitivity]),
        Factor("volume", f"{monthly_mtok:,.0f} M tokens / month",
               *((OPEN, "at this volume a dedicated deployment can undercut per-token prices; check the crossover")
                 if monthly_mtok >= HIGH_VOLUME_MTOK else
                 (CLOSED, "at this volume per-token pricing usually beats paying for idle GPUs"))),
        Factor("team", team,
               *{TEAM[0]: (CLOSED, "an API needs no one to run inference servers"),
                 TEAM[1]: (EITHER, "a hosted open model (per-token) needs no GPUs; self-hosting is within reach"),
                 TEAM[2]: (OPEN, "your team can run, tune and fine-tune open weights")}[team]),
        Factor("performance need", performance,
               *{PERFORMANCE[0]: (OPEN, "open models cover this level today"),
                 PERFORMANCE[1]: (EITHER, "compare the best open and closed scores for your capability"),
                 PERFORMANCE[2]: (CLOSED, "the frontier is usually set by closed models first")}[performance]),
        Factor("vendor risk", vendor_risk,
               *{VENDOR_RISK[0]: (EITHER, "a single vendor is acceptable"),
                 VENDOR_RISK[1]: (OPEN, "the same open weights are sold by several providers"),
                 VENDOR_RISK[2]: (OPEN, "weights you hold cannot be withdrawn or repriced")}[vendor_risk]),
    ]
    if gap_note and performance != PERFORMANCE[0]:
        last = rows[3]
        rows[3] = Factor(last.factor, last.answer, last.leans, f"{last.why} ({gap_note})")
    return rows

"""Tier names shared by every price source, so the same kind of price lands in the same tier everywhere.

`standard` is the list price; `batch`, `flex`, `priority` are service tiers; `above_200k` (etc.) is the
long-context price that applies once a prompt exceeds that many tokens; `off_peak` is a time-of-day discount;
`free` is an explicitly free variant. A zero price anywhere else means "not priced", never "free".
"""

from __future__ import annotations

STANDARD = "standard"
BATCH = "batch"
FLEX = "flex"
PRIORITY = "priority"
OFF_PEAK = "off_peak"
FREE = "free"


def above(tokens: int) -> str:
    """200_000 → `above_200k`; 1_000_000 → `above_1m`; a size not in whole thousands keeps its digits."""
    if tokens % 1_000_000 == 0:
        return f"above_{tokens // 1_000_000}m"
    if tokens % 1000 == 0:
        return f"above_{tokens // 1000}k"
    return f"above_{tokens}"


def looks_free(model: str) -> bool:
    """Sources mark deliberately free variants in the name (`...:free`, `-free`); only those may cost 0."""
    name = model.lower()
    return name.endswith((":free", "-free", "/free"))


def not_priced(input_price: float | None, output_price: float | None, model: str) -> bool:
    """True when a paid model shows no usable price: both missing, or all-zero without a free marker."""
    if input_price is None and output_price is None:
        return True
    return not input_price and not output_price and not looks_free(model)


def label(tier: str, model: str) -> str:
    """An explicitly free variant's list price goes to tier `free`, as OpenRouter's `:free` rows do."""
    return FREE if tier == STANDARD and looks_free(model) else tier

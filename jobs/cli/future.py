"""No observation dated in the future: a collection or backfilled snapshot dated ahead of now becomes the source's
newest run, and the service schedules a source one period after its newest run, so it would not collect that
source again until that date (and history would hold facts "observed" before they were). A few minutes of clock
skew between machines is tolerated."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

CLOCK_SKEW = timedelta(minutes=5)


def ahead_of_now(at: datetime) -> bool:
    """Whether naive-UTC `at` lies further in the future than the tolerated clock skew."""
    return at > datetime.now(UTC).replace(tzinfo=None) + CLOCK_SKEW


def future_message(at: datetime, what: str, then: str = "Nothing was collected.") -> str:
    now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    return (f"{what} {at:%Y-%m-%d %H:%M} UTC is in the future (now {now:%Y-%m-%d %H:%M} UTC, at most "
            f"{int(CLOCK_SKEW.total_seconds() // 60)} minutes of clock skew allowed): an observation cannot be "
            f"dated after it was made. {then}")

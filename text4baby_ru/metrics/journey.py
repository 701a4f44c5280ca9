"""The small rules the rollups share with their readers: where she stands on a day (from day
numbers, the rule of enrollment.stage.position_sql) and the buckets of delivery times."""

from __future__ import annotations

from text4baby_ru.enrollment.stage import LAST_PREGNANCY_WEEK, PREGNANCY_DAYS
from text4baby_ru.metrics.models import NO_DAY


def _div(a: int, b: int) -> int:
    """Integer division as SQL does it (towards zero)."""
    q = abs(a) // b
    return q if a >= 0 else -q


def journey_week(day: int, due: int | None, birth: int | None) -> tuple[str, int]:
    """Her track and week on day, from the day numbers of her due and birth dates (None or
    NO_DAY: not known); weeks are not clamped to the programme's."""
    due = None if due == NO_DAY else due
    birth = None if birth == NO_DAY else birth
    if birth is not None:
        return "baby", _div(day - birth, 7)
    if due is None:
        return "baby", 0
    pregnancy_week = _div(day - due + PREGNANCY_DAYS, 7)
    if pregnancy_week <= LAST_PREGNANCY_WEEK:
        return "pregnancy", pregnancy_week
    return "baby", _div(day - due, 7)


def bucket_seconds(seconds: float) -> int:
    """A delivery time's bucket: whole seconds under 100, two significant figures above (the
    bucket's lower bound); negative times (clock skew) count as 0."""
    s = max(0, int(round(seconds, 3)))
    width = 1
    while s >= 100 * width:
        width *= 10
    width = min(width, 10_000)
    return s // width * width


def bucket_width(lower: int) -> int:
    """The width of the bucket that starts at lower."""
    width = 1
    while lower >= 100 * width and width < 10_000:
        width *= 10
    return width


def median(histogram: list[tuple[int, int]]) -> float | None:
    """The median of a histogram of (bucket, count): exact for buckets of one second, the
    middle of the bucket otherwise."""
    ordered = sorted((b, n) for b, n in histogram if n > 0)
    total = sum(n for _, n in ordered)
    if not total:
        return None

    def value(rank: int) -> float:  # rank from 0
        seen = 0
        for lower, n in ordered:
            seen += n
            if rank < seen:
                width = bucket_width(lower)
                return float(lower) if width == 1 else lower + width / 2
        raise AssertionError("rank past the histogram")

    middle = (total - 1) // 2
    return value(middle) if total % 2 else (value(middle) + value(middle + 1)) / 2

"""Metrics as CSV tables: a header row, and small counts of people suppressed."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

SMALL = 5  # a count of people under this (and above 0) is written as "<5"
PEOPLE_METRICS = frozenset(
    {"enrollments", "optouts", "completions", "losses", "active_by_week", "optouts_by_week"}
)


# Sections of the summary (and of any table built from it) whose figures count people: the
# API's CSV and the pages' CSVs suppress them alike; messages and segments are not people.
PEOPLE_SECTIONS = frozenset(
    {"subscribers", "subscribers_by_track", "by_track", "outcomes", *PEOPLE_METRICS}
)


def people(n: int) -> int | str:
    """A count of people as an export may show it."""
    return f"<{SMALL}" if 0 < n < SMALL else n


def cell(section: str, value: Any) -> Any:
    """A figure of a section as any CSV may show it: a count of people under 5 as "<5"."""
    return people(value) if section in PEOPLE_SECTIONS and isinstance(value, int) else value


def write(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A CSV document (RFC 4180, \\r\\n line ends) with its header row."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow("" if v is None else v for v in row)
    return out.getvalue()


def timeseries_csv(result: dict[str, Any]) -> str:
    """One row per date, one column per series."""
    suppress = result["metric"] in PEOPLE_METRICS
    series = result["series"]
    header = ["date", *(s["name"] for s in series)]
    rows = []
    for i, point in enumerate(series[0]["points"] if series else []):
        values = [s["points"][i]["value"] for s in series]
        rows.append([point["date"], *(people(v) if suppress else v for v in values)])
    return write(header, rows)


def distribution_csv(result: dict[str, Any]) -> str:
    """One row per track and week."""
    rows = (
        [s["name"], p["week"], people(p["value"])] for s in result["series"] for p in s["points"]
    )
    return write(["track", "week", "value"], rows)


def dose_csv(result: dict[str, Any]) -> str:
    """One row per cohort; a cohort of fewer than 5 women shows no figures of its own."""
    rows = []
    for c in result["cohorts"]:
        if 0 < c["subscribers"] < SMALL:
            rows.append([c["cohort"], people(c["subscribers"]), None, None, None])
        else:
            rows.append([c["cohort"], c["subscribers"], c["expected"], c["delivered"], c["ratio"]])
    return write(["cohort", "subscribers", "expected", "delivered", "ratio"], rows)


def behind_csv(result: dict[str, Any]) -> str:
    """One row per enrollment behind (a list for operators, not a count: nothing to suppress)."""
    columns = ["enrollment_id", "subscriber", "status", "track", "expected", "sent", "missing"]
    rows = ([e[c] for c in [*columns, "reason"]] for e in result["enrollments"])
    return write([*columns, "reason"], rows)


def summary_csv(result: dict[str, Any]) -> str:
    """Rows of (section, name, value): subscribers are people, messages are not."""
    rows: list[list[Any]] = []
    for name, value in result["subscribers"].items():
        if name == "by_track":
            rows += [["subscribers_by_track", t, people(n)] for t, n in value.items()]
        else:
            rows.append(["subscribers", name, people(value)])
    rows += [["messages", name, n] for name, n in result["messages"].items()]
    for name, value in result.get("outcomes", {}).items():
        rows.append(["outcomes", name, people(value)])
    for name, value in result.get("delivery", {}).items():
        if isinstance(value, dict):
            rows += [[f"delivery_{name}", k, v] for k, v in value.items()]
        else:
            rows.append(["delivery", name, value])
    return write(["section", "name", "value"], rows)

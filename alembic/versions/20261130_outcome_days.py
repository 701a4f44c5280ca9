"""outcome days: opt-outs, completions and losses by day without the track and week

Revision ID: outcome_days
Revises: optout_weeks
Create Date: 2026-11-30 05:25:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "outcome_days"
down_revision: str | None = "optout_weeks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("outcome", "day", "enrollments")


def _part(rows: str, sign: int) -> str:
    return f"SELECT o.outcome AS outcome, o.day AS day, {sign} * o.enrollments AS n FROM {rows} AS o WHERE true"


def _upsert(parts: list[str]) -> str:
    # The timeseries and the summary read a row per (outcome, day): metric_outcomes has one per
    # journey week of that day too, which grew with the programme (2x from 100k to 1M).
    return (
        "INSERT INTO metric_outcome_days (outcome, day, enrollments) "
        f"SELECT outcome, day, SUM(n) FROM ({' UNION ALL '.join(parts)}) AS d "
        "GROUP BY outcome, day HAVING SUM(n) <> 0 ORDER BY outcome, day "
        "ON CONFLICT (outcome, day) DO UPDATE "
        "SET enrollments = metric_outcome_days.enrollments + excluded.enrollments"
    )


def _row(prefix: str) -> str:
    return "(SELECT " + ", ".join(f"{prefix}.{c} AS {c}" for c in COLUMNS) + ")"


def upgrade() -> None:
    op.create_table(
        "metric_outcome_days",
        sa.Column("outcome", sa.String(length=12), nullable=False),
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("enrollments", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("outcome", "day", name=op.f("pk_metric_outcome_days")),
    )
    pg = op.get_bind().dialect.name == "postgresql"
    old, new = ("old_rows", "new_rows") if pg else (_row("OLD"), _row("NEW"))
    events = {
        "insert": ([_part(new, 1)], "NEW TABLE AS new_rows"),
        "update": ([_part(old, -1), _part(new, 1)], "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
        "delete": ([_part(old, -1)], "OLD TABLE AS old_rows"),
    }
    for event, (parts, refs) in events.items():
        name = f"metric_outcome_days_{event}"
        if pg:
            op.execute(
                f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                f"{_upsert(parts)}; RETURN NULL; END $$"
            )
            op.execute(
                f"CREATE TRIGGER {name} AFTER {event.upper()} ON metric_outcomes "
                f"REFERENCING {refs} FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
            )
        else:
            op.execute(
                f"CREATE TRIGGER {name} AFTER {event.upper()} ON metric_outcomes "
                f"BEGIN {_upsert(parts)}; END"
            )
    op.execute(_upsert([_part("metric_outcomes", 1)]))  # the outcomes so far


def downgrade() -> None:
    pg = op.get_bind().dialect.name == "postgresql"
    for event in ("insert", "update", "delete"):
        name = f"metric_outcome_days_{event}"
        op.execute(f"DROP TRIGGER IF EXISTS {name}" + (" ON metric_outcomes" if pg else ""))
        if pg:
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
    op.drop_table("metric_outcome_days")

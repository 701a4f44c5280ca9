"""optout weeks: opt-outs by track and journey week without the day, kept from metric_outcomes

Revision ID: optout_weeks
Revises: metric_snapshots
Create Date: 2026-11-30 04:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "optout_weeks"
down_revision: str | None = "metric_snapshots"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COUNTED = "o.outcome = 'optout' AND o.track <> ''"
COLUMNS = ("outcome", "track", "week", "enrollments")


def _part(rows: str, sign: int) -> str:
    return f"SELECT o.track AS track, o.week AS week, {sign} * o.enrollments AS n FROM {rows} AS o WHERE {COUNTED}"


def _upsert(parts: list[str]) -> str:
    # Opt-outs by week read one row per (track, week), whatever the number of days: the day rows
    # of metric_outcomes (kept by the enrollments' triggers) pass their change on here.
    return (
        "INSERT INTO metric_optout_weeks (track, week, enrollments) "
        f"SELECT track, week, SUM(n) FROM ({' UNION ALL '.join(parts)}) AS d "
        "GROUP BY track, week HAVING SUM(n) <> 0 ORDER BY track, week "
        "ON CONFLICT (track, week) DO UPDATE "
        "SET enrollments = metric_optout_weeks.enrollments + excluded.enrollments"
    )


def _row(prefix: str) -> str:
    return "(SELECT " + ", ".join(f"{prefix}.{c} AS {c}" for c in COLUMNS) + ")"


def upgrade() -> None:
    op.create_table(
        "metric_optout_weeks",
        sa.Column("track", sa.String(length=16), nullable=False),
        sa.Column("week", sa.Integer(), nullable=False),
        sa.Column("enrollments", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("track", "week", name=op.f("pk_metric_optout_weeks")),
    )
    pg = op.get_bind().dialect.name == "postgresql"
    old, new = ("old_rows", "new_rows") if pg else (_row("OLD"), _row("NEW"))
    events = {
        "insert": ([_part(new, 1)], "NEW TABLE AS new_rows"),
        "update": ([_part(old, -1), _part(new, 1)], "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
        "delete": ([_part(old, -1)], "OLD TABLE AS old_rows"),
    }
    for event, (parts, refs) in events.items():
        name = f"metric_optout_weeks_{event}"
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
    op.execute(_upsert([_part("metric_outcomes", 1)]))  # the opt-outs so far


def downgrade() -> None:
    pg = op.get_bind().dialect.name == "postgresql"
    for event in ("insert", "update", "delete"):
        name = f"metric_optout_weeks_{event}"
        op.execute(f"DROP TRIGGER IF EXISTS {name}" + (" ON metric_outcomes" if pg else ""))
        if pg:
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
    op.drop_table("metric_optout_weeks")

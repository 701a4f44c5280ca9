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

SOURCE = ("outcome", "day", "track", "week", "enrollments")  # metric_outcomes' columns


def _upsert(table: str, keys: tuple[str, ...], where: str, parts: list[tuple[str, int]]) -> str:
    """Add the rows' enrollments (times each part's sign) to table's rows of the same keys."""
    chosen = ", ".join(f"o.{k} AS {k}" for k in keys)
    union = " UNION ALL ".join(
        f"SELECT {chosen}, {sign} * o.enrollments AS n FROM {rows} AS o WHERE {where}"
        for rows, sign in parts
    )
    names = ", ".join(keys)
    return (
        f"INSERT INTO {table} ({names}, enrollments) SELECT {names}, SUM(n) FROM ({union}) AS d "
        f"GROUP BY {names} HAVING SUM(n) <> 0 ORDER BY {names} ON CONFLICT ({names}) DO UPDATE "
        f"SET enrollments = {table}.enrollments + excluded.enrollments"
    )


def _row(prefix: str) -> str:
    return "(SELECT " + ", ".join(f"{prefix}.{c} AS {c}" for c in SOURCE) + ")"


def create_derived(table: str, keys: tuple[str, ...], where: str) -> None:
    """Triggers on metric_outcomes that pass each change of it on to table (metric_outcomes
    summed over the keys it lacks), and the rows so far. The enrollments' triggers keep
    metric_outcomes (migration metrics); these run inside them."""
    pg = op.get_bind().dialect.name == "postgresql"
    old, new = ("old_rows", "new_rows") if pg else (_row("OLD"), _row("NEW"))
    events = {
        "insert": ([(new, 1)], "NEW TABLE AS new_rows"),
        "update": ([(old, -1), (new, 1)], "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
        "delete": ([(old, -1)], "OLD TABLE AS old_rows"),
    }
    for event, (parts, refs) in events.items():
        name = f"{table}_{event}"
        body = _upsert(table, keys, where, parts)
        if pg:
            op.execute(
                f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                f"{body}; RETURN NULL; END $$"
            )
            op.execute(
                f"CREATE TRIGGER {name} AFTER {event.upper()} ON metric_outcomes "
                f"REFERENCING {refs} FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
            )
        else:
            op.execute(
                f"CREATE TRIGGER {name} AFTER {event.upper()} ON metric_outcomes BEGIN {body}; END"
            )
    op.execute(_upsert(table, keys, where, [("metric_outcomes", 1)]))


def drop_derived(table: str) -> None:
    """The triggers of create_derived, and the table."""
    pg = op.get_bind().dialect.name == "postgresql"
    for event in ("insert", "update", "delete"):
        name = f"{table}_{event}"
        op.execute(f"DROP TRIGGER IF EXISTS {name}" + (" ON metric_outcomes" if pg else ""))
        if pg:
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
    op.drop_table(table)


def upgrade() -> None:
    # Opt-outs by week read one row per (track, week), whatever the number of days.
    op.create_table(
        "metric_optout_weeks",
        sa.Column("track", sa.String(length=16), nullable=False),
        sa.Column("week", sa.Integer(), nullable=False),
        sa.Column("enrollments", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("track", "week", name=op.f("pk_metric_optout_weeks")),
    )
    create_derived(
        "metric_optout_weeks", ("track", "week"), "o.outcome = 'optout' AND o.track <> ''"
    )


def downgrade() -> None:
    drop_derived("metric_optout_weeks")

"""metrics rollups: counts kept by triggers in the writer's transaction, built from existing rows

Every writer of the outbox, the enrollments and the people moves the counts, whatever code it
runs (the planner's INSERT ... SELECT, the sender's bulk UPDATEs, status callbacks, STOPs,
erasure, alerts): SQLite row triggers; on PostgreSQL statement triggers with transition tables,
so a bulk statement is aggregated into one upsert per rollup, its keys in sorted order (two
workers lock the same rollup rows in the same order). A count moves only when a row's key
really changes: an update whose old and new contributions cancel writes nothing.

The three outbox indexes of 0007 go: no query reads them any more, and every planned row paid
for two of them.

Revision ID: metrics
Revises: modules
Create Date: 2026-11-30 01:30:00
"""

from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from alembic import op

revision: str = "metrics"
down_revision: str | None = "modules"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

EPOCH_JULIAN = 2451546.5  # julianday('2000-01-03'): day 0 of metrics.days
EPOCH_UNIX_DAY = 10959
MOSCOW_OFFSET = 10800  # Moscow keeps UTC+3 all year
ACCEPTED = "('sent', 'delivered', 'undelivered')"
COLUMNS = {
    "outbound_messages": (
        "kind", "status", "error_code", "segments", "created_at", "sent_at", "delivered_at",
        "enrollment_id",
    ),
    "enrollments": (
        "id", "person_id", "status", "track", "channel", "created_at", "activated_at",
        "updated_at", "ended_at", "end_reason", "due_date", "birth_date",
    ),
    "people": ("id", "language"),
}  # fmt: skip


@dataclass(frozen=True)
class Rollup:
    """A rollup table and one row's contribution to it: key and value expressions over `m`
    (the counted row), optionally joined to `p` (her person row)."""

    table: str
    source: str
    keys: tuple[tuple[str, str], ...]
    values: tuple[tuple[str, str], ...]
    where: str
    person: bool = False

    def part(self, rows: str, sign: int, people: str = "people") -> str:
        keys = ", ".join(f"{expr} AS {name}" for name, expr in self.keys)
        values = ", ".join(f"{sign} * ({expr}) AS {name}" for name, expr in self.values)
        join = f" JOIN {people} AS p ON p.id = m.person_id" if self.person else ""
        return f"SELECT {keys}, {values} FROM {rows} AS m{join} WHERE {self.where}"

    def upsert(self, parts: list[str]) -> str:
        keys = ", ".join(name for name, _ in self.keys)
        names = [name for name, _ in self.values]
        sums = ", ".join(f"SUM({n}) AS {n}" for n in names)
        moved = " OR ".join(f"SUM({n}) <> 0" for n in names)
        add = ", ".join(f"{n} = {self.table}.{n} + excluded.{n}" for n in names)
        union = " UNION ALL ".join(parts)
        return (
            f"INSERT INTO {self.table} ({keys}, {', '.join(names)}) "
            f"SELECT {keys}, {sums} FROM ({union}) AS d GROUP BY {keys} HAVING {moved} "
            f"ORDER BY {keys} ON CONFLICT ({keys}) DO UPDATE SET {add}"
        )


def _sql(dialect: str) -> dict[str, str]:
    if dialect == "postgresql":
        return {
            "instant": f"(FLOOR((EXTRACT(EPOCH FROM {{}}) + {MOSCOW_OFFSET}) / 86400)::int"
            f" - {EPOCH_UNIX_DAY})",
            "date": "({} - DATE '2000-01-03')",
            "seconds": "GREATEST(0, FLOOR(ROUND(EXTRACT(EPOCH FROM (m.delivered_at - m.sent_at)), 3))::int)",
        }
    return {
        "instant": f"CAST(julianday(date({{}}, '+3 hours')) - {EPOCH_JULIAN} AS INTEGER)",
        "date": f"CAST(julianday({{}}) - {EPOCH_JULIAN} AS INTEGER)",
        "seconds": "MAX(0, CAST(ROUND((julianday(m.delivered_at) - julianday(m.sent_at))"
        " * 86400.0, 3) AS INTEGER))",
    }


def rollups(dialect: str) -> list[Rollup]:
    """The rollups, their expressions in the dialect's SQL."""
    sql = _sql(dialect)
    instant, on_date = sql["instant"].format, sql["date"].format
    s = sql["seconds"]
    bucket = (
        f"CASE WHEN {s} < 100 THEN {s} WHEN {s} < 1000 THEN {s} / 10 * 10 "
        f"WHEN {s} < 10000 THEN {s} / 100 * 100 WHEN {s} < 100000 THEN {s} / 1000 * 1000 "
        f"ELSE {s} / 10000 * 10000 END"
    )
    # Her track and week on the day of her opt-out: the rule of delivery.planner.position_sql.
    since_birth = f"({instant('m.updated_at')} - {on_date('m.birth_date')})"
    since_due = f"({instant('m.updated_at')} - {on_date('m.due_date')})"
    pregnancy_week = f"(({since_due} + 280) / 7)"
    on_pregnancy = f"{pregnancy_week} <= 41"
    optout = "m.status = 'opted_out' AND m.track IS NOT NULL"
    return [
        Rollup(
            "metric_messages",
            "outbound_messages",
            (
                ("day", instant("m.created_at")),
                ("kind", "m.kind"),
                ("status", "m.status"),
                (
                    "error_code",
                    "CASE WHEN m.status IN ('failed', 'undelivered') "
                    "THEN COALESCE(m.error_code, '') ELSE '' END",
                ),
            ),
            (("messages", "1"), ("segments", "m.segments")),
            "true",
        ),
        Rollup(
            "metric_delivery_times",
            "outbound_messages",
            (("day", instant("m.created_at")), ("seconds", bucket)),
            (("messages", "1"),),
            "m.status = 'delivered' AND m.sent_at IS NOT NULL AND m.delivered_at IS NOT NULL",
        ),
        Rollup(
            "metric_tips",
            "outbound_messages",
            (("enrollment_id", "m.enrollment_id"),),
            (
                ("planned", "1"),
                ("sent", f"CASE WHEN m.status IN {ACCEPTED} THEN 1 ELSE 0 END"),
                ("delivered", "CASE WHEN m.status = 'delivered' THEN 1 ELSE 0 END"),
                ("failed", "CASE WHEN m.status IN ('failed', 'undelivered') THEN 1 ELSE 0 END"),
                ("queued", "CASE WHEN m.status IN ('queued', 'sending') THEN 1 ELSE 0 END"),
                ("unknown", "CASE WHEN m.status = 'unknown' THEN 1 ELSE 0 END"),
                ("expired", "CASE WHEN m.status = 'expired' THEN 1 ELSE 0 END"),
            ),
            "m.kind = 'tip' AND m.enrollment_id IS NOT NULL",
        ),
        Rollup(
            "metric_enrollments",
            "enrollments",
            (
                ("day", instant("m.created_at")),
                ("status", "m.status"),
                ("track", "COALESCE(m.track, '')"),
                ("language", "p.language"),
                ("channel", "m.channel"),
                ("activated", "m.activated_at IS NOT NULL"),
            ),
            (("enrollments", "1"),),
            "true",
            person=True,
        ),
        Rollup(
            "metric_outcomes",
            "enrollments",
            (
                (
                    "outcome",
                    "CASE m.status WHEN 'opted_out' THEN 'optout' "
                    "WHEN 'completed' THEN 'completion' ELSE 'loss' END",
                ),
                (
                    "day",
                    f"CASE WHEN m.status = 'opted_out' THEN {instant('m.updated_at')} "
                    f"ELSE COALESCE({instant('m.ended_at')}, -1) END",
                ),
                (
                    "track",
                    f"CASE WHEN NOT ({optout}) THEN '' WHEN m.birth_date IS NOT NULL THEN 'baby' "
                    f"WHEN {on_pregnancy} THEN 'pregnancy' ELSE 'baby' END",
                ),
                (
                    "week",
                    f"COALESCE(CASE WHEN NOT ({optout}) THEN 0 "
                    f"WHEN m.birth_date IS NOT NULL THEN {since_birth} / 7 "
                    f"WHEN {on_pregnancy} THEN {pregnancy_week} ELSE {since_due} / 7 END, 0)",
                ),
            ),
            (("enrollments", "1"),),
            "(m.status IN ('opted_out', 'completed') OR "
            "(m.status = 'ended' AND m.end_reason = 'loss'))",
        ),
        Rollup(
            "metric_active",
            "enrollments",
            (
                ("due_day", f"COALESCE({on_date('m.due_date')}, -1)"),
                ("birth_day", f"COALESCE({on_date('m.birth_date')}, -1)"),
            ),
            (("enrollments", "1"),),
            "m.status = 'active' AND m.track IS NOT NULL",
        ),
    ]


def _row(prefix: str, table: str) -> str:
    """A SQLite trigger's OLD or NEW row as a one-row table."""
    return "(SELECT " + ", ".join(f"{prefix}.{c} AS {c}" for c in COLUMNS[table]) + ")"


def _statements(dialect: str, table: str, event: str) -> list[str]:
    """The upserts a statement (PostgreSQL) or a row (SQLite) of event on table runs."""
    pg = dialect == "postgresql"
    old = "old_rows" if pg else _row("OLD", table)
    new = "new_rows" if pg else _row("NEW", table)
    out = []
    for r in rollups(dialect):
        if table == "people" and r.person:
            # Her language moved: every enrollment of hers moves with it.
            parts = [r.part("enrollments", -1, old), r.part("enrollments", 1, new)]
        elif r.source != table:
            continue
        else:
            parts = {
                "insert": [r.part(new, 1)],
                "update": [r.part(old, -1), r.part(new, 1)],
                "delete": [r.part(old, -1)],
            }[event]
        out.append(r.upsert(parts))
    return out


EVENTS = {
    "outbound_messages": ("insert", "update", "delete"),
    "enrollments": ("insert", "update", "delete"),
    "people": ("update",),
}


def _triggers() -> None:
    dialect = op.get_bind().dialect.name
    for table, events in EVENTS.items():
        for event in events:
            name = f"metric_{table}_{event}"
            body = _statements(dialect, table, event)
            if dialect == "postgresql":
                refs = {
                    "insert": "NEW TABLE AS new_rows",
                    "update": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
                    "delete": "OLD TABLE AS old_rows",
                }[event]
                op.execute(
                    f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                    + "; ".join(body)
                    + "; RETURN NULL; END $$"
                )
                op.execute(
                    f"CREATE TRIGGER {name} AFTER {event.upper()} ON {table} REFERENCING {refs} "
                    f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
                )
            else:
                op.execute(
                    f"CREATE TRIGGER {name} AFTER {event.upper()} ON {table} BEGIN "
                    + "; ".join(body)
                    + "; END"
                )


def _drop_triggers() -> None:
    dialect = op.get_bind().dialect.name
    for table, events in EVENTS.items():
        for event in events:
            name = f"metric_{table}_{event}"
            op.execute(
                f"DROP TRIGGER IF EXISTS {name}"
                + (f" ON {table}" if dialect == "postgresql" else "")
            )
            if dialect == "postgresql":
                op.execute(f"DROP FUNCTION IF EXISTS {name}()")


def _tables() -> None:
    def day() -> sa.Column[int]:
        return sa.Column("day", sa.Integer(), nullable=False)

    n = "messages"
    op.create_table(
        "metric_messages",
        day(),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("error_code", sa.String(length=16), nullable=False),
        sa.Column(n, sa.BigInteger(), nullable=False),
        sa.Column("segments", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(
            "day", "kind", "status", "error_code", name=op.f("pk_metric_messages")
        ),
    )
    op.create_table(
        "metric_delivery_times",
        day(),
        sa.Column("seconds", sa.Integer(), nullable=False),
        sa.Column(n, sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("day", "seconds", name=op.f("pk_metric_delivery_times")),
    )
    op.create_table(
        "metric_enrollments",
        day(),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("track", sa.String(length=16), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("activated", sa.Boolean(), nullable=False),
        sa.Column("enrollments", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(
            "day", "status", "track", "language", "channel", "activated",
            name=op.f("pk_metric_enrollments"),
        ),
    )  # fmt: skip
    op.create_table(
        "metric_outcomes",
        sa.Column("outcome", sa.String(length=12), nullable=False),
        day(),
        sa.Column("track", sa.String(length=16), nullable=False),
        sa.Column("week", sa.Integer(), nullable=False),
        sa.Column("enrollments", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("outcome", "day", "track", "week", name=op.f("pk_metric_outcomes")),
    )
    op.create_table(
        "metric_active",
        sa.Column("due_day", sa.Integer(), nullable=False),
        sa.Column("birth_day", sa.Integer(), nullable=False),
        sa.Column("enrollments", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("due_day", "birth_day", name=op.f("pk_metric_active")),
    )
    op.create_table(
        "metric_tips",
        sa.Column("enrollment_id", sa.Integer(), nullable=False),
        *(
            sa.Column(c, sa.Integer(), nullable=False)
            for c in ("planned", "sent", "delivered", "failed", "queued", "unknown", "expired")
        ),
        sa.PrimaryKeyConstraint("enrollment_id", name=op.f("pk_metric_tips")),
    )


def upgrade() -> None:
    _tables()
    dialect = op.get_bind().dialect.name
    # The backfill: every existing row counted once, before the triggers count the new ones.
    for r in rollups(dialect):
        op.execute(r.upsert([r.part(r.source, 1)]))
    _triggers()
    op.drop_index("ix_outbound_messages_failures", table_name="outbound_messages")
    op.drop_index("ix_outbound_messages_tips", table_name="outbound_messages")
    op.drop_index("ix_outbound_messages_created_status", table_name="outbound_messages")


def downgrade() -> None:
    _drop_triggers()
    for table in (
        "metric_tips", "metric_active", "metric_outcomes", "metric_enrollments",
        "metric_delivery_times", "metric_messages",
    ):  # fmt: skip
        op.drop_table(table)
    op.create_index(
        "ix_outbound_messages_created_status",
        "outbound_messages",
        ["created_at", "status", "segments"],
    )
    op.create_index(
        "ix_outbound_messages_tips",
        "outbound_messages",
        ["enrollment_id", "status"],
        sqlite_where=sa.text("kind = 'tip'"),
        postgresql_where=sa.text("kind = 'tip'"),
    )
    op.create_index(
        "ix_outbound_messages_failures",
        "outbound_messages",
        ["created_at", "error_code"],
        sqlite_where=sa.text("status IN ('failed', 'undelivered')"),
        postgresql_where=sa.text("status IN ('failed', 'undelivered')"),
    )

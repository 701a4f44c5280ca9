"""tips gone: metric_tips counts a tip once it leaves the queue, so planning one writes nothing

metric_tips had `planned` (every tip) and `queued` (queued or sending), and the queries read
only planned - queued, planned = 0 and queued > 0: the planner's INSERT of a send day's tips,
every one queued, upserted one metric_tips row per tip (18% of the pass at 1M, issue #17). Now
the table has `gone` (her tips no longer queued or sending) and the outbox's triggers count only
such tips, so a queued tip moves no count and the planner's statement aggregates nothing into
metric_tips; who is behind reads the waiting tips from the outbox (one grouped read of the
queue). The counts so far: gone = planned - queued, and the rows left with no count go.

Revision ID: tips_gone
Revises: outcome_days
Create Date: 2026-11-30 07:50:00
"""

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "tips_gone"
down_revision: str | None = "outcome_days"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WAITING = "('queued', 'sending')"
OUTBOX = "outbound_messages"


def _metrics() -> Any:
    """Migration metrics, whose rollups and trigger rows this one uses."""
    path = Path(__file__).with_name("20261130_metrics_rollups.py")
    spec = importlib.util.spec_from_file_location("metrics_rollups_migration", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _tips(m: Any, dialect: str, gone: bool) -> Any:
    """The metric_tips rollup: migration metrics' (planned, queued), or counting only the tips
    that left the queue (gone)."""
    old = next(r for r in m.rollups(dialect) if r.table == "metric_tips")
    if not gone:
        return old
    values = (("gone", "1"), *(v for v in old.values if v[0] not in ("planned", "queued")))
    return m.Rollup(
        old.table, old.source, old.keys, values, f"{old.where} AND m.status NOT IN {WAITING}"
    )


def rollups(dialect: str) -> list[Any]:
    """Migration metrics' rollups as they stand after this one (what a bulk load backfills)."""
    m = _metrics()
    return [_tips(m, dialect, True) if r.table == "metric_tips" else r for r in m.rollups(dialect)]


def _outbox_triggers(gone: bool) -> None:
    """The outbox's triggers of migration metrics again, with this metric_tips rollup (on
    PostgreSQL the same triggers call the replaced functions)."""
    m = _metrics()
    dialect = op.get_bind().dialect.name
    pg = dialect == "postgresql"
    old, new = ("old_rows", "new_rows") if pg else (m._row("OLD", OUTBOX), m._row("NEW", OUTBOX))
    chosen = [
        _tips(m, dialect, gone) if r.table == "metric_tips" else r
        for r in m.rollups(dialect)
        if r.source == OUTBOX
    ]
    events = {"insert": [(new, 1)], "update": [(old, -1), (new, 1)], "delete": [(old, -1)]}
    for event, parts in events.items():
        name = f"metric_{OUTBOX}_{event}"
        body = "; ".join(r.upsert([r.part(rows, sign) for rows, sign in parts]) for r in chosen)
        if pg:
            op.execute(
                f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
                f"BEGIN {body}; RETURN NULL; END $$"
            )
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
            op.execute(f"CREATE TRIGGER {name} AFTER {event.upper()} ON {OUTBOX} BEGIN {body}; END")


def _drop_sqlite_triggers() -> None:
    """SQLite checks the triggers that name a table when batch mode renames its copy."""
    if op.get_bind().dialect.name == "sqlite":
        for event in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS metric_{OUTBOX}_{event}")


def upgrade() -> None:
    _drop_sqlite_triggers()
    with op.batch_alter_table("metric_tips") as batch:
        batch.add_column(sa.Column("gone", sa.Integer(), nullable=False, server_default="0"))
    op.execute("UPDATE metric_tips SET gone = planned - queued")
    with op.batch_alter_table("metric_tips") as batch:
        batch.alter_column("gone", server_default=None)
        batch.drop_column("planned")
        batch.drop_column("queued")
    counts = ("gone", "sent", "delivered", "failed", "unknown", "expired")
    op.execute("DELETE FROM metric_tips WHERE " + " AND ".join(f"{c} = 0" for c in counts))
    _outbox_triggers(gone=True)


def downgrade() -> None:
    _drop_sqlite_triggers()
    with op.batch_alter_table("metric_tips") as batch:
        for column in ("planned", "queued"):
            batch.add_column(sa.Column(column, sa.Integer(), nullable=False, server_default="0"))
    op.execute("UPDATE metric_tips SET planned = gone")
    with op.batch_alter_table("metric_tips") as batch:
        batch.alter_column("planned", server_default=None)
        batch.alter_column("queued", server_default=None)
        batch.drop_column("gone")
    # The waiting tips, counted in planned and queued as migration metrics did.
    m = _metrics()
    tips = _tips(m, op.get_bind().dialect.name, gone=False)
    waiting = m.Rollup(
        tips.table, tips.source, tips.keys, tips.values, f"{tips.where} AND m.status IN {WAITING}"
    )
    op.execute(waiting.upsert([waiting.part(OUTBOX, 1)]))
    _outbox_triggers(gone=False)

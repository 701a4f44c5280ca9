"""Importing modules' structure into their tables and reading it back."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from text4baby_ru.content.library import Library
from text4baby_ru.modules.definition import ArmDef, ModuleDef, OptionDef, modules_of
from text4baby_ru.modules.models import (
    Module,
    ModuleArm,
    ModuleAssignment,
    ModuleOption,
    ModuleStatus,
    Step,
)


@dataclass
class ModulesImport:
    """What an import of the modules changed."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # started: its arms and options stay

    def summary(self) -> str:
        """One line for the operator."""
        line = f"modules: {len(self.added)} added, {len(self.updated)} updated"
        if self.kept:
            line += f"; {', '.join(self.kept)} kept as started (arms and options never change)"
        return line


def import_modules(session: Session, library: Library, *, now: datetime) -> ModulesImport:
    """Write each module's structure; a module once started keeps its arms and options, so its
    evaluation stays the one named before it started."""
    result = ModulesImport()
    for m in modules_of(library):
        row = session.get(Module, m.id)
        if row is not None and row.started_at is not None:
            result.kept.append(m.id)
            continue
        if row is None:
            row = Module(id=m.id, status=ModuleStatus.DRAFT, seed=secrets.token_hex(16))
            session.add(row)
            result.added.append(m.id)
        else:
            result.updated.append(m.id)
        row.title, row.track = m.title, m.track
        row.week_from, row.week_to = m.week_from, m.week_to
        row.month_from, row.month_to = m.months if m.months else (None, None)
        row.open_hours = m.open_hours
        row.outcome_after_days, row.outcome_success = m.outcome_after_days, m.outcome_success
        row.updated_at = now
        session.flush()
        session.execute(delete(ModuleArm).where(ModuleArm.module_id == m.id))
        session.execute(delete(ModuleOption).where(ModuleOption.module_id == m.id))
        for i, arm in enumerate(m.arms):
            session.add(
                ModuleArm(
                    module_id=m.id,
                    name=arm.name,
                    position=i,
                    offer_reminder=arm.offer_reminder,
                    tailored=arm.tailored,
                )
            )
        for step, options in m.options.items():
            for o in options:
                session.add(
                    ModuleOption(
                        module_id=m.id,
                        step=step,
                        value=o.value,
                        number=o.number,
                        words=list(o.words),
                        ask_reason=o.ask_reason,
                        offer_reminder=o.offer_reminder,
                    )
                )
    session.flush()
    return result


def load(session: Session, module_id: str) -> ModuleDef | None:
    """A module's structure as stored, or None."""
    row = session.get(Module, module_id)
    if row is None:
        return None
    arms = session.scalars(
        select(ModuleArm).where(ModuleArm.module_id == module_id).order_by(ModuleArm.position)
    )
    options: dict[Step, list[OptionDef]] = {}
    for o in session.scalars(
        select(ModuleOption)
        .where(ModuleOption.module_id == module_id)
        .order_by(ModuleOption.number)
    ):
        options.setdefault(o.step, []).append(
            OptionDef(o.value, o.number, tuple(o.words), o.ask_reason, o.offer_reminder)
        )
    months = (
        (row.month_from, row.month_to)
        if row.month_from is not None and row.month_to is not None
        else None
    )
    return ModuleDef(
        id=row.id,
        title=row.title,
        track=row.track,
        week_from=row.week_from,
        week_to=row.week_to,
        months=months,
        open_hours=row.open_hours,
        arms=tuple(ArmDef(a.name, a.offer_reminder, a.tailored) for a in arms),
        options={step: tuple(opts) for step, opts in options.items()},
        outcome_after_days=row.outcome_after_days,
        outcome_success=row.outcome_success,
    )


class BadTransition(ValueError):
    """A module cannot go from its status to the one asked."""


_ALLOWED = {
    ModuleStatus.RUNNING: (ModuleStatus.DRAFT, ModuleStatus.PAUSED),
    ModuleStatus.PAUSED: (ModuleStatus.RUNNING,),
    ModuleStatus.STOPPED: (ModuleStatus.DRAFT, ModuleStatus.RUNNING, ModuleStatus.PAUSED),
}


def change_status(session: Session, module: Module, to: ModuleStatus, *, now: datetime) -> None:
    """Start, pause or stop a module. Started, its arms and options are fixed; stopped, its
    open questions close and it never asks again."""
    if module.status not in _ALLOWED.get(to, ()):
        raise BadTransition(f"a {module.status.value} module cannot become {to.value}")
    if to is ModuleStatus.RUNNING and module.started_at is None:
        module.started_at = now
    if to is ModuleStatus.STOPPED:
        module.stopped_at = now
        session.execute(
            update(ModuleAssignment)
            .where(ModuleAssignment.module_id == module.id, ModuleAssignment.step.is_not(None))
            .values(step=None, open_until=None)
        )
    module.status, module.updated_at = to, now
    session.flush()

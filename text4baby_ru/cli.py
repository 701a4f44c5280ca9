"""The `text4baby-ru` command line: the composition root for everything that is not HTTP."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import UTC, date, datetime
from enum import StrEnum
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError, ProgrammingError

from text4baby_ru import logs
from text4baby_ru.auth import service as auth_service
from text4baby_ru.auth.models import Role
from text4baby_ru.clock import DEFAULT_ZONE, FixedClock, SystemClock
from text4baby_ru.content import library as content_library
from text4baby_ru.content import lint as content_lint
from text4baby_ru.content import review_sheet
from text4baby_ru.content import service as content_service
from text4baby_ru.content.live import published_library
from text4baby_ru.db import make_engine, session_factory, unit_of_work
from text4baby_ru.delivery.journey import journey_for
from text4baby_ru.enrollment.clinic_import import RowError
from text4baby_ru.enrollment.models import Language
from text4baby_ru.errors import AppError
from text4baby_ru.intake.clinic import import_clinic_csv
from text4baby_ru.migrations import upgrade
from text4baby_ru.modules import definition as module_definition
from text4baby_ru.modules import store as module_store
from text4baby_ru.resources import data_dir
from text4baby_ru.settings import Settings, SettingsError, get_settings

# Plain help (click's formatter), not rich's boxes: rich cut words and long values to fit its
# columns ("viewe r", "consent_…"); click wraps at word boundaries to the terminal's width.
_PLAIN: dict[str, Any] = {"no_args_is_help": True, "rich_markup_mode": None}
app = typer.Typer(
    help="Text4baby Russia: weekly SMS tips for pregnant women and new mothers.",
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"max_content_width": 100},
    **_PLAIN,
)
db_app = typer.Typer(help="The database schema.", **_PLAIN)
content_app = typer.Typer(help="The message library.", **_PLAIN)
users_app = typer.Typer(help="Admin-API users and their tokens.", **_PLAIN)
subscribers_app = typer.Typer(help="Subscribers.", **_PLAIN)
app.add_typer(db_app, name="db")
app.add_typer(content_app, name="content")
app.add_typer(users_app, name="users")
metrics_app = typer.Typer(help="The programme's metrics.", no_args_is_help=True)
app.add_typer(subscribers_app, name="subscribers")
app.add_typer(metrics_app, name="metrics")

F = TypeVar("F", bound=Callable[..., Any])
INBOUND_POLL = 0.25  # seconds between a worker's looks for stored texts


def _fail(message: str, code: int = 2) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def friendly(func: F) -> F:
    """Turn expected failures (bad settings, missing schema, database down) into one line."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except SettingsError as error:
            _fail(str(error))
        except AppError as error:  # a value the service refuses (a user's name, say)
            _fail(error.detail)
        except (OperationalError, ProgrammingError) as error:
            reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
            if "no such table" in reason or "does not exist" in reason:
                _fail(f"the database has no schema yet: run `text4baby-ru db upgrade` ({reason})")
            _fail(f"database: {reason}")
        return None

    return wrapper  # type: ignore[return-value]


def _settings(*, database: bool = True) -> Settings:
    settings = get_settings()
    logs.configure(settings.log_level, settings.log_format)
    if database:
        _require_database(settings.database_url)
    return settings


def _require_database(url: str) -> None:
    """Stop with one line when the SQLite file is missing, rather than let SQLite make an empty
    one in whatever folder the command was run from (a second, empty database)."""
    parsed = make_url(url)
    name = parsed.database
    if parsed.get_backend_name() != "sqlite" or not name or name == ":memory:":
        return
    if parsed.query.get("uri") or name.startswith("file:"):
        return
    path = Path(name).resolve()
    if not path.exists():
        _fail(
            f"no database at {path} (from T4B_DATABASE_URL, default sqlite:///./text4baby.db, "
            "relative to the current folder): run this where the database is, set "
            "T4B_DATABASE_URL, or create it with `text4baby-ru db upgrade`"
        )


def _clock_at(at: str | None) -> FixedClock | None:
    """A clock fixed at --at (ISO 8601; UTC when no offset is given), or None for now."""
    if at is None:
        return None
    try:
        instant = datetime.fromisoformat(at)
    except ValueError:
        _fail(f"--at {at!r} is not ISO 8601, e.g. 2026-11-30T10:00:00+03:00")
        raise
    return FixedClock(instant if instant.tzinfo else instant.replace(tzinfo=UTC))


def _sessions(settings: Settings) -> Any:
    return session_factory(make_engine(settings.database_url))


@db_app.command("upgrade")
@friendly
def db_upgrade() -> None:
    """Apply the database migrations to T4B_DATABASE_URL (creating a SQLite file if needed)."""
    settings = _settings(database=False)
    upgrade(settings.database_url)
    typer.echo("database is up to date")


@db_app.command("backup")
@friendly
def db_backup(target: Annotated[Path, typer.Argument(help="file to write the copy to")]) -> None:
    """Copy a SQLite database while the service runs (online backup); for PostgreSQL, pg_dump."""
    import sqlite3

    settings = _settings()
    url = make_url(settings.database_url)
    if url.get_backend_name() != "sqlite":
        _fail("use pg_dump for PostgreSQL: pg_dump --format=custom --file=FILE DBNAME (README)", 1)
    if target.exists():
        _fail(f"{target} exists; choose a new file", 1)
    source = sqlite3.connect(url.database or "")
    copy = sqlite3.connect(target)
    with copy:
        source.backup(copy)
    copy.close()
    source.close()
    typer.echo(f"copied {url.database} to {target}")


@content_app.command("import")
@friendly
def content_import(
    directory: Annotated[Path | None, typer.Argument(help="library folder")] = None,
    force: Annotated[bool, typer.Option(help="overwrite texts published through the API")] = False,
) -> None:
    """Load the message library into the database (default: the shipped library); idempotent."""
    settings = _settings()
    lib = content_library.load(directory or data_dir("message_library"))
    problems = [p for p in content_lint.lint(lib) if p.severity == "error"]
    if problems:
        typer.echo(content_lint.report(problems), err=True)
        _fail("the library has errors; nothing was imported", 1)
    module_problems = module_definition.problems(lib)
    if module_problems:
        typer.echo("\n".join(module_problems), err=True)
        _fail("the library's modules have errors; nothing was imported", 1)
    with unit_of_work(_sessions(settings)) as session:
        result = content_service.import_library(session, lib, now=SystemClock().now(), force=force)
        modules = module_store.import_modules(session, lib, now=SystemClock().now())
    typer.echo(result.summary())
    typer.echo(modules.summary())


@content_app.command("lint")
@friendly
def content_lint_cmd(
    directory: Annotated[Path | None, typer.Argument(help="library folder")] = None,
) -> None:
    """Check the library: coverage, templates, placeholders, languages, SMS budget, sources."""
    path = directory or data_dir("message_library")
    try:
        lib = content_library.load(path)
    except content_library.LibraryError as error:
        _fail(str(error), 1)
    problems = content_lint.lint(lib)
    typer.echo(content_lint.report(problems))
    if any(p.severity == "error" for p in problems):
        raise typer.Exit(1)


class SheetFormat(StrEnum):
    """The review sheet's file formats."""

    csv = "csv"
    md = "md"


@content_app.command("review-sheet")
@friendly
def content_review_sheet(
    directory: Annotated[Path | None, typer.Argument(help="library folder")] = None,
    format: Annotated[SheetFormat, typer.Option(help="csv or md")] = SheetFormat.csv,
    output: Annotated[Path | None, typer.Option(help="file to write (default: print)")] = None,
) -> None:
    """Every tip and reply with its source, SMS parts and event window, and an empty column for
    the clinician's verdict."""
    try:
        lib = content_library.load(directory or data_dir("message_library"))
    except content_library.LibraryError as error:
        _fail(str(error), 1)
    sheet = review_sheet.to_csv(lib) if format is SheetFormat.csv else review_sheet.to_markdown(lib)
    if output is None:
        typer.echo(sheet, nl=False)
        return
    output.write_text(sheet, encoding="utf-8")
    typer.echo(f"wrote {len(lib.messages)} messages to {output}")


@content_app.command("export")
@friendly
def content_export(directory: Annotated[Path, typer.Argument(help="folder to write")]) -> None:
    """Write the database's live content to DIR in the library's file format."""
    settings = _settings()
    with unit_of_work(_sessions(settings)) as session:
        meta = (data_dir("message_library") / content_library.META_FILE).read_text("utf-8")
        written = content_service.export_library(session, directory, meta_text=meta)
    typer.echo(f"wrote {len(written)} files to {directory}")


@app.command(short_help="HTTP API, webhooks, admin pages and the scheduler.")
@friendly
def serve(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on")] = 8000,
    no_scheduler: Annotated[
        bool, typer.Option("--no-scheduler", help="serve HTTP only; tips are sent elsewhere")
    ] = False,
    no_handler: Annotated[
        bool,
        typer.Option(
            "--no-handler",
            help="store inbound texts only; a running `worker` handles them and sends the"
            " replies (keeps this process for the webhooks under a campaign's load)",
        ),
    ] = False,
) -> None:
    """HTTP API, webhooks, admin pages and (unless --no-scheduler) the sending scheduler;
    the inbound texts are handled here too unless --no-handler."""
    import uvicorn

    from scheduler import SchedulerLockError, start_scheduler
    from text4baby_ru.main import build_runtime, create_app

    settings = _settings()
    runtime = build_runtime(settings)
    if no_handler:
        runtime.inbound.leave_to_workers()
    scheduler = None
    if not no_scheduler:
        try:
            scheduler = start_scheduler(runtime)
        except SchedulerLockError as error:
            _fail(str(error))
    try:
        uvicorn.run(
            create_app(runtime),
            host=host,
            port=port,
            log_config=logs.uvicorn_log_config(settings.log_level, settings.log_format),
            server_header=False,  # no "server: uvicorn" telling a prober what to try
            # X-Forwarded-For names the client only when a trusted proxy sent it; by default
            # nobody is trusted (uvicorn alone would trust 127.0.0.1, e.g. any local process).
            proxy_headers=bool(settings.proxies),
            forwarded_allow_ips=list(settings.proxies) or None,
        )
    finally:
        if scheduler is not None:
            scheduler.shutdown()


@app.command(short_help="A sending process without HTTP.")
@friendly
def worker(
    once: Annotated[bool, typer.Option(help="one pass, then exit")] = False,
) -> None:
    """A sending process without HTTP: handles the texts the webhooks stored, plans (one
    process at a time) and sends; several may run against PostgreSQL. SIGTERM finishes the
    message in hand and releases the rest."""
    import signal
    import threading

    from scheduler import SchedulerLockError, lock_sqlite, worker_name
    from text4baby_ru.main import build_runtime

    settings = _settings()
    runtime = build_runtime(settings)
    try:  # on SQLite one sending process per database, as for the scheduler
        lock = (
            lock_sqlite(settings.database_url) if runtime.engine.dialect.name == "sqlite" else None
        )
    except SchedulerLockError as error:
        _fail(str(error))
        return
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    name = worker_name("worker")
    while not stop.is_set():
        runtime.run_pass(name, stop=stop)
        if once:
            break
        # Between passes, handle the texts the webhooks stored (every INBOUND_POLL seconds: a
        # text from a woman must not wait for the next pass; a look that finds none is one
        # indexed query).
        for _ in range(max(1, round(settings.pass_interval / INBOUND_POLL))):
            if stop.is_set():
                break
            runtime.inbound.drain()
            stop.wait(INBOUND_POLL)
    if lock is not None:
        lock.close()
    typer.echo("worker stopped", err=True)


@app.command(short_help="One planning and sending pass as of an instant.")
@friendly
def dispatch(
    at: Annotated[str | None, typer.Option(help="ISO 8601 instant (default: now)")] = None,
) -> None:
    """One planning and sending pass as of an instant, then exit (also how cron runs it);
    running it twice for the same instant sends nothing twice."""
    from scheduler import worker_name
    from text4baby_ru.main import build_runtime

    settings = _settings()
    runtime = build_runtime(settings, clock=_clock_at(at))
    report = runtime.run_pass(worker_name("dispatch"))
    typer.echo(report.summary())


@subscribers_app.command("import")
@friendly
def subscribers_import(
    file: Annotated[
        Path, typer.Argument(help="CSV: phone,language,due_date,birth_date,timezone,consent_at")
    ],
) -> None:
    """Enroll women registered at a clinic; bad rows are reported by line and skipped."""
    settings = _settings()
    try:
        handle = file.open("rb")  # decoded line by line: a stray byte spoils only its row
    except OSError as error:
        _fail(f"{file}: {error.strerror}", 1)
    key = settings.secret_key.get_secret_value() if settings.secret_key else None
    with handle:
        try:
            report = import_clinic_csv(
                _sessions(settings),
                handle,
                now=SystemClock().now(),
                configured_key=key,
                countries=settings.countries,
                quiet=settings.quiet_window,
                progress=lambda n: typer.echo(f"... {n} rows", err=True),
            )
        except RowError as error:
            _fail(f"{file}: {error}", 1)
    for line, reason in report.skipped:
        typer.echo(f"{file}:{line}: skipped: {reason}", err=True)
    typer.echo(report.summary())


@users_app.command("create")
@friendly
def users_create(
    role: Annotated[Role, typer.Option(help="admin, editor, reviewer or viewer")],
    name: Annotated[str, typer.Option(help="the person's name")],
) -> None:
    """Create an admin-API user; the token is printed alone on the last line."""
    settings = _settings()
    with unit_of_work(_sessions(settings)) as session:
        user, token = auth_service.create_user(
            session, name=name, role=role, now=SystemClock().now()
        )
        typer.echo(f"created user {user.id} ({user.role}); keep this token, it is shown once:")
    typer.echo(token)


@users_app.command("list")
@friendly
def users_list() -> None:
    """List admin-API users."""
    settings = _settings()
    with unit_of_work(_sessions(settings)) as session:
        for user in auth_service.list_users(session):
            state = f"revoked {user.revoked_at:%Y-%m-%d}" if user.revoked_at else "active"
            typer.echo(f"{user.id}\t{user.role}\t{state}\t{user.name}")


@users_app.command("revoke")
@friendly
def users_revoke(user_id: Annotated[int, typer.Argument(help="the user's id")]) -> None:
    """Revoke a user and all their tokens, effective immediately."""
    settings = _settings()
    with unit_of_work(_sessions(settings)) as session:
        user = auth_service.revoke_user(session, user_id=user_id, now=SystemClock().now())
        typer.echo(f"revoked user {user.id} ({user.name})")


@app.command(short_help="Every tip a woman with this date would get, with its date.")
@friendly
def journey(
    due: Annotated[str | None, typer.Option(help="due date, YYYY-MM-DD")] = None,
    born: Annotated[str | None, typer.Option(help="birth date, YYYY-MM-DD")] = None,
    lang: Annotated[Language, typer.Option(help="ru or en")] = Language.RU,
    json_output: Annotated[bool, typer.Option("--json", help="a JSON list")] = False,
    library_dir: Annotated[
        Path | None,
        typer.Option(
            "--library",
            "--directory",
            help="read the library files in this folder instead of the published texts",
        ),
    ] = None,
) -> None:
    """Every tip a subscriber with this date, enrolled today, would get, with its date: the
    texts published in the database (what women get), or with --library the files of DIR."""
    import json

    if (due is None) == (born is None):
        _fail("give exactly one of --due and --born")
    try:
        anchor = date.fromisoformat(due or born or "")
    except ValueError:
        _fail("dates are YYYY-MM-DD, e.g. --due 2027-03-15")
    if library_dir is None:
        settings = _settings()
        with unit_of_work(_sessions(settings)) as session:
            lib = published_library(session)
        if not lib.tips():
            _fail("the database has no published tips: run `text4baby-ru content import`", 1)
    else:
        settings = get_settings()
        try:
            lib = content_library.load(library_dir)
        except content_library.LibraryError as error:
            _fail(str(error), 1)
    items = journey_for(
        lib,
        due_date=anchor if due else None,
        birth_date=anchor if born else None,
        language=lang.value,
        enrolled_at=SystemClock().now(),
        send_weekdays=settings.send_weekdays,
        send_hour=settings.send_hour,
        timezone=DEFAULT_ZONE,
    )
    if not items:
        _fail("no messages: the date is outside the programme (pregnancy to the first birthday)", 1)
    if json_output:
        typer.echo(json.dumps([i.as_json() for i in items], ensure_ascii=False, indent=1))
        return
    for item in items:
        typer.echo(f"{item.date}  {item.track:<9} w{item.week:<2} {item.key}\n    {item.text}")


@app.command(short_help="Text the programme from a number and print its replies.")
@friendly
def sms(
    text: Annotated[str, typer.Argument(help='what she writes, e.g. "МАМА 15.03.2027"')],
    sender: Annotated[str, typer.Option("--from", help="her number, e.g. +79160000001")],
    at: Annotated[
        str | None, typer.Option(help="ISO 8601 instant it arrives at (default: now)")
    ] = None,
) -> None:
    """Pass one text from a number through the same inbound path as a webhook and print the
    replies it caused (for trying the system by hand on the console gateway)."""
    import secrets

    from text4baby_ru.intake.inbound import Arrival
    from text4baby_ru.kit.phones import BadPhoneNumber, normalize
    from text4baby_ru.main import build_runtime

    settings = _settings()
    if settings.sms_gateway != "console":
        _fail(
            f"sms only runs on the console gateway (T4B_SMS_GATEWAY is {settings.sms_gateway}): "
            "its replies would go to a real phone"
        )
    try:
        normalize(sender)
    except BadPhoneNumber:
        _fail(f"--from {sender!r} is not a phone number, e.g. +79160000001")
    settings = settings.model_copy(update={"sms_gateway_secondary": None})
    runtime = build_runtime(settings, clock=_clock_at(at))
    runtime.inbound.accept(Arrival("console", f"cli-{secrets.token_hex(8)}", sender, text))
    if not runtime.inbound.drain().replies:  # the console gateway printed each reply
        typer.echo("(no reply)")
    runtime.engine.dispose()


@metrics_app.command("verify")
@friendly
def metrics_verify() -> None:
    """Recount every stored metric count from the raw rows; print each difference, exit 1 if
    any (run it after an incident, or after restoring a backup)."""
    from text4baby_ru.metrics.verify import counts_by_table, differences

    settings = _settings()
    with _sessions(settings)() as session:
        found = 0
        for difference in differences(session):
            typer.echo(str(difference))
            found += 1
        if found:
            typer.echo(f"{found} difference(s) between the rollups and the raw rows", err=True)
            raise typer.Exit(1)
        rows = ", ".join(f"{t} {n}" for t, n in counts_by_table(session).items())
        typer.echo(f"the rollups match the raw rows ({rows})")


def main() -> None:
    """Entry point of the console script."""
    try:
        app()
    except SettingsError as error:
        typer.echo(f"error: {error}", err=True)
        sys.exit(2)

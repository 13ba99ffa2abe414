"""The `signpost` command: serve, demo, migrate, backup, restore, create-admin, apps, guides,
analytics, events, users."""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session

from analytics.privacy import delete_end_user, export_end_user
from analytics.retention import prune_raw_events, pruned_before
from analytics.rollups import rebuild_rollups
from guides import App, SignpostError, create_app
from guides import store as guide_store
from guides.files import export_guides, import_guides, read_guide_files, schema_text
from guides.target_check import DEFAULT_TIMEOUT_MS, check_targets
from server import accounts, backup
from server.db import Database
from server.migrations import upgrade_to_head
from server.settings import Settings, SettingsError, load_settings


class CliError(Exception):
    """A user mistake on the command line: printed as one line, exit status 1."""


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        settings = load_settings(**_overrides(args))
        return int(args.handler(args, settings) or 0)
    except SettingsError as exc:
        print(f"signpost: {exc}", file=sys.stderr)
        return 2
    except (SignpostError, CliError, backup.BackupError) as exc:
        print(f"signpost: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _overrides(args: argparse.Namespace) -> dict[str, object]:
    return {
        name: value
        for name in ("host", "port", "data_dir", "workers")
        if (value := getattr(args, name, None)) is not None
    }


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="signpost", description="In-app guides, adoption analytics and struggle detection."
    )
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    def command(name: str, handler: object, help: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help, description=help)
        sub.set_defaults(handler=handler)
        sub.add_argument("--data-dir", type=Path, help="data folder (SIGNPOST_DATA_DIR)")
        return sub

    for name, handler, text in (
        ("serve", _serve, "Run the server."),
        ("demo", _demo, "Run the server with a demo app, guides and host page at /demo."),
    ):
        sub = command(name, handler, text)
        sub.add_argument("--host", help="interface to listen on (SIGNPOST_HOST)")
        sub.add_argument("--port", type=int, help="port to listen on (SIGNPOST_PORT)")
        sub.add_argument("--workers", type=int, help="server processes (SIGNPOST_WORKERS)")

    command("migrate", _migrate, "Bring the database schema up to date.")

    backup_command = command(
        "backup", _backup, "Copy the SQLite database to a file, while it runs."
    )
    backup_command.add_argument("file", type=Path, help="the backup file to write (must not exist)")
    restore_command = command(
        "restore", _restore, "Replace the SQLite database with a backup (the current one is kept)."
    )
    restore_command.add_argument("file", type=Path, help="a file written by `signpost backup`")
    restore_command.add_argument(
        "--yes", action="store_true", help="replace without asking (the current one is kept)"
    )

    admin = command("create-admin", _create_admin, "Create an admin account, owner of a workspace.")
    admin.add_argument("email")
    admin.add_argument(
        "--workspace",
        default=accounts.DEFAULT_WORKSPACE,
        help="workspace the admin owns, created if missing (default: %(default)s)",
    )
    admin.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )

    apps = commands.add_parser("apps", help="Manage apps.").add_subparsers(
        required=True, metavar="ACTION"
    )
    create = apps.add_parser("create", help="Create an app and print its public SDK key.")
    create.set_defaults(handler=_apps_create)
    create.add_argument("name")
    create.add_argument(
        "--origin", action="append", default=[], help="allowed origin, e.g. https://app.example.com"
    )
    create.add_argument(
        "--workspace", help="workspace that owns the app (default: the first one, if any)"
    )
    create.add_argument("--data-dir", type=Path)
    listing = apps.add_parser("list", help="List apps with their keys and origins.")
    listing.set_defaults(handler=_apps_list)
    listing.add_argument("--data-dir", type=Path)

    guides = commands.add_parser("guides", help="Guides as files.").add_subparsers(
        required=True, metavar="ACTION"
    )
    imp = guides.add_parser("import", help="Create or update guides from YAML or JSON files.")
    imp.set_defaults(handler=_guides_import)
    imp.add_argument("path", type=Path, help="a guide file, or a folder of them")
    imp.add_argument(
        "--app", help="app name, public key or id (may be left out when there is one app)"
    )
    imp.add_argument(
        "--dry-run", action="store_true", help="print what would change, change nothing"
    )
    imp.add_argument("--data-dir", type=Path)
    exp = guides.add_parser("export", help="Write one YAML file per guide of an app.")
    exp.set_defaults(handler=_guides_export)
    exp.add_argument("app", help="app name, public key or id")
    exp.add_argument("directory", type=Path)
    exp.add_argument("--data-dir", type=Path)
    check = guides.add_parser(
        "check",
        help="Open the app in headless Chromium and report, per step, whether its target is "
        "found (exit status 1 when one is not). Needs `pip install 'signpost[check]'`.",
    )
    check.set_defaults(handler=_guides_check)
    check.add_argument("path", type=Path, help="a guide file, or a folder of them")
    check.add_argument("--url", required=True, help="the app's address, e.g. a staging build")
    check.add_argument(
        "--timeout",
        type=int,
        default=DEFAULT_TIMEOUT_MS,
        help="milliseconds to wait for each target (default: %(default)s)",
    )
    check.add_argument("--chromium", help="a Chromium to use (default: one on the PATH)")
    schema = guides.add_parser(
        "schema", help="Print the JSON Schema of a guide file (also at /api/v1/schemas/guide.json)."
    )
    schema.set_defaults(handler=_guides_schema)
    analytics = commands.add_parser("analytics", help="Adoption analytics.").add_subparsers(
        required=True, metavar="ACTION"
    )
    rebuild = analytics.add_parser(
        "rebuild", help="Recompute the rollups from raw events (every app, or one)."
    )
    rebuild.set_defaults(handler=_analytics_rebuild)
    rebuild.add_argument("--app", help="app name, public key or id (default: every app)")
    rebuild.add_argument(
        "--force",
        action="store_true",
        help="rebuild even though retention removed old raw events (their counts are lost)",
    )
    rebuild.add_argument("--data-dir", type=Path)
    events = commands.add_parser("events", help="Raw events.").add_subparsers(
        required=True, metavar="ACTION"
    )
    prune = events.add_parser(
        "prune",
        help="Remove raw events older than a number of days now (the server does it hourly "
        "when raw_event_retention_days is set). Rollups keep their counts.",
    )
    prune.set_defaults(handler=_events_prune)
    prune.add_argument(
        "--days", type=int, help="keep this many days (default: raw_event_retention_days)"
    )
    prune.add_argument("--data-dir", type=Path)

    users = commands.add_parser(
        "users", help="Privacy requests about one end user (export, delete)."
    ).add_subparsers(required=True, metavar="ACTION")
    export_user = users.add_parser(
        "export", help="Print (or write) everything stored about one end user, as JSON."
    )
    export_user.set_defaults(handler=_users_export)
    delete_user = users.add_parser(
        "delete", help="Delete one end user and every row about them; rollups are corrected."
    )
    delete_user.set_defaults(handler=_users_delete)
    delete_user.add_argument("--yes", action="store_true", help="really delete (no undo)")
    for sub in (export_user, delete_user):
        sub.add_argument("user", help="the customer's user id, or anon:<anonymous id>")
        sub.add_argument("--app", required=True, help="app name, public key or id")
        sub.add_argument("--data-dir", type=Path)
    export_user.add_argument("--out", type=Path, help="write to this file instead of stdout")
    return parser


def _database(settings: Settings) -> Database:
    upgrade_to_head(settings.database_url)
    return Database(settings.database_url, busy_timeout_ms=settings.sqlite_busy_timeout_ms)


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from server.app import create_app as create_web_app

    logging.basicConfig(
        level=settings.log_level.value.upper(), format="%(levelname)s:     %(name)s: %(message)s"
    )
    options: dict[str, Any] = {
        "host": settings.host,
        "port": settings.port,
        "log_level": settings.log_level.value,
        "proxy_headers": True,
        "server_header": False,
    }
    if settings.workers == 1:
        uvicorn.run(create_web_app(settings), **options)
        return 0
    # Each worker process builds its app from the environment: hand it these very settings,
    # and migrate once here rather than in every worker at the same moment.
    if settings.migrate_on_start:
        upgrade_to_head(settings.database_url)
    os.environ.update(worker_environment(settings))
    uvicorn.run("server.app:create_app", factory=True, workers=settings.workers, **options)
    return 0


def worker_environment(settings: Settings) -> dict[str, str]:
    """`SIGNPOST_*` variables that make `Settings()` in a worker equal to `settings`."""
    settings.ensure_secret_key()
    values = settings.model_dump(mode="json", exclude={"secret_key"})
    environment = {
        f"SIGNPOST_{name.upper()}": value if isinstance(value, str) else json.dumps(value)
        for name, value in values.items()
        if value is not None
    }
    environment["SIGNPOST_SECRET_KEY"] = settings.ensure_secret_key().get_secret_value()
    environment["SIGNPOST_MIGRATE_ON_START"] = "false"
    return environment


def _demo(args: argparse.Namespace, settings: Settings) -> int:
    from server.demo.seed import DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD, seed_demo

    settings.demo = True
    database = _database(settings)
    try:
        app = seed_demo(database, settings)
    finally:
        database.dispose()
    print(f"Demo app {app.name!r} (key {app.public_key}) is ready.")
    print(f"Open {settings.public_url}/demo to see its guides.")
    print(
        f"Open {settings.public_url}/admin and log in as {DEMO_ADMIN_EMAIL} "
        f"with the password {DEMO_ADMIN_PASSWORD} to edit them."
    )
    return _serve(args, settings)


def _migrate(args: argparse.Namespace, settings: Settings) -> int:
    upgrade_to_head(settings.database_url)
    print("The database schema is up to date.")
    return 0


def _backup(args: argparse.Namespace, settings: Settings) -> int:
    summary = backup.backup(settings.database_url, args.file)
    print(f"Backed up to {summary.describe()}.")
    return 0


def _restore(args: argparse.Namespace, settings: Settings) -> int:
    summary = backup.inspect(args.file)
    if not args.yes:
        if not sys.stdin.isatty():
            raise CliError("add --yes to replace the database without a prompt")
        answer = input(f"Replace the database with {summary.describe()}? [y/N] ")
        if answer.strip().lower() not in ("y", "yes"):
            raise CliError("nothing was changed")
    restored, kept = backup.restore(settings.database_url, args.file)
    if kept is not None:
        print(f"The database it replaced is kept at {kept}.")
    print(f"Restored {restored.describe()}.")
    return 0


def _create_admin(args: argparse.Namespace, settings: Settings) -> int:
    if args.password_stdin or not sys.stdin.isatty():
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass("Password: ")
        if getpass.getpass("Password again: ") != password:
            raise CliError("the two passwords differ")
    database = _database(settings)
    try:
        with database.write() as session:
            user = accounts.create_admin_user(session=session, email=args.email, password=password)
            workspace = accounts.ensure_workspace(session=session, name=args.workspace)
            assert user.id is not None and workspace.id is not None
            accounts.set_membership(
                session=session,
                workspace_id=workspace.id,
                user_id=user.id,
                role=accounts.Role.owner,
            )
        print(f"Admin {user.email} created, owner of the workspace {workspace.name!r}.")
    finally:
        database.dispose()
    return 0


def _apps_create(args: argparse.Namespace, settings: Settings) -> int:
    database = _database(settings)
    try:
        with database.write() as session:
            app = create_app(session=session, name=args.name, allowed_origins=args.origin)
            workspace_id = accounts.workspace_for_new_app(session, args.workspace)
            if workspace_id is not None:
                assert app.id is not None
                accounts.add_app_to_workspace(
                    session=session, app_id=app.id, workspace_id=workspace_id
                )
        print(app.public_key)
    finally:
        database.dispose()
    return 0


def _apps_list(args: argparse.Namespace, settings: Settings) -> int:
    database = _database(settings)
    try:
        with database.read() as session:
            for app in guide_store.all_apps(session):
                print(f"{app.id}\t{app.name}\t{app.public_key}\t{' '.join(app.allowed_origins)}")
    finally:
        database.dispose()
    return 0


def _find_app(session: Session, reference: str) -> App:
    app = (
        guide_store.app_by_key(session, reference)
        or guide_store.app_by_name(session, reference)
        or (session.get(App, int(reference)) if reference.isdigit() else None)
    )
    if app is None:
        raise CliError(f"no app named {reference!r} (use its name, public key or id)")
    return app


def _only_app(session: Session) -> App:
    apps = guide_store.all_apps(session)
    if len(apps) != 1:
        names = ", ".join(repr(app.name) for app in apps) or "none yet"
        raise CliError(f"name the app with --app (apps: {names})")
    return apps[0]


def _guides_import(args: argparse.Namespace, settings: Settings) -> int:
    files = read_guide_files(args.path)
    database = _database(settings)
    try:
        with database.write() as session:
            app = _find_app(session, args.app) if args.app else _only_app(session)
            assert app.id is not None
            outcomes = import_guides(
                session=session,
                app_id=app.id,
                documents=[file.document for file in files],
                author="signpost guides import",
            )
            for outcome in outcomes:
                live = f" (live: version {outcome.version})" if outcome.version else ""
                print(f"{outcome.action:<12} {outcome.slug}{live}")
                for change in outcome.changes:
                    print(f"{'':<12}   changed: {change}")
            if args.dry_run:
                session.rollback()
                print("Dry run: nothing was changed.")
    finally:
        database.dispose()
    return 0


def _guides_export(args: argparse.Namespace, settings: Settings) -> int:
    database = _database(settings)
    try:
        with database.read() as session:
            app = _find_app(session, args.app)
            assert app.id is not None
            paths = export_guides(session=session, app_id=app.id, directory=args.directory)
        for path in paths:
            print(path)
    finally:
        database.dispose()
    return 0


def _guides_check(args: argparse.Namespace, settings: Settings) -> int:
    files = read_guide_files(args.path)
    results = check_targets(
        [file.document for file in files],
        args.url,
        timeout_ms=args.timeout,
        chromium=args.chromium,
    )
    page = None
    for result in results:
        if result.page != page:
            page = result.page
            print(f"{page}")
        status = "found  " if result.found else "MISSING"
        where = f" -> {result.found}" if result.found else ""
        clues = json.dumps(result.target, ensure_ascii=False, sort_keys=True)
        print(f"  {status} {result.slug} step {result.step} {clues}{where}")
    missing = [result for result in results if not result.found]
    print(
        f"{len(results)} targets in {len(files)} guide files: "
        f"{len(results) - len(missing)} found, {len(missing)} missing"
    )
    return 1 if missing else 0


def _guides_schema(args: argparse.Namespace, settings: Settings) -> int:
    print(schema_text(), end="")
    return 0


def _analytics_rebuild(args: argparse.Namespace, settings: Settings) -> int:
    database = _database(settings)
    try:
        with database.read() as session:
            cutoff = pruned_before(session)
        if cutoff and not args.force:
            raise CliError(
                f"retention removed raw events that occurred before {cutoff:%Y-%m-%d %H:%M} UTC;"
                " a rebuild would count only the events left and lose the older counts."
                " Add --force to rebuild anyway."
            )
        with database.write() as session:
            apps = [_find_app(session, args.app)] if args.app else guide_store.all_apps(session)
            for app in apps:
                assert app.id is not None
                count = rebuild_rollups(session, app.id)
                print(f"{app.name}: rollups rebuilt from {count} events")
    finally:
        database.dispose()
    return 0


def _events_prune(args: argparse.Namespace, settings: Settings) -> int:
    days = args.days or settings.raw_event_retention_days
    if not days or days < 1:
        raise CliError("say how many days to keep: --days N, or set raw_event_retention_days")
    database = _database(settings)
    try:
        result = prune_raw_events(database.write, retention_days=days, now=datetime.now(UTC))
    finally:
        database.dispose()
    dropped = ", ".join(result.partitions_dropped) or "none"
    print(
        f"Removed {result.events_deleted} raw events that occurred before"
        f" {result.cutoff:%Y-%m-%d %H:%M} UTC; partitions dropped: {dropped}."
    )
    return 0


def _users_export(args: argparse.Namespace, settings: Settings) -> int:
    database = _database(settings)
    try:
        with database.read() as session:
            app = _find_app(session, args.app)
            assert app.id is not None
            exported = export_end_user(session=session, app_id=app.id, user_id=args.user)
    finally:
        database.dispose()
    text = json.dumps(exported, indent=2, sort_keys=True) + "\n"
    if args.out:
        args.out.write_text(text)
        print(f"wrote {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def _users_delete(args: argparse.Namespace, settings: Settings) -> int:
    if not args.yes:
        raise CliError(f"this deletes every row about {args.user!r} for good; add --yes")
    database = _database(settings)
    try:
        with database.write() as session:
            app = _find_app(session, args.app)
            assert app.id is not None
            deleted = delete_end_user(session=session, app_id=app.id, user_id=args.user)
    finally:
        database.dispose()
    for table, count in deleted.items():
        print(f"{table}: {count}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

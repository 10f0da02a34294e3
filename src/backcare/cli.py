"""The ``backcare`` command line: thin over the core. Exit 0 on any decision, 2 on bad input."""

from __future__ import annotations

import gc
import json
import os
import sys
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from backcare.errors import BackcareError, InvalidIntake, Problem

app = typer.Typer(
    help="Clinical decision support for medical back massage.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: formatting it with rich takes longer than the command
)
kb_app = typer.Typer(
    help="Browse and check the knowledge base.", no_args_is_help=True, rich_markup_mode=None
)
app.add_typer(kb_app, name="kb")


IntakeFile = Annotated[
    Path, typer.Argument(metavar="FILE", help="Intake as YAML or JSON; '-' reads standard input.")
]


def _assessed(file: Path) -> tuple[Any, Any, Any]:
    """The knowledge base, the validated intake and its assessment (for protocol)."""
    from backcare import intake_file
    from backcare.assessed import assessed

    return assessed(intake_file.read(file), today=date.today())


@app.command()
def assess(
    file: IntakeFile,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the assessment JSON (spec v1).")
    ] = False,
) -> None:
    """Screen an intake: the decision, its findings, the kinds of massage that fit, and a plan."""
    from backcare import intake_file

    if as_json:  # the same text as POST /api/v1/assess answers
        from backcare.assessed import assessment_json

        text, _ = assessment_json(intake_file.read(file), today=date.today())
        typer.echo(text, nl=False)
        return
    from backcare.terminal import print_assessment

    kb, _, assessment = _assessed(file)
    print_assessment(assessment, kb)


@app.command()
def protocol(
    file: IntakeFile,
    as_json: Annotated[bool, typer.Option("--json", help="Print the protocol JSON.")] = False,
    svg: Annotated[
        Path | None, typer.Option(help="Also draw the outline on the body map (SVG).")
    ] = None,
) -> None:
    """The outline of the next session: timed steps by region and technique, within the limits."""
    from backcare.clinical.assessment import avoided_regions, to_json
    from backcare.clinical.protocol import protocol_for, protocol_json

    kb, intake, assessment = _assessed(file)
    outline = protocol_for(assessment, intake, kb)
    if svg is not None:
        from backcare.reports.protocolmap import protocol_map

        names = {t.id: t.name for t in kb.techniques.values()}
        picture = protocol_map(
            [(s.region, s.technique, s.minutes) for s in outline.steps],
            technique_names=names,
            avoided=avoided_regions(to_json(assessment)),
        )
        try:
            svg.write_text(picture, encoding="utf-8")
        except OSError as error:
            raise InvalidIntake(
                [Problem("--svg", f"cannot write {svg}: {error.strerror}")]
            ) from None
    if as_json:
        typer.echo(json.dumps(protocol_json(outline), indent=2, ensure_ascii=False))
    else:
        from backcare.terminal import print_protocol

        print_protocol(outline, assessment, kb)


@app.command()
def batch(
    source: Annotated[
        Path, typer.Argument(metavar="INPUT", help="Register: .csv, .jsonl or .parquet.")
    ],
    output: Annotated[
        Path, typer.Option("-o", "--output", help="Results: .parquet, .csv or .jsonl.")
    ],
    full: Annotated[
        bool, typer.Option("--full", help="Add each whole assessment JSON (as assess --json).")
    ] = False,
    engine: Annotated[
        str, typer.Option(help="polars, python (the reference) or spark.")
    ] = "polars",
    errors: Annotated[Path | None, typer.Option(help="Write every refused row here (CSV).")] = None,
) -> None:
    """Screen a whole register of intakes; exit 1 when some rows were refused."""
    from dataclasses import replace

    from rich.console import Console

    from backcare.batch import registers
    from backcare.batch.display import print_summary, progress_bar
    from backcare.batch.run import Options, check, screen_file

    console = Console(stderr=True)
    options = Options(today=date.today(), full=full, engine=engine, workers=os.cpu_count() or 1)
    check(source, output, errors, options)
    rows = registers.count(source)
    options = replace(options, rows=rows)
    with progress_bar(console) as bar:
        task = bar.add_task("screening", total=rows)
        summary = screen_file(
            source,
            output,
            errors=errors,
            options=options,
            progress=lambda n: bar.advance(task, n),
        )
    print_summary(summary, console)
    if summary.refused:
        where = f"; see {errors}" if errors else "; add --errors FILE to see why"
        console.print(f"{summary.refused:,} of {summary.read:,} rows refused{where}")
        raise typer.Exit(1)


@kb_app.command("list")
def kb_list(
    kind: Annotated[
        str,
        typer.Argument(
            help="sources, conditions, medications, rules, "
            "modalities, techniques, regions, positioning, "
            "self_care, claims or steps"
        ),
    ],
) -> None:
    """List the entries of one kind."""
    from backcare.knowledge import load_knowledge
    from backcare.terminal import print_entries

    kinds = load_knowledge().kinds()
    if kind not in kinds:
        raise InvalidIntake(
            [Problem("KIND", f"unknown kind {kind!r}; allowed: {', '.join(kinds)}")]
        )
    print_entries(kind, kinds[kind].values())


@kb_app.command("show")
def kb_show(
    entry_id: Annotated[
        str, typer.Argument(metavar="ID", help="An entry id or a condition synonym.")
    ],
) -> None:
    """Show one entry in full, with its sources."""
    from backcare.knowledge import load_knowledge
    from backcare.terminal import print_entry

    kb = load_knowledge()
    found = kb.find(entry_id)
    if found is None:
        raise InvalidIntake([Problem("ID", f"no entry {entry_id!r}; try 'backcare kb search'")])
    print_entry(found[0], found[1], kb)


@kb_app.command("search")
def kb_search(
    text: Annotated[str, typer.Argument(help="Words to look for in names, synonyms and texts.")],
) -> None:
    """Find entries whose id, name, synonyms or text contain all the words."""
    from backcare.knowledge import load_knowledge
    from backcare.knowledge.search import search
    from backcare.terminal import print_hits

    print_hits(search(load_knowledge(), text))


@kb_app.command("check")
def kb_check() -> None:
    """Load and cross-check the whole knowledge base; print what it holds."""
    from backcare.knowledge.loader import data_dir, load_from
    from backcare.terminal import print_counts

    print_counts(load_from(data_dir(), None))  # from the data files, never the kept form


user_app = typer.Typer(help="Manage accounts.", no_args_is_help=True, rich_markup_mode=None)
app.add_typer(user_app, name="user")


def _django() -> None:
    """Set up Django for the commands that use the database (configuration read now)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backcare.web.settings")
    import django

    django.setup()


def _migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    demo: Annotated[
        bool, typer.Option("--demo", help="Add the demo clinic if it is missing.")
    ] = False,
    threads: Annotated[
        int,
        typer.Option(min=0, max=64, help="Worker threads; 0: two a processor core, at most 8."),
    ] = 0,
    connection_limit: Annotated[
        int,
        typer.Option(
            min=1,
            max=10_000,
            help="Open connections at most; more wait to be accepted (docs/performance.md).",
        ),
    ] = 100,
) -> None:
    """Run the web app (migrations applied, static files served) with a production server."""
    from backcare import config

    os.umask(0o077)  # the database, its journal and every file written: the owner's alone
    proxy = config.trusted_proxy()
    if host in ("127.0.0.1", "localhost", "::1") and proxy is None:
        # Traffic to a loopback address never leaves the machine, so cookies need no HTTPS there;
        # behind a proxy it comes from the network, and the proxy says whether over HTTPS.
        os.environ.setdefault("BACKCARE_INSECURE_COOKIES", "1")
    _django()
    from django.conf import settings
    from django.core.management import call_command
    from waitress.server import create_server

    from backcare import data_at_rest, setup_token
    from backcare.records import accounts

    _migrate()
    # The API docs page uses Swagger UI; the ReDoc copy django-ninja also ships is left out.
    call_command("collectstatic", interactive=False, verbosity=0, ignore_patterns=["redoc*"])
    from backcare.web.wsgi import application  # after collectstatic: WhiteNoise indexes at start

    for path, mode in data_at_rest.tighten(config.data_dir(), _sqlite_file(settings)):
        typer.echo(f"Made {path} private (mode {mode:o} -> {path.stat().st_mode & 0o777:o}).")
    shown = "localhost" if host in ("127.0.0.1", "0.0.0.0") else host
    url = f"http://{shown}:{port}/"
    if demo:
        _print_demo()
    elif accounts.first_run():
        token = setup_token.issue()
        local = "" if proxy else f"open {url}setup/ on this machine, or "
        typer.echo(
            f"No account yet: {local}open /setup/?token={token} at the app's address "
            "(a one-time link), or run 'backcare user create'."
        )
    from backcare.web.proxy import behind_proxy
    from backcare.web.request_size import largest_body

    try:
        server = create_server(
            behind_proxy(application, trusted_proxy=proxy),
            host=host,
            port=port,
            threads=threads or worker_threads(),
            connection_limit=connection_limit,
            ident="backcare",
            # past twice what the app takes (web/request_size.py), refused before it is buffered
            max_request_body_size=2 * largest_body(),
            clear_untrusted_proxy_headers=False,  # behind_proxy does it, after marking
        )
    except OSError as error:
        raise BackcareError(
            f"cannot listen on {host}:{port} ({error.strerror}); is backcare already running? "
            "Choose another port with --port"
        ) from None
    behind = f"; trusting the proxy at {proxy}" if proxy else ""
    typer.echo(
        f"backcare is running at {url}  (data: {config.data_dir()}{behind}; Ctrl+C stops it)"
    )
    from backcare.knowledge import load_knowledge

    load_knowledge()  # before the first request, not during it
    # What start-up made lives as long as the server: the garbage collector need not walk it
    # again at every collection (bench/bench_api.py measures requests with it).
    gc.freeze()
    server.run()


def worker_threads() -> int:
    """Two worker threads a processor core, at most 8: a request spends part of its time
    waiting on the database, when another can run; more threads than that only share the
    same cores and make every request slower (bench/bench_pages.py)."""
    return min(8, 2 * (os.cpu_count() or 1))


def _sqlite_file(settings: Any) -> Path | None:
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.sqlite3" or database["NAME"] == ":memory:":
        return None
    return Path(database["NAME"])


@app.command()
def check(
    deploy: Annotated[
        bool, typer.Option("--deploy", help="Check the settings for running in production.")
    ] = False,
) -> None:
    """Check the installation; with --deploy, report every setting unsafe for production."""
    _django()
    from django.conf import settings
    from django.core.management import call_command

    from backcare import deploy_check

    call_command("check", verbosity=0)  # Django's own checks: models, URLs, settings
    found = deploy_check.problems(settings, sqlite_file=_sqlite_file(settings)) if deploy else []
    for problem in found:
        typer.echo(f"unsafe: {problem}")
    if found:
        raise typer.Exit(1)
    typer.echo("No unsafe setting found." if deploy else "OK (add --deploy for production).")


def _print_demo() -> None:
    from backcare.records import demo as demo_data

    created = demo_data.ensure_demo()
    typer.echo(
        ("Demo clinic created. " if created else "Demo clinic present. ")
        + f"Log in as '{demo_data.ADMIN}' or '{demo_data.THERAPIST}' with password "
        f"'{demo_data.PASSWORD}'."
    )


@app.command()
def demo(
    clients: Annotated[
        int,
        typer.Option(
            min=0,
            max=100_000,
            help="Grow the demo clinic to this many clients (copies of its own), for benchmarks.",
        ),
    ] = 0,
) -> None:
    """Add a demo clinic (therapists, about 20 clients with intakes, plans and sessions)."""
    _django()
    _migrate()
    _print_demo()
    if clients:
        from backcare.records import demo as demo_data
        from backcare.records import demo_crowd
        from backcare.records.models import Client, Clinic

        clinic = Clinic.objects.get(name=demo_data.CLINIC)
        added = demo_crowd.grow(clinic=clinic, clients=clients)
        total = Client.objects.filter(clinic=clinic).count()
        typer.echo(f"Added {added} clients; the demo clinic has {total}.")


@app.command()
def backup(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="The archive to write (.tar.gz).")],
) -> None:
    """Back up the database (a consistent copy, while the app runs) and uploaded documents."""
    _django()
    from backcare import backup as backups

    manifest = backups.create(file)
    typer.echo(
        f"Backed up the {manifest['database']} database and "
        f"{len(manifest['files']) - 1} documents to {file} (mode 600: it holds health data)."
    )


@app.command()
def restore(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="An archive made by backup.")],
    force: Annotated[
        bool, typer.Option("--force", help="Replace the data this installation already holds.")
    ] = False,
) -> None:
    """Restore a backup into an empty installation (or, with --force, over the present data)."""
    _django()
    from backcare import backup as backups

    manifest = backups.restore(file, force=force)
    typer.echo(
        f"Restored the backup of {manifest['created_at']} "
        f"({len(manifest['files']) - 1} documents) from {file}."
    )


@app.command("export")
def export_command(
    target: Annotated[
        list[str],
        typer.Argument(
            metavar="FILE.zip | fhir CLIENT_ID",
            help="The zip to write; or 'fhir' and a client's id for a FHIR R4 Bundle.",
        ),
    ],
    client: Annotated[
        int | None, typer.Option("--client", metavar="ID", help="Only this client's record.")
    ] = None,
    clinic: Annotated[
        str | None, typer.Option(help="The clinic's name; needed when several exist.")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="With fhir: the file to write.")
    ] = None,
) -> None:
    """Export a clinic (or one client) as CSV and JSON in a zip with a manifest (docs/export.md),
    or, as `export fhir CLIENT_ID`, one client as a FHIR R4 Bundle (docs/fhir.md)."""
    if target[0] == "fhir":
        if len(target) != 2 or not target[1].isdigit():
            raise InvalidIntake([Problem("CLIENT_ID", "give one client's id: export fhir 12")])
        _export_fhir(int(target[1]), output, clinic)
        return
    if len(target) != 1:
        raise InvalidIntake([Problem("FILE.zip", "give one file to write, e.g. clinic.zip")])
    file = Path(target[0])
    _django()
    from backcare.records import export

    scope = export.scope_for(clinic=_clinic_named(clinic), client_id=client)
    manifest = export.write_file(scope=scope, path=file, user=None)
    rows = sum(manifest["counts"].values())
    typer.echo(
        f"Exported {rows} rows in {len(manifest['counts'])} tables and "
        f"{sum(f['path'].startswith('documents/') for f in manifest['files'])} documents of "
        f"{scope.client or scope.clinic} to {file} (mode 600: it holds health data)."
    )


def _clinic_named(name: str | None, doing: str = "export") -> Any:
    from backcare.records.models import Clinic

    names = sorted(Clinic.objects.values_list("name", flat=True))
    if name is not None:
        found = Clinic.objects.filter(name=name).first()
        if found is None:
            raise InvalidIntake(
                [Problem("--clinic", f"no clinic {name!r}; clinics: {', '.join(names) or 'none'}")]
            )
        return found
    if len(names) != 1:
        listed = ", ".join(repr(n) for n in names) if names else "none yet"
        raise InvalidIntake([Problem("--clinic", f"name the clinic to {doing}; clinics: {listed}")])
    return Clinic.objects.get()


@app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(metavar="FILE.zip", help="A zip made by export.")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check the zip and report its counts; import nothing.")
    ] = False,
) -> None:
    """Import an export into an empty installation: the same records, with new ids."""
    _django()
    _migrate()
    from backcare.records import importer

    done = importer.import_file(file, dry_run=dry_run)
    manifest = done.manifest
    for table, count in done.counts.items():
        typer.echo(f"{table:24} {count:>8}")
    verb = "Would import" if dry_run else "Imported"
    typer.echo(
        f"{verb} {sum(done.counts.values())} rows of {manifest['clinic']['name']!r}, exported "
        f"{manifest['created_at']} (knowledge {manifest['knowledge_version']}) from {file}."
    )
    if not dry_run:
        typer.echo("Accounts have no password yet: set one with 'backcare user passwd NAME'.")


@app.command("export-fhir")
def export_fhir_command(
    client: Annotated[int, typer.Argument(metavar="CLIENT_ID", help="The client's id.")],
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="The file to write (default: print it).")
    ] = None,
    clinic: Annotated[
        str | None, typer.Option(help="The clinic's name; needed when several exist.")
    ] = None,
) -> None:
    """Export one client as a FHIR R4 Bundle of JSON (docs/fhir.md); the same as `export fhir`."""
    _export_fhir(client, output, clinic)


def _export_fhir(client: int, output: Path | None, clinic: str | None) -> None:
    _django()
    from backcare.interop.fhir import bundle_for
    from backcare.records import audit, export

    found = export.scope_for(clinic=_clinic_named(clinic), client_id=client).client
    assert found is not None
    text = json.dumps(bundle_for(found), indent=2, ensure_ascii=False) + "\n"
    audit.record(user=None, action="client.export_fhir", client=found, target="command line")
    if output is None:
        typer.echo(text, nl=False)
        return
    output.touch(mode=0o600)
    output.write_text(text, encoding="utf-8")
    typer.echo(
        f"Exported {found} as a FHIR R4 Bundle to {output} (mode 600: it holds health data)."
    )


@app.command("import-fhir")
def import_fhir_command(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="A FHIR R4 Bundle as JSON.")],
    clinic: Annotated[
        str | None, typer.Option(help="The clinic's name; needed when several exist.")
    ] = None,
) -> None:
    """Create a client from a FHIR R4 Bundle: its intake is read and assessed (docs/fhir.md)."""
    from backcare.interop.fhir.read import MAX_BYTES, load_json

    try:
        with file.open("rb") as stream:
            raw = stream.read(MAX_BYTES + 1)
    except OSError as error:
        raise InvalidIntake([Problem(str(file), f"cannot read it: {error.strerror}")]) from None
    bundle = load_json(raw, name=str(file))
    _django()
    _migrate()
    from backcare.interop.fhir.importing import import_bundle

    done = import_bundle(
        clinic=_clinic_named(clinic, "import into"), user=None, bundle=bundle, today=date.today()
    )
    typer.echo(
        f"Created client {done.client.pk} ({done.client}): decision "
        f"{done.assessment.decision}, {len(done.assessment.result['findings'])} findings."
    )
    for left in done.unmapped:
        typer.echo(f"Not read: {left.resource}: {left.why}")


def _read_password(from_stdin: bool) -> str:
    """A new password: one line of standard input (for scripts), or typed twice at a prompt."""
    import getpass

    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    password = getpass.getpass("Password: ")
    if getpass.getpass("Password again: ") != password:
        raise InvalidIntake([Problem("password", "the two passwords differ")])
    return password


PasswordStdin = Annotated[
    bool, typer.Option("--password-stdin", help="Read the password from standard input.")
]
UserName = Annotated[str, typer.Argument(metavar="NAME", help="The user name.")]


def _account(username: str) -> Any:
    _django()
    _migrate()
    from backcare.records import user_admin

    return user_admin.find(actor=None, username=username)


audit_app = typer.Typer(help="Check the audit trail.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")


@audit_app.command("verify")
def audit_verify(
    clinic: Annotated[
        int | None, typer.Option(help="Check only this clinic's trail (its id).")
    ] = None,
    anchor: Annotated[
        str | None,
        typer.Option(
            metavar="NUMBER:HASH",
            help="A head printed by an earlier verify (with --clinic): it must still be there.",
        ),
    ] = None,
) -> None:
    """Walk each clinic's chain of audit events; exit 1 at a broken link or missing guard."""
    _django()
    from backcare.records import verify

    whole = True
    pinned = verify.Anchor.parse(anchor) if anchor is not None else None
    for report in verify.verify(clinic_id=clinic, anchor=pinned):
        name = f"clinic {report.clinic_id} ({report.clinic})" if report.clinic_id else report.clinic
        if report.broken is None:
            head = f"; head {report.head[0]}:{report.head[1][:16]}" if report.head else ""
            typer.echo(f"{name}: {report.checked} events, chain whole{head}")
            continue
        whole, link = False, report.broken
        when = f"{link.at:%Y-%m-%d %H:%M:%S} UTC" if link.at else "no time"
        typer.echo(
            f"{name}: BROKEN at event {link.seq} (id {link.pk}, {when}),"
            f" after {report.checked} good events: {link.problem}"
        )
    unguarded = verify.unguarded_tables()
    if unguarded:
        whole = False
        typer.echo(
            f"guards missing: the database no longer refuses changes to {', '.join(unguarded)}"
        )
    if not whole:
        raise typer.Exit(1)


@user_app.command("create")
def user_create(
    username: Annotated[str, typer.Argument(help="The new user name.")],
    clinic: Annotated[str, typer.Option(help="Clinic name: an existing clinic, or a new one.")],
    role: Annotated[str, typer.Option(help="admin or therapist.")] = "therapist",
    email: Annotated[str, typer.Option(help="Email address.")] = "",
    full_name: Annotated[str, typer.Option(help="First and last name.")] = "",
    password_stdin: PasswordStdin = False,
) -> None:
    """Create an account (the first one for a new clinic should be an admin)."""
    _django()
    _migrate()
    from backcare.records import accounts
    from backcare.records.models import Clinic, User

    if role not in (User.Role.ADMIN, User.Role.THERAPIST):
        raise InvalidIntake(
            [Problem("--role", f"{role!r} is not allowed; allowed: admin, therapist")]
        )
    password = _read_password(password_stdin)
    home, _ = Clinic.objects.get_or_create(name=clinic)
    user = accounts.create_user(
        clinic=home,
        username=username,
        password=password,
        role=role,
        email=email,
        full_name=full_name,
    )
    typer.echo(f"Created {user.role} '{user.username}' in clinic '{home.name}'.")


@user_app.command("list")
def user_list(
    clinic: Annotated[str | None, typer.Option(help="Only this clinic's users (its name).")] = None,
) -> None:
    """List the accounts: clinic, role, last sign-in, active, second factor."""
    _django()
    _migrate()
    from backcare.records.models import Clinic, User
    from backcare.records.second_factor import with_second_factor_flag
    from backcare.terminal import print_users

    found = User.objects.select_related("clinic").order_by("clinic__name", "username")
    if clinic is not None:
        if not Clinic.objects.filter(name=clinic).exists():
            names = ", ".join(Clinic.objects.order_by("name").values_list("name", flat=True))
            raise InvalidIntake(
                [Problem("--clinic", f"no clinic named {clinic!r}; clinics: {names or 'none'}")]
            )
        found = found.filter(clinic__name=clinic)
    print_users(with_second_factor_flag(found))


@user_app.command("deactivate")
def user_deactivate(username: UserName) -> None:
    """Stop an account: it is signed out at once and cannot sign in (reversible: activate)."""
    from backcare.records import user_admin

    user_admin.set_active(actor=None, account=_account(username), active=False)
    typer.echo(f"Deactivated '{username}'; their sessions ended.")


@user_app.command("activate")
def user_activate(username: UserName) -> None:
    """Let a deactivated account sign in again."""
    from backcare.records import user_admin

    user_admin.set_active(actor=None, account=_account(username), active=True)
    typer.echo(f"'{username}' is active again.")


@user_app.command("passwd")
def user_passwd(username: UserName, password_stdin: PasswordStdin = False) -> None:
    """Set a new password for an account (its sessions end; a lockout is lifted)."""
    from backcare.records import user_admin

    account = _account(username)
    user_admin.set_password(actor=None, account=account, password=_read_password(password_stdin))
    typer.echo(f"Password of '{username}' changed; their sessions ended.")


@user_app.command("reset-second-factor")
def user_reset_second_factor(username: UserName) -> None:
    """Remove an account's authenticator (a lost phone): it signs in with the password alone."""
    from backcare.records import user_admin

    had = user_admin.reset_second_factor(actor=None, account=_account(username))
    typer.echo(
        f"Second factor of '{username}' removed." if had else f"'{username}' had no second factor."
    )


@app.command()
def report(
    client_id: Annotated[int, typer.Argument(metavar="CLIENT_ID", help="The client's number.")],
    by: Annotated[
        str, typer.Option("--by", help="User name of the therapist who signs (their clinic's).")
    ],
    pdf: Annotated[Path | None, typer.Option("--pdf", help="Write the report as PDF.")] = None,
    html: Annotated[Path | None, typer.Option("--html", help="Write the report as HTML.")] = None,
) -> None:
    """The physician progress report of a client, as PDF and/or HTML (the view is audited)."""
    if pdf is None and html is None:
        raise InvalidIntake([Problem("--pdf", "say where to write the report: --pdf or --html")])
    _django()
    from backcare.records.models import User
    from backcare.records.report import progress_report
    from backcare.reports import progress

    signer = User.objects.filter(username=by, clinic__isnull=False).first()
    if signer is None:
        raise InvalidIntake([Problem("--by", f"no clinic user {by!r}")])
    made = "PDF" if pdf is not None else "HTML"
    found = progress_report(
        user=signer, client_id=client_id, today=date.today(), purpose=f"progress report ({made})"
    )
    if pdf is not None:
        _write(pdf, "--pdf", progress.pdf(found))
    if html is not None:
        _write(html, "--html", progress.html(found).encode())


def _write(target: Path, option: str, content: bytes) -> None:
    try:
        target.write_bytes(content)
    except OSError as error:
        raise InvalidIntake([Problem(option, f"cannot write {target}: {error.strerror}")]) from None
    typer.echo(f"Wrote {target}")


token_app = typer.Typer(help="Manage API tokens (docs/api.md).", no_args_is_help=True)
app.add_typer(token_app, name="token")


@token_app.command("create")
def token_create(
    username: UserName,
    scope: Annotated[str, typer.Option(help="read, or write (read and write).")] = "read",
    days: Annotated[int | None, typer.Option(help="Days until it expires.")] = None,
    name: Annotated[str, typer.Option(help="What the token is for.")] = "command line",
) -> None:
    """Make an API token for an account and print it (shown this once; only its hash is kept)."""
    account = _account(username)  # Django set up first
    from backcare import config
    from backcare.records import api_tokens

    token, secret = api_tokens.issue(
        user=account, name=name, scope=scope, days=config.api_token_days() if days is None else days
    )
    typer.echo(secret)
    typer.echo(
        f"{token.scope} token {token.prefix} of '{username}', expires {token.expires_at:%Y-%m-%d}",
        err=True,
    )


@token_app.command("revoke")
def token_revoke(
    prefix: Annotated[
        str, typer.Argument(metavar="TOKEN", help="The token, or its prefix (the part after bc_).")
    ],
) -> None:
    """Revoke an API token for good."""
    _django()
    _migrate()
    from backcare.records import api_tokens

    parts = prefix.strip().split("_")
    token = api_tokens.find(prefix=parts[1] if len(parts) > 1 else parts[0])
    done = api_tokens.revoke(token=token, actor=None)
    state = "revoked" if done else "was revoked already"
    typer.echo(f"Token {token.prefix} of '{token.user.username}' {state}.")


def main() -> None:
    """Entry point: typer handles usage errors (exit 2); backcare's own errors exit 2 here."""
    try:
        app(prog_name="backcare")
    except InvalidIntake as error:
        for problem in error.problems:
            typer.echo(f"error: {problem}", err=True)
        raise SystemExit(2) from None
    except BackcareError as error:
        typer.echo(f"error: {error}", err=True)
        raise SystemExit(2) from None
    except Exception as error:  # the last line of defence: no traceback reaches a user
        if os.environ.get("BACKCARE_DEBUG"):
            raise
        typer.echo(
            f"internal error: {type(error).__name__}: {error} (set BACKCARE_DEBUG=1 for details)",
            err=True,
        )
        raise SystemExit(1) from None


cds_app = typer.Typer(help="Manage who may call the CDS Hooks service.", no_args_is_help=True)
app.add_typer(cds_app, name="cds")
Issuer = Annotated[str, typer.Argument(metavar="ISSUER", help="The tokens' iss claim.")]


@cds_app.command("trust")
def cds_trust(
    issuer: Issuer,
    key: Annotated[
        Path, typer.Option("--key", metavar="FILE", help="Public key: PEM, JWK or JWK Set.")
    ],
    clinic: Annotated[str, typer.Option(help="The clinic its calls belong to.")],
) -> None:
    """Trust an issuer's signed tokens (ES384 or RS384), for one clinic."""
    _django()
    _migrate()
    from backcare.records import cds_clients

    try:
        text = key.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidIntake([Problem("--key", f"cannot read {key}: {error}")]) from None
    cds_clients.trust(issuer=issuer, key=text, clinic=_clinic_named(clinic))
    typer.echo(f"Trusted {issuer} for clinic {clinic!r}.")


@cds_app.command("list")
def cds_list() -> None:
    """The trusted issuers and their clinics."""
    _django()
    _migrate()
    from backcare.records import cds_clients

    found = cds_clients.trusted()
    for issuer in found:
        typer.echo(f"{issuer.issuer}\t{issuer.clinic.name}\tsince {issuer.added_at:%Y-%m-%d}")
    if not found:
        typer.echo("No trusted issuers: add one with 'backcare cds trust ISSUER --key FILE'.")


@cds_app.command("untrust")
def cds_untrust(issuer: Issuer) -> None:
    """Stop trusting an issuer; its next call is refused."""
    _django()
    _migrate()
    from backcare.records import cds_clients

    cds_clients.untrust(issuer=issuer)
    typer.echo(f"No longer trusting {issuer}.")

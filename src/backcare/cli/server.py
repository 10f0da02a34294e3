"""``backcare serve``, ``check`` and ``demo``: the web app run, the installation checked, the
demo clinic added."""

from __future__ import annotations

import errno
import gc
import os
import socket
from typing import Annotated

import typer

from backcare.cli.database import django_setup, migrate, sqlite_file
from backcare.errors import BackcareError


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
    _check_free(host, port)  # before the start's work, not after it
    django_setup()
    from django.conf import settings
    from waitress.server import create_server

    from backcare import data_at_rest, setup_token
    from backcare.cli import static
    from backcare.records import accounts

    migrate()
    static.collect()
    from backcare.web.wsgi import application  # after collecting: WhiteNoise indexes at start

    for path, mode in data_at_rest.tighten(config.data_dir(), sqlite_file(settings)):
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
        raise _cannot_listen(host, port, error) from None
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


def _check_free(host: str, port: int) -> None:
    """Refuse at once an address another program listens on: binding to it as the server will
    (address reuse on, as waitress sets it) fails the same way."""
    try:
        addresses = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except OSError:
        return  # an unknown host: the server's own start says so
    for family, kind, proto, _, address in addresses:
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:
                probe.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            try:
                probe.bind(address)
            except OSError as error:
                if error.errno == errno.EADDRINUSE:  # any other failure: the server's start says so
                    raise _cannot_listen(host, port, error) from None


def _cannot_listen(host: str, port: int, error: OSError) -> BackcareError:
    return BackcareError(
        f"cannot listen on {host}:{port} ({error.strerror}); is backcare already running? "
        "Choose another port with --port"
    )


def worker_threads() -> int:
    """Two worker threads a processor core, at most 8: a request spends part of its time
    waiting on the database, when another can run; more threads than that only share the
    same cores and make every request slower (bench/bench_pages.py: 8 threads on 2 cores
    served no page faster than 4, docs/performance.md)."""
    return min(8, 2 * (os.cpu_count() or 1))


def check(
    deploy: Annotated[
        bool, typer.Option("--deploy", help="Check the settings for running in production.")
    ] = False,
) -> None:
    """Check the installation; with --deploy, report every setting unsafe for production."""
    django_setup()
    from django.conf import settings
    from django.core.management import call_command

    from backcare import deploy_check

    call_command("check", verbosity=0)  # Django's own checks: models, URLs, settings
    found = deploy_check.problems(settings, sqlite_file=sqlite_file(settings)) if deploy else []
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
    django_setup()
    migrate()
    _print_demo()
    if clients:
        from backcare.records import demo as demo_data
        from backcare.records import demo_crowd
        from backcare.records.models import Client, Clinic

        clinic = Clinic.objects.get(name=demo_data.CLINIC)
        added = demo_crowd.grow(clinic=clinic, clients=clients)
        total = Client.objects.filter(clinic=clinic).count()
        typer.echo(f"Added {added} clients; the demo clinic has {total}.")

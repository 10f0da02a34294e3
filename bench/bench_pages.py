"""Benchmark: the main pages over HTTP against a signed-in hello-world page on the same server
(`backcare serve`, waitress, SQLite), in the same run, with several client threads, for the
demo clinic as it is and grown to thousands of clients. Prints figures and ratios; it passes or
fails nothing.

    .venv/bin/python bench/bench_pages.py [--clients 5000] [--threads 8] [--seconds 4]

Each page is measured in turns of half a second with hello world, and its share is of the hello
world measured in those turns. Targets: every page at least 50% of hello world's requests/s;
the dashboard at the large clinic at most twice its time at the small one. "+ audit row" is
hello world writing the audit row every page view writes: no page can be faster than it.

Pages are kept (whole, or their slow figures) until something is saved, so each page is also
measured at the first view after a save: each client thread saves (bench/pages_urls.py, not
timed) before each view, and the rate is that of the views alone (the threads' time in them),
with the server also busy with the saves of the other threads.

The small clinic is the demo clinic as it is (35 clients: 20 in care and 15 with courses from
earlier months, which the outcomes page and the expected course need).
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pages_main

ROOT = Path(__file__).resolve().parents[1]
BACKCARE = ROOT / ".venv" / "bin" / "backcare"
SAVE = "/bench/saved/"


@dataclass
class Figures:
    rate: float  # requests a second
    p50: float  # ms
    p99: float  # ms
    errors: int


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _load(
    port: int, url: str, cookie: str, threads: int, seconds: float, *, before: str = ""
) -> Figures:
    """``threads`` clients each asking for ``url`` over one kept-alive connection, each
    request after one for ``before`` when given (not timed: the rate is then that of the
    requests for ``url`` alone, from the threads' time in them)."""
    times: list[float] = []
    errors = [0]
    stop = time.perf_counter() + seconds
    lock = threading.Lock()

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        mine, bad = [], 0
        while time.perf_counter() < stop:
            if before:
                conn.request("GET", before, headers={"Cookie": cookie})
                bad += conn.getresponse().read() != b"Saved"
            start = time.perf_counter()
            conn.request("GET", url, headers={"Cookie": cookie})
            response = conn.getresponse()
            response.read()
            mine.append(time.perf_counter() - start)
            bad += response.status != 200
        conn.close()
        with lock:
            times.extend(mine)
            errors[0] += bad

    started = time.perf_counter()
    workers = [threading.Thread(target=client) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    wall = time.perf_counter() - started
    times.sort()
    return Figures(
        len(times) / (sum(times) / threads if before else wall),
        statistics.median(times) * 1000,
        times[min(len(times) - 1, int(len(times) * 0.99))] * 1000,
        errors[0],
    )


def _beside(
    port: int, hello: str, url: str, cookie: str, threads: int, seconds: float
) -> tuple[Figures, Figures, Figures]:
    """Hello world, the page, and the page's first view after a save, in turns of half a
    second, ``seconds`` each in all: the load of the machine, shared with other work, changes
    alike for all three."""
    turns = max(1, round(seconds / 0.5))
    runs = [
        _load(port, address, cookie, threads, seconds / turns, before=before)
        for _ in range(turns)
        for address, before in ((hello, ""), (url, ""), (url, SAVE))
    ]
    return _together(runs[0::3]), _together(runs[1::3]), _together(runs[2::3])


def _together(runs: list[Figures]) -> Figures:
    """The figures of several runs of the same length as one run (percentiles: the runs')."""
    return Figures(
        statistics.fmean(r.rate for r in runs),
        statistics.median(r.p50 for r in runs),
        max(r.p99 for r in runs),
        sum(r.errors for r in runs),
    )


def _prepare(home: str, clients: int) -> dict[str, str]:
    """Build the demo clinic (grown to ``clients`` when above its size) and return a signed-in
    session cookie and the addresses to measure."""
    env = {**os.environ, "BACKCARE_HOME": home}
    command = [str(BACKCARE), "demo", *(["--clients", str(clients)] if clients else [])]
    subprocess.run(command, env=env, check=True, capture_output=True)
    script = """
import django, json
django.setup()
from django.conf import settings
from django.test import Client
from backcare.records import demo
from backcare.records.models import Client as Person, User
browser = Client()
browser.force_login(User.objects.get(username=demo.THERAPIST))
person = Person.objects.filter(last_name="Hughes").order_by("pk").first()
print(json.dumps({"cookie": f"{settings.SESSION_COOKIE_NAME}="
    + browser.cookies[settings.SESSION_COOKIE_NAME].value, "person": person.pk,
    "count": Person.objects.count()}))
"""
    out = subprocess.run(
        [sys.executable, "-c", script],
        env={**env, "DJANGO_SETTINGS_MODULE": "bench.pages_settings", "PYTHONPATH": str(ROOT)},
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    import json

    found: dict[str, str] = json.loads(out.strip().splitlines()[-1])
    return found


def _serve(home: str, port: int, threads: int | None) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "BACKCARE_HOME": home,
        "DJANGO_SETTINGS_MODULE": "bench.pages_settings",
        "PYTHONPATH": str(ROOT),
    }
    extra = ["--threads", str(threads)] if threads else []
    server = subprocess.Popen(
        [str(BACKCARE), "serve", "--port", str(port), *extra],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(Path(home) / "server.log", "wb"),  # noqa: SIM115
    )
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=2).request("GET", "/login/")
            return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit("the server did not start")


def _alerts_kind(port: int, cookie: str) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request("GET", "/", headers={"Cookie": cookie})
    html = conn.getresponse().read().decode()
    counts = re.findall(r'<h3 id="kind-([a-z]+)">[^<]*\((\d+)\)</h3>', html)
    return max(counts, key=lambda kc: int(kc[1]))[0] if counts else "measure"


def run(
    clients: int, threads: int, seconds: float, server_threads: int | None
) -> dict[str, tuple[Figures, Figures, Figures]]:
    """Each page's figures, with those of hello world measured in turns with it and those of
    its first view after a save."""
    home = tempfile.mkdtemp(prefix="backcare-bench-pages-")
    started = time.perf_counter()
    found = _prepare(home, clients)
    print(f"\n{found['count']} clients (built in {time.perf_counter() - started:.0f} s)")
    port = _free_port()
    server = _serve(home, port, server_threads)
    try:
        cookie, person = found["cookie"], int(found["person"])
        pages = pages_main.addresses(person=person, alerts_kind=_alerts_kind(port, cookie))
        results = {}
        for name, url in pages.items():
            _load(port, url, cookie, threads, 0.5)  # warm up
            hello, figures, fresh = _beside(
                port, pages["hello world"], url, cookie, threads, seconds
            )
            results[name] = (hello, figures, fresh)
            errors = figures.errors + fresh.errors
            print(
                f"  {name:14s} {figures.rate:7.1f} req/s ({figures.rate / hello.rate:4.0%} of "
                f"hello world's {hello.rate:5.1f})  p50 {figures.p50:7.1f} ms  p99 "
                f"{figures.p99:7.1f} ms; after a save {fresh.rate:7.1f} req/s "
                f"({fresh.rate / hello.rate:4.0%})  p50 {fresh.p50:7.1f} ms"
                + (f"  {errors} errors" if errors else "")
            )
        return results
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=5000)
    parser.add_argument("--threads", type=int, default=8, help="client threads")
    parser.add_argument("--seconds", type=float, default=4)
    parser.add_argument("--server-threads", type=int, default=None)
    args = parser.parse_args()
    small = run(0, args.threads, args.seconds, args.server_threads)
    large = run(args.clients, args.threads, args.seconds, args.server_threads)
    (small_hello, small_board, _), (large_hello, large_board, _) = (
        small["dashboard"],
        large["dashboard"],
    )
    ratio = large_board.p50 / small_board.p50
    # the two runs are minutes apart on a shared machine: each p50 as a multiple of the hello
    # world measured in turns with it takes out a change of load between them
    anchored = ratio * small_hello.p50 / large_hello.p50
    print(
        f"\ndashboard p50 at {args.clients} clients: {ratio:.1f}x its p50 at the demo's size"
        f" ({anchored:.1f}x, each against the hello world measured with it)"
    )


if __name__ == "__main__":
    main()

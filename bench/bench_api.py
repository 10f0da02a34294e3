"""Benchmark: POST /api/v1/assess against the API's lightest call, GET /api/v1/token (the
token checked, nothing else: the anchor), on one server in one run. The real server
(``backcare serve``: waitress, SQLite in a temporary directory, or with ``--postgres URL`` a
database of its own on that PostgreSQL server, dropped afterwards), several client threads on
kept-alive connections. The two calls take turns in ``--rounds`` short slices, so a machine
that other work slows down for a while slows both alike. Prints requests per second, p50 and
p99 latency of each and the ratio; it passes or fails nothing. The target: assess keeps at
least 70% of the anchor's throughput.

    .venv/bin/python bench/bench_api.py [--seconds 5] [--rounds 5] [--threads 4]
        [--intake FILE] [--postgres URL]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import yaml

ROOT = Path(__file__).resolve().parents[1]
BACKCARE = [sys.executable, "-m", "backcare"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def run(env: dict[str, str], *args: str, stdin: str = "") -> str:
    done = subprocess.run(
        [*BACKCARE, *args], env=env, input=stdin, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def measure(
    port: int, method: str, path: str, body: bytes | None, token: str, seconds: float, threads: int
) -> tuple[float, list[float]]:
    """Requests per second and each request's latency, ``threads`` clients for ``seconds``."""
    latencies: list[float] = []
    lock = threading.Lock()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    stop = time.perf_counter() + seconds

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        while time.perf_counter() < stop:
            start = time.perf_counter()
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            assert response.status == 200, (path, response.status)
            mine.append(time.perf_counter() - start)
        connection.close()
        with lock:
            latencies.extend(mine)

    started = time.perf_counter()
    workers = [threading.Thread(target=client) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return len(latencies) / (time.perf_counter() - started), latencies


def cpu_seconds(pid: int) -> float:
    """The processor time (user and system) the process has used so far; 0 where /proc is not."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def p(latencies: list[float], share: float) -> float:
    ordered = sorted(latencies)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000


@contextmanager
def database(postgres: str | None) -> Iterator[dict[str, str]]:
    """The environment for a database of the run's own: SQLite in the data directory, or a
    PostgreSQL database created on the server ``postgres`` names and dropped afterwards."""
    if not postgres:
        yield {}
        return
    import psycopg

    name = f"backcare_bench_api_{os.getpid()}"
    with psycopg.connect(postgres, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        url = urlunsplit(urlsplit(postgres)._replace(path=f"/{name}"))
        yield {"BACKCARE_DATABASE_URL": url}
    finally:
        with psycopg.connect(postgres, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main(seconds: float, rounds: int, threads: int, intake: Path, postgres: str | None) -> None:
    with database(postgres) as chosen:
        env = {
            **os.environ,
            "BACKCARE_HOME": tempfile.mkdtemp(prefix="backcare-bench-"),
            "BACKCARE_API_RATE": "100000/s",  # the limit is not what is measured
            "PYTHONPATH": str(ROOT / "src"),
            **chosen,
        }
        print(f"database: {'PostgreSQL' if postgres else 'SQLite (synchronous=FULL)'}")
        serve_and_measure(env, seconds, rounds, threads, intake)


def serve_and_measure(
    env: dict[str, str], seconds: float, rounds: int, threads: int, intake: Path
) -> None:
    run(env, "user", "create", "timer", "--clinic", "Bench", "--role", "admin",
        "--password-stdin", stdin="timing-only-passphrase-93\n")  # fmt: skip
    token = run(env, "token", "create", "timer", "--days", "1", "--name", "bench")
    port = free_port()
    server = subprocess.Popen(
        [*BACKCARE, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.time() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.time() > deadline or server.poll() is not None:
                    raise SystemExit("the server did not start") from None
                time.sleep(0.2)
        body = json.dumps(yaml.safe_load(intake.read_text()), default=str).encode()
        calls = {
            "GET /api/v1/token (anchor)": ("GET", "/api/v1/token", None),
            "POST /api/v1/assess": ("POST", "/api/v1/assess", body),
        }
        for method, path, sent in calls.values():  # warm up: imports, the knowledge base
            measure(port, method, path, sent, token, 1.0, threads)
        spent, cpu = dict.fromkeys(calls, 0.0), dict.fromkeys(calls, 0.0)
        latencies: dict[str, list[float]] = {name: [] for name in calls}
        for _ in range(rounds):
            for name, (method, path, sent) in calls.items():
                before = cpu_seconds(server.pid)
                rate, taken = measure(port, method, path, sent, token, seconds / rounds, threads)
                cpu[name] += cpu_seconds(server.pid) - before
                spent[name] += len(taken) / rate
                latencies[name] += taken
        rates = {name: len(latencies[name]) / spent[name] for name in calls}
        for name, rate in rates.items():
            taken = latencies[name]
            print(
                f"{name:28s} {rate:7.1f} req/s  p50 {p(taken, 0.5):6.1f} ms  "
                f"p99 {p(taken, 0.99):6.1f} ms  mean {statistics.mean(taken) * 1000:.1f} "
                f"ms  server CPU {cpu[name] / len(taken) * 1000:.1f} ms a request  "
                f"({len(taken)} requests, {threads} threads, {rounds} rounds)"
            )
        anchor, assess = rates.values()
        print(f"assess / anchor throughput: {assess / anchor:.0%} (target: at least 70%)")
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument(
        "--intake",
        type=Path,
        default=ROOT / "tests" / "golden" / "intakes" / "heparin-and-bruise.yaml",
    )
    parser.add_argument("--postgres", metavar="URL", help="a PostgreSQL server to measure on")
    options = parser.parse_args()
    main(options.seconds, options.rounds, options.threads, options.intake, options.postgres)

"""A server killed outright (SIGKILL: no clean-up, as in a power cut or the out-of-memory killer)
in the middle of a burst of saves loses none that it acknowledged, and its SQLite database is
whole when it starts again. It runs ``backcare serve`` as a real process on its own data
directory (SQLite), like the other serve tests here: it needs no shared database."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests import homes
from tests.integration.test_concurrency import Therapist

BROWSERS = 3
KILL_AFTER = 20  # acknowledged saves before the kill: the burst is well under way


USER, PASSWORD = "kim", "a-long-kill-test-password-7"
BACKCARE = [sys.executable, "-m", "backcare"]


def _env(home: Path) -> dict[str, str]:
    env = {**os.environ, "BACKCARE_HOME": str(home)}
    env.pop("BACKCARE_DATABASE_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def make_account(home: Path) -> None:
    subprocess.run(
        [*BACKCARE, "user", "create", USER, "--clinic", "Kill clinic", "--password-stdin"],
        input=f"{PASSWORD}\n",
        env=_env(home),
        text=True,
        capture_output=True,
        check=True,
        timeout=60,
    )


@contextmanager
def serving(home: Path, port: int) -> Iterator[subprocess.Popen[bytes]]:
    env = _env(home)
    with (home / "server.log").open("a") as log:
        process = subprocess.Popen(
            [*BACKCARE, "serve", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=2)
                    break
                except OSError:
                    assert process.poll() is None, (home / "server.log").read_text()
                    assert time.monotonic() < deadline, "backcare serve did not start"
                    time.sleep(0.2)
            yield process
        finally:
            if process.poll() is None:
                process.terminate()
            process.wait(timeout=15)


def test_every_save_acknowledged_before_a_kill_is_there_after_the_restart(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    acknowledged: list[str] = []
    answered: list[int] = []
    lock = threading.Lock()
    enough = threading.Event()

    homes.copy_into(tmp_path)
    make_account(tmp_path)
    with serving(tmp_path, port) as server:
        browsers = [Therapist(base, USER, PASSWORD, "/clients/new/") for _ in range(BROWSERS)]

        def burst(number: int) -> None:
            for save in range(10_000):
                name = f"Kill{number}x{save}"
                try:
                    status, _ = browsers[number].post(
                        "/clients/new/", {"first_name": name, "last_name": "Burst"}
                    )
                except OSError:  # the server is gone: this save was never acknowledged
                    return
                with lock:
                    answered.append(status)
                    if status == 302:
                        acknowledged.append(name)
                    if len(acknowledged) >= KILL_AFTER:
                        enough.set()

        threads = [threading.Thread(target=burst, args=(n,)) for n in range(BROWSERS)]
        for thread in threads:
            thread.start()
        assert enough.wait(60), f"only {len(acknowledged)} saves in a minute: {answered[-5:]}"
        os.kill(server.pid, signal.SIGKILL)
        for thread in threads:
            thread.join(60)

    assert set(answered) == {302}, "every save answered before the kill was a success"
    with serving(tmp_path, port):  # starts again on the same data directory
        restarted = Therapist(base, USER, PASSWORD, "/clients/")
        status, page = restarted.post("/clients/new/", {"first_name": "After", "last_name": "Kill"})
        assert status == 302, page[:300]

    database = sqlite3.connect(tmp_path / "backcare.sqlite3")
    try:
        assert database.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        kept = {row[0] for row in database.execute("SELECT first_name FROM records_client")}
    finally:
        database.close()
    assert set(acknowledged) <= kept
    assert "After" in kept

"""``backcare serve`` as docs/deploy.md runs it (SQLite here): a trusted proxy, private data files
and the one-time setup link."""

from __future__ import annotations

import http.client
import os
import re
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

HOST = "clinic.example"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def get(port: int, path: str, headers: dict[str, str]) -> http.client.HTTPResponse:
    """One request; the first one a server answers loads its pages, which a busy machine can
    take many seconds to do."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", path, headers={"Host": HOST, **headers})
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, Path, str]]:
    """The server's port, data directory and what it printed until it was ready."""
    home = tmp_path_factory.mktemp("serve") / "home"
    (home / "documents").mkdir(parents=True)
    (home / "documents" / "letter.pdf").write_bytes(b"%PDF-1.4")
    (home / "documents" / "letter.pdf").chmod(0o644)
    home.chmod(0o755)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    base = {k: v for k, v in os.environ.items() if not k.startswith(("BACKCARE_", "DJANGO_"))}
    env = {
        **base,
        "PYTHONUNBUFFERED": "1",
        "BACKCARE_HOME": str(home),
        "BACKCARE_ALLOWED_HOSTS": HOST,
        "BACKCARE_TRUSTED_PROXY": "127.0.0.1",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "backcare", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    printed = ""
    deadline = time.monotonic() + 90
    while "backcare is running" not in printed:
        line = process.stdout.readline()
        if not line or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"backcare serve did not start:\n{printed}")
        printed += line
    yield port, home, printed
    process.terminate()
    process.wait(timeout=15)
    process.stdout.close()


def test_serve_makes_the_data_private_and_keeps_it_so(served):
    port, home, printed = served
    assert f"Made {home} private (mode 755 -> 700)" in printed
    assert f"Made {home / 'documents' / 'letter.pdf'} private (mode 644 -> 600)" in printed
    get(port, "/login/", {})  # the database is written to (a session, a CSRF check)
    for name in ["backcare.sqlite3", "secret_key", "setup_token"]:
        assert mode(home / name) == 0o600, name
    journal = [home / "backcare.sqlite3-wal", home / "backcare.sqlite3-shm"]
    assert [mode(path) for path in journal if path.exists()] == [0o600] * 2
    assert mode(home) == 0o700


def test_behind_the_proxy_the_first_account_needs_the_printed_one_time_link(served):
    port, _, printed = served
    found = re.search(r"/setup/\?token=([\w-]+)", printed)
    assert found, printed
    through_proxy = {"X-Forwarded-For": "127.0.0.1", "X-Forwarded-Proto": "https"}
    assert get(port, "/setup/", {}).status == 403
    assert get(port, "/setup/", through_proxy).status == 403
    assert get(port, f"/setup/?token={found.group(1)}", through_proxy).status == 200


def test_behind_the_proxy_https_is_known_from_the_proxy(served):
    port, _, _ = served
    secure = get(port, "/login/", {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"})
    assert secure.getheader("Strict-Transport-Security") == "max-age=31536000"
    assert "Secure" in (secure.getheader("Set-Cookie") or "")
    assert get(port, "/login/", {}).getheader("Strict-Transport-Security") is None

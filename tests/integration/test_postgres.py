"""The same records and pages work on PostgreSQL: the web and integration suites run again,
in a child pytest, against the server that BACKCARE_TEST_DATABASE_URL names. The child starts
as soon as the suite is collected and is waited for by the last test, so the two runs share the
machine's cores instead of taking turns."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

URL = os.environ.get("BACKCARE_TEST_DATABASE_URL")
ROOT = Path(__file__).resolve().parents[2]


WANTED = bool(URL) and not os.environ.get("BACKCARE_DATABASE_URL", "").startswith("postgres")
# The suite's shared directory (tests/conftest.py makes it once, before any worker starts): the
# child's output and exit status go there, so whichever worker runs the test can wait for them.
SUITE_DIR = "BACKCARE_SUITE_DIR"
# Waiting on the child's files: one look this often, for at most this long.
POLL_SECONDS = 1.0
TIMEOUT_SECONDS = 1800


def _files() -> tuple[Path, Path, Path]:
    shared = Path(os.environ[SUITE_DIR])
    return shared / "postgres.started", shared / "postgres.log", shared / "postgres.rc"


def start() -> None:
    """Start the PostgreSQL run in the background (tests/conftest.py does, once the tests are
    collected), so that it runs beside the rest of the suite. Every test worker collects the
    suite; the first to claim the start file starts the run, the others leave it alone."""
    if not WANTED:
        return
    started, log, status = _files()
    try:
        os.close(os.open(started, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return
    env = {**os.environ, "BACKCARE_DATABASE_URL": URL or "", "BACKCARE_EXPECT_VENDOR": "postgresql"}
    for name in ("BACKCARE_HOME", "PYTEST_XDIST_WORKER", "PYTEST_XDIST_WORKER_COUNT"):
        env.pop(name, None)
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "--numprocesses=2",  # two workers, so that it ends as soon as the main run on two cores
        "--dist=worksteal",
        "tests/web",
        "tests/integration",
        f"--ignore={Path(__file__).relative_to(ROOT)}",  # this test itself
        "--ignore=tests/integration/test_backup.py",  # picks its own databases
        "--ignore=tests/integration/test_export.py",  # its own installations, on SQLite
        # The words a page shows do not depend on the database, and crawling the whole demo
        # clinic is the longest test of all; every URL of the app is still opened here, by
        # each role, in tests/web/test_authorization_matrix.py.
        "--deselect=tests/web/test_visible_text.py::"
        "test_no_page_of_the_demo_clinic_shows_an_internal_name",
    ]
    # The shell starts the run in the background and returns at once; the run writes its exit
    # status when it ends, even if the worker that started it has finished its share and gone.
    script = (
        'log=$1; status=$2; shift 2; ("$@" > "$log" 2>&1; '
        'echo $? > "$status.part"; mv "$status.part" "$status") < /dev/null &'
    )
    subprocess.run(
        ["sh", "-c", script, "sh", str(log), str(status), *command], cwd=ROOT, env=env, check=True
    )


@pytest.mark.skipif(
    not WANTED,
    reason="BACKCARE_TEST_DATABASE_URL is not set, so there is no PostgreSQL server to test "
    "against (CI sets it to the machine's server)",
)
def test_web_and_record_suites_pass_on_postgresql():
    start()  # already running when the whole suite was collected
    _, log, status = _files()
    deadline = time.monotonic() + TIMEOUT_SECONDS
    while not status.exists():
        assert time.monotonic() < deadline, f"the PostgreSQL run took over {TIMEOUT_SECONDS} s"
        time.sleep(POLL_SECONDS)
    returncode = int(status.read_text())
    text = log.read_text()
    tail = text[-6000:]
    assert returncode == 0, tail
    assert " passed" in text, tail

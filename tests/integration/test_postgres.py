"""The same records and pages work on PostgreSQL: the web and integration suites run again,
in a child pytest, against the server that BACKCARE_TEST_DATABASE_URL names. The child starts
as soon as the suite is collected and is waited for by the last test, so the two runs share the
machine's cores instead of taking turns."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

URL = os.environ.get("BACKCARE_TEST_DATABASE_URL")
ROOT = Path(__file__).resolve().parents[2]


WANTED = bool(URL) and not os.environ.get("BACKCARE_DATABASE_URL", "").startswith("postgres")
_child: dict[str, Any] = {}


def start() -> None:
    """Start the PostgreSQL run in the background (tests/conftest.py does, once the tests are
    collected), so that it runs on the second core beside the rest of the suite."""
    if not WANTED or _child:
        return
    env = {**os.environ, "BACKCARE_DATABASE_URL": URL or "", "BACKCARE_EXPECT_VENDOR": "postgresql"}
    env.pop("BACKCARE_HOME", None)
    output = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 (read and closed by the test)
    _child["output"] = output
    _child["process"] = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/web",
            "tests/integration",
            f"--ignore={Path(__file__).relative_to(ROOT)}",  # this test itself
            "--ignore=tests/integration/test_backup.py",  # picks its own databases
            "--ignore=tests/integration/test_export.py",  # its own installations, on SQLite
        ],
        cwd=ROOT,
        env=env,
        stdout=output,
        stderr=subprocess.STDOUT,
        text=True,
    )


@pytest.mark.skipif(
    not WANTED,
    reason="BACKCARE_TEST_DATABASE_URL is not set, so there is no PostgreSQL server to test "
    "against (CI sets it to the machine's server)",
)
def test_web_and_record_suites_pass_on_postgresql():
    start()  # already running when the whole suite was collected
    process, output = _child["process"], _child["output"]
    try:
        returncode = process.wait(timeout=1800)
    except subprocess.TimeoutExpired:
        process.kill()
        raise
    output.seek(0)
    text = output.read()
    output.close()
    tail = text[-6000:]
    assert returncode == 0, tail
    assert " passed" in text, tail

"""The same records and pages work on PostgreSQL: the web and integration suites run again,
in a child pytest, against the server that BACKCARE_TEST_DATABASE_URL names."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

URL = os.environ.get("BACKCARE_TEST_DATABASE_URL")
ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(
    not URL or os.environ.get("BACKCARE_DATABASE_URL", "").startswith("postgres"),
    reason="BACKCARE_TEST_DATABASE_URL is not set, so there is no PostgreSQL server to test "
    "against (CI sets it to the machine's server)",
)
def test_web_and_record_suites_pass_on_postgresql():
    env = {**os.environ, "BACKCARE_DATABASE_URL": URL or "", "BACKCARE_EXPECT_VENDOR": "postgresql"}
    env.pop("BACKCARE_HOME", None)
    result = subprocess.run(
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
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    tail = (result.stdout + result.stderr)[-6000:]
    assert result.returncode == 0, tail
    assert " passed" in result.stdout, tail

"""docs/deploy.md's example passes ``backcare check --deploy``, which names each unsafe setting."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "deploy.md"


def documented_environment() -> dict[str, str]:
    section = DOC.read_text(encoding="utf-8").split("## The environment", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block, "docs/deploy.md shows the environment in a sh block"
    pairs = (line.split("=", 1) for line in block.group(1).splitlines() if "=" in line)
    return {name.strip(): value.strip() for name, value in pairs}


def check_deploy(environment: dict[str, str], home: Path) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("BACKCARE_", "DJANGO_"))}
    return subprocess.run(
        [sys.executable, "-m", "backcare", "check", "--deploy"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**base, **environment, "BACKCARE_HOME": str(home)},
    )


def test_the_documented_deployment_has_no_unsafe_setting(tmp_path):
    environment = documented_environment()
    assert environment["BACKCARE_TRUSTED_PROXY"] == "127.0.0.1"
    assert environment["BACKCARE_DATABASE_URL"].startswith("postgresql://")
    result = check_deploy(environment, tmp_path / "home")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No unsafe setting found." in result.stdout


@pytest.mark.long
def test_check_deploy_names_every_unsafe_setting_and_exits_1(tmp_path):
    home = tmp_path / "home"
    (home / "documents").mkdir(parents=True)
    letter = home / "documents" / "letter.pdf"
    letter.write_bytes(b"%PDF-1.4")
    letter.chmod(0o644)
    home.chmod(0o755)
    result = check_deploy(
        {
            "BACKCARE_WEB_DEBUG": "1",
            "BACKCARE_ALLOWED_HOSTS": "*",
            "BACKCARE_SECRET_KEY": "changeme",
            "BACKCARE_INSECURE_COOKIES": "1",
            "BACKCARE_HSTS_SECONDS": "0",
            "BACKCARE_CSRF_TRUSTED_ORIGINS": "http://clinic.example",
        },
        home,
    )
    assert result.returncode == 1, result.stderr
    unsafe = [line for line in result.stdout.splitlines() if line.startswith("unsafe: ")]
    named = " ".join(unsafe)
    for expected in [
        "BACKCARE_WEB_DEBUG",
        "BACKCARE_ALLOWED_HOSTS",
        "BACKCARE_SECRET_KEY",
        "BACKCARE_TRUSTED_PROXY",
        "BACKCARE_INSECURE_COOKIES",
        "BACKCARE_HSTS_SECONDS",
        "BACKCARE_CSRF_TRUSTED_ORIGINS holds http://clinic.example",
        f"{home} is mode 755",
        f"{letter} is mode 644",
    ]:
        assert expected in named, (expected, unsafe)

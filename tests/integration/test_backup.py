"""``backcare backup`` and ``backcare restore`` as a user runs them: records made through the
services in one installation come back, the same, in another, on SQLite and on PostgreSQL."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PG_URL = os.environ.get("BACKCARE_TEST_DATABASE_URL")


def installation(home: Path, database_url: str | None = None) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("BACKCARE_", "DJANGO_"))
    }
    env.update(BACKCARE_HOME=str(home), BACKCARE_SECRET_KEY="backup-test-secret-key-0123456789")
    if database_url:
        env["BACKCARE_DATABASE_URL"] = database_url
    return env


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def records(env: dict[str, str], action: str) -> dict[str, object]:
    result = run(env, "-m", "tests.integration.backup_records", action)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


def round_trip(source: dict[str, str], target: dict[str, str], archive: Path) -> None:
    made = records(source, "make")
    assert made["clients"] == [["Ida", "Round"]]
    assert [i[0] for i in made["intakes"]] == [1, 2]
    assert len(made["documents"]) == 1

    backed_up = run(source, "-m", "backcare", "backup", str(archive))
    assert backed_up.returncode == 0, backed_up.stderr
    assert archive.stat().st_mode & 0o777 == 0o600
    restored = run(target, "-m", "backcare", "restore", str(archive))
    assert restored.returncode == 0, restored.stderr
    assert records(target, "show") == made
    letter = Path(target["BACKCARE_HOME"]) / "documents" / "clearances" / "2026" / "letter.pdf"
    assert letter.stat().st_mode & 0o777 == 0o600

    again = run(target, "-m", "backcare", "restore", str(archive))
    assert again.returncode == 2
    assert "already holds data (1 clinics, 1 users, 1 clients, 1 documents)" in again.stderr
    assert "--force" in again.stderr
    forced = run(target, "-m", "backcare", "restore", "--force", str(archive))
    assert forced.returncode == 0, forced.stderr
    assert records(target, "show") == made


def test_a_backup_restores_the_same_records_and_documents_on_sqlite(tmp_path):
    round_trip(
        installation(tmp_path / "first"), installation(tmp_path / "second"), tmp_path / "b.tgz"
    )


@pytest.fixture
def two_postgres_databases() -> Iterator[tuple[str, str]]:
    import psycopg

    assert PG_URL
    names = [f"backcare_backup_{os.getpid()}_{side}" for side in ("a", "b")]
    base = PG_URL.rsplit("/", 1)[0]
    with psycopg.connect(PG_URL, autocommit=True) as admin:
        for name in names:
            admin.execute(f"DROP DATABASE IF EXISTS {name}")
            admin.execute(f"CREATE DATABASE {name}")
        try:
            yield f"{base}/{names[0]}", f"{base}/{names[1]}"
        finally:
            for name in names:
                admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.mark.postgres
@pytest.mark.skipif(
    not PG_URL,
    reason="BACKCARE_TEST_DATABASE_URL is not set, so there is no PostgreSQL server to test "
    "against (CI sets it to the machine's server)",
)
def test_a_backup_restores_the_same_records_and_documents_on_postgresql(
    tmp_path, two_postgres_databases
):
    first, second = two_postgres_databases
    round_trip(
        installation(tmp_path / "first", first),
        installation(tmp_path / "second", second),
        tmp_path / "b.tgz",
    )


def test_a_damaged_or_foreign_archive_is_refused_and_nothing_is_restored(tmp_path):
    source, target = installation(tmp_path / "first"), installation(tmp_path / "second")
    records(source, "make")
    archive = tmp_path / "b.tgz"
    assert run(source, "-m", "backcare", "backup", str(archive)).returncode == 0

    damaged = tmp_path / "damaged.tgz"
    with tarfile.open(archive) as original, tarfile.open(damaged, "w:gz") as copy:
        for member in original.getmembers():
            data = original.extractfile(member)
            if member.name.startswith("documents/"):
                member.size = len(b"tampered")
                data = io.BytesIO(b"tampered")
            copy.addfile(member, data)
    refused = run(target, "-m", "backcare", "restore", str(damaged))
    assert refused.returncode == 2
    assert "the backup is damaged: documents/clearances/2026/letter.pdf" in refused.stderr
    assert records(target, "show")["clients"] == []

    foreign = tmp_path / "foreign.tgz"
    with tarfile.open(foreign, "w:gz") as tar:
        tar.add(__file__, arcname="notes.txt")
    refused = run(target, "-m", "backcare", "restore", str(foreign))
    assert refused.returncode == 2
    assert "is not a backcare backup" in refused.stderr
    missing = run(target, "-m", "backcare", "restore", str(tmp_path / "none.tgz"))
    assert (missing.returncode, missing.stderr.strip()) == (
        2,
        f"error: no backup at {tmp_path / 'none.tgz'}",
    )

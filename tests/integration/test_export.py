"""``backcare export`` and ``backcare import`` as a user runs them: a clinic exported from one
installation and imported into an empty one holds the same records and decisions (ids aside),
on SQLite and on PostgreSQL, and the zip holds nothing of another clinic."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from tests.integration.export_records import CLINIC
from tests.integration.test_backup import (  # the fixture: two new PostgreSQL databases
    PG_URL,
    installation,
    run,
    two_postgres_databases,  # noqa: F401 (a fixture)
)


def snapshot(env: dict[str, str], action: str) -> dict[str, list[object]]:
    result = run(env, "-m", "tests.integration.export_records", action)
    assert result.returncode == 0, result.stderr[-3000:]
    shown: dict[str, list[object]] = json.loads(result.stdout)
    return shown


def round_trip(source: dict[str, str], target: dict[str, str], archive: Path) -> None:
    made = snapshot(source, "make")
    exported = run(source, "-m", "backcare", "export", "--clinic", CLINIC, str(archive))
    assert exported.returncode == 0, exported.stderr
    assert archive.stat().st_mode & 0o777 == 0o600
    with zipfile.ZipFile(archive) as zipped:
        manifest = json.loads(zipped.read("manifest.json"))
        everything = b"".join(zipped.read(name) for name in zipped.namelist())
    assert manifest["counts"] == {
        name: len(rows) for name, rows in made.items() if name not in ("documents", "alerts")
    }
    for stranger in (b"Elsewhere clinic", b"Stranger", b"olga"):
        assert stranger not in everything

    imported = run(target, "-m", "backcare", "import", str(archive))
    assert imported.returncode == 0, imported.stderr
    restored = snapshot(target, "show")
    import_event = restored["auditevent"].pop()
    assert import_event[4] == "import"  # type: ignore[index]
    assert restored == made  # every row, every decision, the documents and the open alerts


def test_a_clinic_exported_and_imported_has_the_same_records_and_decisions_on_sqlite(tmp_path):
    round_trip(
        installation(tmp_path / "first"), installation(tmp_path / "second"), tmp_path / "e.zip"
    )


@pytest.mark.postgres
@pytest.mark.skipif(
    not PG_URL,
    reason="BACKCARE_TEST_DATABASE_URL is not set, so there is no PostgreSQL server to test "
    "against (CI sets it to the machine's server)",
)
def test_a_clinic_exported_and_imported_has_the_same_records_and_decisions_on_postgresql(
    tmp_path,
    two_postgres_databases,  # noqa: F811 (a fixture, named to be used)
):
    first, second = two_postgres_databases
    round_trip(
        installation(tmp_path / "first", first),
        installation(tmp_path / "second", second),
        tmp_path / "e.zip",
    )

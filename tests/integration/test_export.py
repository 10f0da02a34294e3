"""``backcare export`` and ``backcare import`` as a user runs them: a clinic exported from one
installation and imported into a new, empty one holds the same records and decisions (ids
aside), and the zip holds nothing of another clinic. The same round trip runs in-process on
SQLite and on PostgreSQL in tests/web/test_export.py (the PostgreSQL run repeats tests/web)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from tests.integration.export_records import CLINIC
from tests.integration.test_backup import installation, run


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

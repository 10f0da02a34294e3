"""Backing up an installation into one archive, and restoring it into an empty one.

The archive (a gzipped tar, mode 600: it holds health data) contains ``manifest.json`` (format,
backcare version, database kind, each member's size and SHA-256), the database and the uploaded
documents under ``documents/``:

- SQLite: ``database.sqlite3``, a consistent copy taken with SQLite's online backup API while the
  app may keep running;
- PostgreSQL: ``database.pgdump``, from ``pg_dump --format=custom`` (one consistent snapshot),
  restored with ``pg_restore``. Both tools must be on the PATH.

A restore checks every member against the manifest first, refuses an installation that already
holds data unless ``force`` is given, then applies any newer migrations.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections

from backcare import __version__
from backcare.errors import BackcareError

FORMAT = "backcare-backup"
VERSION = 1
DUMPS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}


class BackupError(BackcareError):
    """A backup that cannot be made or restored; the message says why and what to do."""


def create(archive: Path) -> dict[str, Any]:
    """Write a backup of the database and the documents to ``archive``; returns the manifest."""
    with tempfile.TemporaryDirectory(prefix="backcare-backup-") as work:
        dump = Path(work) / DUMPS[_vendor()]
        _dump_database(dump)
        members = [(dump.name, dump)] + [
            (f"documents/{path.relative_to(_documents()).as_posix()}", path)
            for path in sorted(_documents().rglob("*"))
            if path.is_file()
        ]
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "backcare": __version__,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "database": _vendor(),
            "files": [
                {"path": name, "size": path.stat().st_size, "sha256": _sha256(path)}
                for name, path in members
            ],
        }
        _write(archive, manifest, members)
    return manifest


def restore(archive: Path, *, force: bool = False) -> dict[str, Any]:
    """Restore ``archive`` into this installation; returns its manifest."""
    with _opened(archive) as tar, tempfile.TemporaryDirectory(prefix="backcare-restore-") as work:
        manifest = _checked_manifest(tar)
        if manifest["database"] != _vendor():
            raise BackupError(
                f"{archive} holds a {manifest['database']} database and this installation uses "
                f"{_vendor()}; restore it into an installation on {manifest['database']} "
                "(see BACKCARE_DATABASE_URL)"
            )
        held = _existing_data()
        if held and not force:
            raise BackupError(
                f"this installation already holds data ({held}); restore refuses to overwrite "
                "it. Restore into an empty installation, or add --force to replace it"
            )
        tar.extractall(work, filter="data")
        _verify(Path(work), manifest)
        _restore_database(Path(work) / DUMPS[manifest["database"]])
        _restore_documents(Path(work) / "documents")
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    return manifest


def _vendor() -> str:
    vendor = connections["default"].vendor
    if vendor not in DUMPS:
        raise BackupError(f"backups support SQLite and PostgreSQL, not {vendor}")
    return vendor


def _documents() -> Path:
    from django.core.files.storage import default_storage

    return Path(default_storage.path(""))


def _database() -> dict[str, Any]:
    return dict(settings.DATABASES["default"])


def _dump_database(target: Path) -> None:
    if _vendor() == "sqlite":
        source = sqlite3.connect(_database()["NAME"])
        copy = sqlite3.connect(target)
        try:
            with copy:
                source.backup(copy)
        finally:
            copy.close()
            source.close()
    else:
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={target}"])


def _restore_database(dump: Path) -> None:
    connections.close_all()
    if _vendor() == "sqlite":
        path = Path(_database()["NAME"])
        path.touch(mode=0o600)
        source, target = sqlite3.connect(dump), sqlite3.connect(path)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
        path.chmod(0o600)
    else:
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                f"--dbname={_database()['NAME']}",
                str(dump),
            ]
        )


def _run(command: list[str]) -> None:
    """A PostgreSQL client tool against the configured database (connection from libpq's
    environment variables, so no password appears in the process list)."""
    db = _database()
    env = {
        **os.environ,
        "PGHOST": str(db.get("HOST") or ""),
        "PGPORT": str(db.get("PORT") or ""),
        "PGUSER": str(db.get("USER") or ""),
        "PGPASSWORD": str(db.get("PASSWORD") or ""),
        "PGDATABASE": str(db["NAME"]),
    }
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise BackupError(
            f"{command[0]} is not installed; install PostgreSQL's client tools "
            "(for example apt-get install postgresql-client)"
        ) from None
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {' '.join(result.stderr.split())[:500]}")


def _restore_documents(source: Path) -> None:
    target = _documents()
    if target.exists():
        shutil.rmtree(target)
    if source.exists():
        shutil.copytree(source, target)
    else:
        target.mkdir(parents=True)
    for path in [target, *target.rglob("*")]:  # health data: readable by backcare's user only
        path.chmod(0o700 if path.is_dir() else 0o600)


def _existing_data() -> str:
    """What the installation already holds, in words ("" when it is empty)."""
    from django.db.utils import DatabaseError

    from backcare.records.models import Client, Clinic, User

    held: list[str] = []
    try:
        counts = {
            "clinics": Clinic.objects.count(),
            "users": User.objects.count(),
            "clients": Client.objects.count(),
        }
        held += [f"{count} {name}" for name, count in counts.items() if count]
    except DatabaseError:  # no tables yet: a new installation
        connections.close_all()
    files = [p for p in _documents().rglob("*") if p.is_file()] if _documents().exists() else []
    if files:
        held.append(f"{len(files)} documents")
    return ", ".join(held)


def _write(archive: Path, manifest: dict[str, Any], members: list[tuple[str, Path]]) -> None:
    archive.parent.mkdir(parents=True, exist_ok=True)
    partial = archive.with_name(f".{archive.name}.partial")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as stream, tarfile.open(fileobj=stream, mode="w:gz") as tar:
        data = json.dumps(manifest, indent=2).encode()
        info = tarfile.TarInfo("manifest.json")
        info.size, info.mode, info.mtime = len(data), 0o600, int(datetime.now(UTC).timestamp())
        tar.addfile(info, io.BytesIO(data))
        for name, path in members:
            tar.add(path, arcname=name, recursive=False)
    partial.replace(archive)


def _opened(archive: Path) -> tarfile.TarFile:
    """The archive, opened for reading (its ``name`` is the path as text)."""
    try:
        return tarfile.open(archive, mode="r:gz")
    except FileNotFoundError:
        raise BackupError(f"no backup at {archive}") from None
    except (tarfile.TarError, OSError) as error:
        raise BackupError(f"{archive} is not a backcare backup ({error})") from None


def _checked_manifest(tar: tarfile.TarFile) -> dict[str, Any]:
    try:
        member = tar.extractfile("manifest.json")
        manifest = json.load(member) if member else None
    except (KeyError, ValueError, tarfile.TarError):
        manifest = None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{tar.name!s} is not a backcare backup (no manifest.json of {FORMAT})")
    if manifest.get("version") != VERSION or manifest.get("database") not in DUMPS:
        raise BackupError(
            f"{tar.name!s} is a backup of format version {manifest.get('version')!r}; this "
            f"backcare reads version {VERSION}"
        )
    return manifest


def _verify(root: Path, manifest: dict[str, Any]) -> None:
    for entry in manifest["files"]:
        path = root / entry["path"]
        if not path.is_file() or _sha256(path) != entry["sha256"]:
            raise BackupError(
                f"the backup is damaged: {entry['path']} is missing or differs from its checksum; "
                "nothing was restored"
            )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()

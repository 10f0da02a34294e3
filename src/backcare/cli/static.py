"""The static files ``backcare serve`` serves, collected again only when their sources changed.

Collecting compresses every file twice (gzip and Brotli, under its plain and its hashed name):
most of a start on a small machine. What it writes depends only on the source files, the
storage that writes them and the packages doing it, so a start whose sources and packages are
those of the last collection, with every collected file still in place, has nothing to do.
"""

from __future__ import annotations

import hashlib
import json
from importlib import metadata
from pathlib import Path
from typing import Any

# The API docs page uses Swagger UI; the ReDoc copy django-ninja also ships is left out.
IGNORED = ["redoc*"]
# The packages whose code decides what a collection writes (WhiteNoise writes Brotli copies
# only when that package is installed).
WRITERS = ("django", "whitenoise", "brotli")


def collect() -> bool:
    """Collect the static files into STATIC_ROOT unless they are collected already from the
    same sources; True when they were collected now."""
    from django.conf import settings
    from django.core.management import call_command

    root = Path(settings.STATIC_ROOT)
    stamp = root.with_name(root.name + ".sources")
    sources = fingerprint(settings)
    if _whole(root) and stamp.exists() and stamp.read_text() == sources:
        return False
    stamp.unlink(missing_ok=True)  # a collection cut short leaves no stamp behind
    call_command("collectstatic", interactive=False, verbosity=0, ignore_patterns=IGNORED)
    stamp.write_text(sources)
    return True


def fingerprint(settings: Any) -> str:
    """A digest of everything a collection depends on: each source file's path and content,
    the settings of the static storage, and the versions of the packages that write the files."""
    from django.contrib.staticfiles.finders import get_finders

    digest = hashlib.sha256()
    chosen = {
        name: getattr(settings, name)
        for name in dir(settings)
        if name.startswith("WHITENOISE_") or name in ("STATIC_URL", "FILE_UPLOAD_PERMISSIONS")
    }
    chosen["storage"] = settings.STORAGES["staticfiles"]
    digest.update(json.dumps(chosen, sort_keys=True, default=repr).encode())
    for package in WRITERS:
        digest.update(f"{package} {_version(package)}\n".encode())
    found = [
        (path, storage.path(path))
        for finder in get_finders()
        for path, storage in finder.list(IGNORED)
    ]
    for path, source in sorted(found):  # a name found twice counts twice: either may be served
        digest.update(f"{path}\n".encode())
        digest.update(hashlib.sha256(Path(source).read_bytes()).digest())
    return digest.hexdigest()


def _whole(root: Path) -> bool:
    """Whether the manifest of the last collection is there and every file it names too."""
    manifest = root / "staticfiles.json"
    if not manifest.exists():
        return False
    paths = json.loads(manifest.read_text()).get("paths", {})
    return all((root / name).exists() for pair in paths.items() for name in pair)


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "absent"

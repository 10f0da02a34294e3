"""The static files a server start collects: all of them at the first start, none again while
their sources stay the same, and again as soon as a source changes or a collected file is gone."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from backcare.cli import static
from backcare.web import settings as production


@pytest.fixture
def sources(tmp_path: Path, settings) -> Path:  # type: ignore[no-untyped-def]
    """A source directory of static files collected into tmp_path/static by the production
    storage (hashed names, gzip and Brotli copies), and nothing else."""
    folder = tmp_path / "sources"
    folder.mkdir()
    (folder / "site.css").write_text("body { background: url('logo.svg'); }\n" * 40)
    (folder / "logo.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'></svg>\n" * 40)
    settings.STATIC_ROOT = str(tmp_path / "static")
    settings.STATICFILES_DIRS = [str(folder)]
    settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    settings.STORAGES = {**settings.STORAGES, "staticfiles": production.STORAGES["staticfiles"]}
    return folder


def collected(root: Path) -> dict[str, str]:
    """Each collected file's name and what it holds (compressed copies unpacked)."""
    found = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix != ".br":
            data = path.read_bytes()
            found[path.name] = (gzip.decompress(data) if path.suffix == ".gz" else data).decode()
    return found


def test_the_first_start_collects_every_file_hashed_and_compressed(sources, tmp_path):
    assert static.collect() is True
    root = tmp_path / "static"
    hashed = json.loads((root / "staticfiles.json").read_text())["paths"]["site.css"]
    for name in ("site.css", hashed, "site.css.gz", f"{hashed}.gz", "site.css.br"):
        assert (root / name).exists(), name
    assert collected(root)[f"{hashed}.gz"] == collected(root)[hashed]


def test_a_restart_with_the_same_sources_collects_nothing_and_keeps_the_same_files(
    sources, tmp_path
):
    static.collect()
    root = tmp_path / "static"
    before = {path: path.stat().st_mtime_ns for path in root.rglob("*")}
    assert static.collect() is False
    assert {path: path.stat().st_mtime_ns for path in root.rglob("*")} == before


def test_a_changed_source_is_collected_again_at_the_next_start(sources, tmp_path):
    static.collect()
    (sources / "site.css").write_text("body { color: black; }\n" * 40)
    assert static.collect() is True
    root = tmp_path / "static"
    hashed = json.loads((root / "staticfiles.json").read_text())["paths"]["site.css"]
    assert (
        collected(root)[hashed]
        == collected(root)[f"{hashed}.gz"]
        == (sources / "site.css").read_text()
    )


def test_a_collected_file_gone_is_collected_again_at_the_next_start(sources, tmp_path):
    static.collect()
    root = tmp_path / "static"
    hashed = json.loads((root / "staticfiles.json").read_text())["paths"]["logo.svg"]
    (root / hashed).unlink()
    assert static.collect() is True
    assert (root / hashed).read_text() == (sources / "logo.svg").read_text()

"""The knowledge base kept between starts (knowledge/compiled.py): the same as a fresh load,
rebuilt when a data file changes, and a damaged file is ignored and written again."""

from __future__ import annotations

import dataclasses
import hashlib
import pickle
import shutil
from pathlib import Path

import pytest
import yaml

from backcare.clinical import assess, parse_intake, to_json
from backcare.knowledge import KnowledgeBase, compiled, loader
from backcare.knowledge.loader import data_dir, load_from
from tests.conftest import TODAY

GOLDEN = Path(__file__).parent.parent / "golden" / "intakes"


def kept_file(cache: Path) -> Path:
    (found,) = cache.glob("knowledge-*.pickle")
    return found


def same_knowledge(a: KnowledgeBase, b: KnowledgeBase) -> None:
    for field in dataclasses.fields(KnowledgeBase):
        if field.name in (*compiled.REBUILT, "names"):
            continue
        assert getattr(a, field.name) == getattr(b, field.name), field.name
    assert a.names == b.names
    assert [(r.rule, r.condition) for r in a.rules] == [(r.rule, r.condition) for r in b.rules]
    assert [r.rule for r in a.progress_rules] == [r.rule for r in b.progress_rules]
    assert {i: [g.group for g in gs] for i, gs in a.risk_groups.items()} == {
        i: [g.group for g in gs] for i, gs in b.risk_groups.items()
    }


def test_the_kept_knowledge_base_is_the_one_a_fresh_load_gives(tmp_path, monkeypatch):
    fresh = load_from(data_dir(), None)
    load_from(data_dir(), tmp_path)  # builds and keeps it
    assert kept_file(tmp_path).stat().st_mode & 0o777 == 0o600

    def no_rebuild(*_: object) -> None:
        raise AssertionError("the kept knowledge base was not used")

    monkeypatch.setattr(loader, "_build", no_rebuild)
    kept = load_from(data_dir(), tmp_path)
    same_knowledge(kept, fresh)
    for path in sorted(GOLDEN.glob("*.yaml")):  # compiled rules included: same assessments
        intake = parse_intake(yaml.safe_load(path.read_text()), today=TODAY)
        assert to_json(assess(intake, kept)) == to_json(assess(intake, fresh)), path.name


def test_a_changed_data_file_rebuilds_the_kept_knowledge_base(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(data_dir(), data)
    cache = tmp_path / "cache"
    load_from(data, cache)
    before = kept_file(cache)
    meta = data / "meta.yaml"
    raw = yaml.safe_load(meta.read_text())
    raw["decisions"]["proceed"] = "Nothing found that changes a standard session today."
    meta.write_text(yaml.safe_dump(raw, sort_keys=False))
    changed = load_from(data, cache)
    assert changed.meta.decisions["proceed"].endswith("session today.")
    assert kept_file(cache) != before, "a new file, the old one removed"
    assert compiled.read(kept_file(cache)) is not None


@pytest.fixture(scope="module")
def kept(tmp_path_factory) -> tuple[KnowledgeBase, Path]:
    """The packaged knowledge base and a good kept file of it."""
    cache = tmp_path_factory.mktemp("kept")
    return load_from(data_dir(), cache), kept_file(cache)


def _wrong_content(data: bytes) -> bytes:
    """A file whose checksum is right but which holds no knowledge base."""
    payload = pickle.dumps({"meta": None})
    return compiled._MAGIC + hashlib.sha256(payload).digest() + payload


@pytest.mark.parametrize(
    "damage",
    [lambda data: data[: len(data) // 2], _wrong_content],
    ids=["truncated", "checksum right, content wrong"],
)
def test_a_damaged_kept_file_is_ignored_and_written_again(kept, tmp_path, damage):
    expected, good = kept
    file = tmp_path / good.name
    file.write_bytes(damage(good.read_bytes()))
    assert compiled.read(file) is None
    again = load_from(data_dir(), tmp_path)
    assert again.version == expected.version
    assert [r.rule.id for r in again.rules] == [r.rule.id for r in expected.rules]
    assert compiled.read(file) is not None, "written again"


def test_a_kept_file_others_could_have_written_is_not_loaded(kept, tmp_path):
    _, good = kept
    file = tmp_path / good.name
    file.write_bytes(good.read_bytes())
    file.chmod(0o600)
    assert compiled.read(file) is not None
    file.chmod(0o620)  # writable by the group: anyone in it could have put code there
    assert compiled.read(file) is None

"""Benchmark: does a larger knowledge base slow screening or loading?

Anchor: the same knowledge base cut down to the conditions the contract names (``core.yaml``)
and no brand names, measured in the same run on the same intakes. Printed: the median and p99
of one ``assess`` on both, and their ratio (the target is at most 1.10); the load time of both
parsed from YAML, and of the full one from its parsed cache, as a user starts it (the target is
under 0.5 s). A third line times the realistic mix the full
base exists for: brand names, lay names of conditions and near-miss spellings.

    .venv/bin/python bench/bench_knowledge.py [--intakes N] [--loads N]
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

from backcare.clinical import parse_intake
from backcare.knowledge import KnowledgeBase, load_knowledge
from backcare.knowledge.loader import data_dir

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_assess import TODAY, assess_timings, random_intake


def cut_down_copy(target: Path) -> Path:
    """The knowledge data with only the contract's conditions and no brand names."""
    copy = target / "data"
    shutil.copytree(data_dir(), copy)
    for path in (copy / "conditions").glob("*.yaml"):
        if path.name != "core.yaml":
            path.unlink()
    names = copy / "drug_names.yaml"
    raw = yaml.safe_load(names.read_text())
    raw["names"] = {}
    raw.pop("typed", None)
    names.write_text(yaml.safe_dump(raw))
    return copy


def load_seconds(directory: Path, loads: int) -> float:
    walls = []
    for _ in range(loads):
        start = time.perf_counter()
        load_knowledge.__wrapped__(directory)
        walls.append(time.perf_counter() - start)
    return statistics.median(walls)


def everyday_intake(rng: random.Random, kb: KnowledgeBase) -> dict[str, Any]:
    """What clients write: lay condition names, brand names, now and then a spelling slip."""
    intake = random_intake(rng, kb)
    lay = sorted({s for c in kb.conditions.values() for s in c.synonyms})
    brands = sorted(kb.drug_names.names) or sorted(kb.medication_names)
    intake["conditions"] = [rng.choice(lay) for _ in range(rng.choice([0, 1, 2, 3]))]
    lines = [f"{rng.choice(brands)} {rng.choice([5, 10, 20])}mg daily" for _ in range(2)]
    if rng.random() < 0.2:
        word = rng.choice([n for n in kb.medication_names if "_" not in n and len(n) > 6])
        lines.append(word[:3] + word[4:])  # one letter dropped
    intake["medications"] = lines[: rng.choice([0, 1, 2, 3])]
    return intake


def line(label: str, found: list[int]) -> str:
    median = statistics.median(found) / 1000
    p99 = found[int(0.99 * len(found))] / 1000
    return f"  {label:<46} median {median:7.1f} us   p99 {p99:7.1f} us"


def main(count: int, loads: int) -> None:
    full = load_knowledge()
    with tempfile.TemporaryDirectory() as folder:
        small_dir = cut_down_copy(Path(folder))
        small = load_knowledge.__wrapped__(small_dir)
        rng = random.Random(20261201)
        same = [parse_intake(random_intake(rng, small), today=TODAY) for _ in range(count)]
        everyday = [parse_intake(everyday_intake(rng, full), today=TODAY) for _ in range(count)]
        anchor, grown = assess_timings(same, small), assess_timings(same, full)
        real = assess_timings(everyday, full)
        full_copy = Path(folder) / "full"
        shutil.copytree(data_dir(), full_copy)  # not the packaged folder: parsed every time
        small_load, full_load = load_seconds(small_dir, loads), load_seconds(full_copy, loads)
        cached_load = load_seconds(data_dir(), loads)
    ratio = statistics.median(grown) / statistics.median(anchor)
    print(f"assess over {count:,} intakes (knowledge {full.version}):")
    print(line(f"cut-down base ({len(small.conditions)} conditions) [anchor]", anchor))
    print(line(f"full base ({len(full.conditions)} conditions, same intakes)", grown))
    print(f"  ratio full / anchor: {ratio:.2f} (target at most 1.10)")
    print(line("full base, everyday names and spellings", real))
    print(f"knowledge base load, median of {loads}:")
    print(
        f"  cut-down base, parsed [anchor] {small_load:.3f} s   full base, parsed"
        f" {full_load:.3f} s (ratio {full_load / small_load:.2f})"
    )
    print(
        f"  full base from its parsed cache, as a user starts it: {cached_load:.3f} s"
        " (target under 0.5 s)"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--intakes", type=int, default=10_000)
    parser.add_argument("--loads", type=int, default=5)
    args = parser.parse_args()
    main(args.intakes, args.loads)

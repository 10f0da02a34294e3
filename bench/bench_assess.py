"""Benchmark: median time of one ``assess`` over 10,000 generated intakes, and the cold start
of ``backcare assess`` as a user runs it. Prints figures; it passes or fails nothing.

    .venv/bin/python bench/bench_assess.py [--intakes N] [--runs N]
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from backcare.clinical import Intake, assess, parse_intake, to_json
from backcare.knowledge import KnowledgeBase, load_knowledge
from backcare.knowledge.contract import (
    PROCEDURE_KINDS,
    RED_FLAGS,
    REGIONS,
    SHORTHANDS,
    SKIN_FINDINGS,
    STATUSES,
)

TODAY = date(2026, 11, 22)
ROOT = Path(__file__).resolve().parents[1]


def random_intake(rng: random.Random, kb: KnowledgeBase) -> dict[str, Any]:
    """A realistic mix: most intakes have back pain, a few conditions and medicines."""
    conditions = sorted(kb.conditions)
    names = sorted({n for cls in kb.medications.values() for n in cls.names})
    regions = [*REGIONS, *SHORTHANDS]
    intake: dict[str, Any] = {"assessed_on": TODAY, "client": {"age": rng.randint(8, 95)}}
    if rng.random() < 0.85:
        intake["pain"] = {
            "regions": rng.sample(regions, rng.randint(1, 3)),
            "duration_weeks": rng.choice([0.5, 2, 6, 10, 20, 52]),
            "intensity": rng.randint(0, 10),
            "cause": rng.choice(["lifting", "posture", "stress", "overuse", "unknown", "sport"]),
            "radiates_below_knee": rng.random() < 0.15,
        }
        intake["red_flags"] = {flag: rng.random() < 0.03 for flag in RED_FLAGS}
    intake["conditions"] = [
        {"id": rng.choice(conditions), "status": rng.choice(STATUSES)}
        for _ in range(rng.choice([0, 0, 1, 2, 3]))
    ]
    intake["medications"] = [
        f"{rng.choice(names)} {rng.choice([5, 10, 20])} mg" for _ in range(rng.choice([0, 1, 2]))
    ]
    if rng.random() < 0.2:
        intake["skin"] = [{"finding": rng.choice(SKIN_FINDINGS), "region": rng.choice(REGIONS)}]
    if rng.random() < 0.1:
        intake["procedures"] = [
            {
                "kind": rng.choice(PROCEDURE_KINDS),
                "region": "low_back",
                "date": TODAY - timedelta(days=rng.randint(1, 400)),
            }
        ]
    return intake


def assess_timings(intakes: list[Intake], kb: KnowledgeBase) -> list[int]:
    """Nanoseconds of one ``assess`` for each intake, after a warm-up, sorted."""
    for intake in intakes[:200]:
        assess(intake, kb)
    found = []
    for intake in intakes:
        start = time.perf_counter_ns()
        assess(intake, kb)
        found.append(time.perf_counter_ns() - start)
    return sorted(found)


def bench_assess(count: int) -> None:
    kb = load_knowledge()
    rng = random.Random(20261122)
    intakes: list[Intake] = [
        parse_intake(random_intake(rng, kb), today=TODAY) for _ in range(count)
    ]
    timings = assess_timings(intakes, kb)
    with_json = []
    for intake in intakes[:2000]:
        start = time.perf_counter_ns()
        to_json(assess(intake, kb))
        with_json.append(time.perf_counter_ns() - start)
    print(
        f"assess over {count:,} generated intakes ({len(kb.rules)} rules, "
        f"{len(kb.conditions)} conditions, knowledge {kb.version}):"
    )
    print(
        f"  median {statistics.median(timings) / 1000:.1f} us, "
        f"p95 {timings[int(0.95 * count)] / 1000:.1f} us, "
        f"max {timings[-1] / 1000:.1f} us"
    )
    print(f"  assess + to_json median {statistics.median(with_json) / 1000:.1f} us")


def bench_cold_start(runs: int) -> None:
    backcare = Path(sys.executable).with_name("backcare")
    intake = ROOT / "examples" / "heparin-and-bruise.yaml"
    for command, label in (
        (["--json"], "backcare assess --json"),
        ([], "backcare assess (report)"),
    ):
        walls = []
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run(
                [str(backcare), "assess", *command, str(intake)], check=True, capture_output=True
            )
            walls.append(time.perf_counter() - start)
        print(
            f"{label} cold start over {runs} runs: median {statistics.median(walls):.3f} s, "
            f"min {min(walls):.3f} s"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--intakes", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    bench_assess(args.intakes)
    bench_cold_start(args.runs)

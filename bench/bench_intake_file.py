"""Benchmark: how long reading and validating a hostile intake takes before it is refused
(``intake_file.load`` then ``parse_intake``), and a valid one for comparison. Prints the median
of a few runs for each; it passes or fails nothing.

    .venv/bin/python bench/bench_intake_file.py [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import date

from backcare import intake_file
from backcare.clinical import parse_intake
from backcare.errors import InvalidIntake

OK = b"client: {age: 40}\n"
MIB = intake_file.MAX_BYTES
CASES = {
    "valid intake (YAML)": OK + b"medications: [warfarin 5 mg, prednisone]\nnotes: fine\n",
    "10 MB medication text (YAML)": OK + b'medications: ["' + b"x" * 10_000_000 + b'"]\n',
    "1 MiB medication text (YAML)": OK + b'medications: ["' + b"x" * (MIB - 60) + b'"]\n',
    "1 MiB medication text (JSON)": b'{"client": {"age": 40}, "medications": ["'
    + b"x" * (MIB - 60)
    + b'"]}',
    "1 MiB of list items (YAML)": OK + b"allergies: [" + b"x, " * ((MIB - 40) // 3) + b"x]\n",
    "1 MiB of list items (JSON)": b'{"client": {"age": 40}, "allergies": ['
    + b'"x", ' * ((MIB - 60) // 5)
    + b'"x"]}',
    "5,000-digit number (JSON)": b'{"client": {"age": ' + b"9" * 5000 + b"}}",
    "nesting 100,000 deep (JSON)": b'{"notes": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    "nesting 100,000 deep (YAML)": b"notes: " + b"[" * 100_000 + b"]" * 100_000 + b"\n",
}


def once(raw: bytes, as_json: bool) -> tuple[float, str]:
    start = time.perf_counter()
    try:
        parse_intake(intake_file.load(raw, as_json=as_json), today=date(2026, 11, 22))
        outcome = "valid"
    except InvalidIntake as error:
        outcome = str(error.problems[0])[:70]
    return time.perf_counter() - start, outcome


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    for name, raw in CASES.items():
        timings, outcome = zip(*(once(raw, "JSON" in name) for _ in range(runs)), strict=True)
        print(f"{name:32} {statistics.median(timings) * 1000:8.1f} ms  {outcome[0]}")


if __name__ == "__main__":
    main()

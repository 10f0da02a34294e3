"""Benchmark: exporting and importing a clinic of N clients on SQLite, with the peak Python
memory of each, beside the anchor of the same run: reading every exported row once with no
writing at all. Memory that stays flat as N grows shows the export streams. Prints figures; it
passes or fails nothing.

    .venv/bin/python bench/bench_export.py [--clients 500 2000]

Each size runs in a fresh data directory (a temporary BACKCARE_HOME): the demo clinic grown to
N clients with copies of its own (``records/demo_crowd.py``).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

import installation

ROOT = Path(__file__).resolve().parents[1]


def measure(clients: int, home: Path) -> dict[str, Any]:
    """In the child: fill a clinic, then time the anchor, the export and the import."""
    installation.throwaway(home / "source")
    from backcare.records import exchange, export

    clinic = installation.demo_clinic(clients)
    started = time.perf_counter()
    rows = sum(
        sum(1 for _ in t.model._default_manager.values_list(*t.columns).iterator(2000))
        for t in exchange.tables()
    )
    anchor = time.perf_counter() - started
    archive = home / "clinic.zip"
    started = time.perf_counter()
    export.write_file(scope=export.Scope(clinic), path=archive, user=None)
    exported = time.perf_counter() - started
    tracemalloc.start()  # a second export for the memory: tracing slows Python down
    export.write_file(scope=export.Scope(clinic), path=home / "again.zip", user=None)
    export_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {
        "clients": clients,
        "rows": rows,
        "anchor_s": anchor,
        "export_s": exported,
        "export_peak_mb": export_peak / 2**20,
        "zip_mb": archive.stat().st_size / 2**20,
        "archive": str(archive),
    }


def measure_import(home: Path, archive: str) -> dict[str, Any]:
    """In a second child, an empty installation: time the import."""
    installation.throwaway(home / "target")
    from backcare.records import importer

    started = time.perf_counter()
    importer.import_file(Path(archive), dry_run=True)  # the check of every file's hash
    checked = time.perf_counter() - started
    tracemalloc.start()
    started = time.perf_counter()
    importer.import_file(Path(archive))
    seconds = time.perf_counter() - started  # traced: slower than untraced, an upper bound
    peak = tracemalloc.get_traced_memory()[1]
    return {"check_s": checked, "import_s": seconds, "import_peak_mb": peak / 2**20}


def child(*args: str) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BACKCARE_", "DJANGO_"))}
    done = subprocess.run(
        [sys.executable, __file__, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(done.stderr[-3000:])
    result: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[500, 2000])
    args = parser.parse_args()
    print(
        f"{'clients':>8} {'rows':>8} {'read (anchor)':>14} {'export':>8} {'x anchor':>9} "
        f"{'peak MB':>8} {'zip MB':>7} {'check':>7} {'import*':>8} {'peak MB':>8}"
    )
    for clients in args.clients:
        with tempfile.TemporaryDirectory(prefix="backcare-bench-export-") as home:
            out = child("--measure", str(clients), home)
            back = child("--import", out["archive"], home)
        print(
            f"{clients:>8} {out['rows']:>8} {out['anchor_s']:>13.2f}s {out['export_s']:>7.2f}s "
            f"{out['export_s'] / out['anchor_s']:>9.1f} {out['export_peak_mb']:>8.1f} "
            f"{out['zip_mb']:>7.1f} {back['check_s']:>6.2f}s {back['import_s']:>7.2f}s "
            f"{back['import_peak_mb']:>8.1f}"
        )
    print("* the import is timed with memory tracing on, which slows Python: an upper bound")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--measure":
        print(json.dumps(measure(int(sys.argv[2]), Path(sys.argv[3]))))
    elif len(sys.argv) > 1 and sys.argv[1] == "--import":
        print(json.dumps(measure_import(Path(sys.argv[3]), sys.argv[2])))
    else:
        main()

"""What the in-process benchmarks share: a throwaway installation in this process (a fresh data
directory, the test settings, Django's test environment, every migration), the demo clinic
grown to a size, and timing pages through Django's test client."""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def throwaway(home: Path | None = None) -> None:
    """Set up Django on an empty installation in ``home`` (a new temporary directory unless
    given), migrated."""
    sys.path.insert(0, str(ROOT))
    home = home or Path(tempfile.mkdtemp(prefix="backcare-bench-"))
    home.mkdir(parents=True, exist_ok=True)
    os.environ["BACKCARE_HOME"] = str(home)
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    os.environ.setdefault("BACKCARE_SECRET_KEY", "bench-only-secret-key-0123456789-abcdefghij")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", interactive=False, verbosity=0)


def demo_clinic(clients: int = 0) -> Any:
    """The demo clinic (``records/demo.py``), grown to ``clients`` with copies of its own
    clients (``records/demo_crowd.py``), and how long it took to build."""
    from backcare.records import demo, demo_crowd
    from backcare.records.models import Client, Clinic

    started = time.perf_counter()
    demo.ensure_demo()
    clinic = Clinic.objects.get(name=demo.CLINIC)
    if clients:
        demo_crowd.grow(clinic=clinic, clients=clients)
    count = Client.objects.filter(clinic=clinic).count()
    print(f"demo clinic of {count} clients built in {time.perf_counter() - started:.1f} s")
    return clinic


def time_pages(browser: Any, pages: dict[str, str], runs: int) -> None:
    """Print each page's median and fastest time over ``runs`` views, after one to warm up."""
    width = max(map(len, pages))
    for name, url in pages.items():
        browser.get(url)  # warm up
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            response = browser.get(url)
            times.append(time.perf_counter() - start)
            assert response.status_code == 200, (url, response.status_code)
        print(
            f"{name:{width}s} median {statistics.median(times) * 1000:7.1f} ms "
            f"(min {min(times) * 1000:.1f} ms, {runs} runs)"
        )

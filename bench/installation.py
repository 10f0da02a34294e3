"""What the in-process benchmarks share: a throwaway installation in this process (a fresh data
directory, the test settings, Django's test environment, every migration)."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def throwaway() -> None:
    """Set up Django on an empty installation in a temporary directory, migrated."""
    sys.path.insert(0, str(ROOT))
    os.environ["BACKCARE_HOME"] = tempfile.mkdtemp(prefix="backcare-bench-")
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", interactive=False, verbosity=0)

"""The app's settings with one more page, for benchmarks only (bench/pages_urls.py)."""

from backcare.web.settings import *  # noqa: F403

ROOT_URLCONF = "bench.pages_urls"

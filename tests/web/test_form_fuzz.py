"""Garbage posted to every form of the app, as a logged-in clinic admin, never gets a server
error: each answer is the page with its errors, a refusal, or a save of what was valid.

The addresses come from the URL map; the field names from each page's own form (as a browser
would send it), plus names no form has. Values are hostile: control characters, NaN, infinity,
twenty-digit and thousand-digit numbers, impossible dates, very long text, repeated fields.
``parse_intake`` and intake files are fuzzed in tests/unit/test_intake_fuzz.py.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from django.db import transaction
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.web.conftest import form_as_shown
from tests.web.test_authorization_matrix import address, url_names, world  # noqa: F401

HOSTILE = [  # the first is what every field gets in the first, simplest example
    "nan",
    "",
    " ",
    "-inf",
    "1e400",
    "-1",
    "0",
    "9" * 20,
    "9" * 1000,
    "2026-02-30",
    "0000-00-00",
    "\x00",
    "\x1b[31m",
    "\ufffd\u202e\u200b",
    "low_back",
    "warfarin",
    "light",
    "x" * 20_000,
    "<script>alert(1)</script>",
    "../../etc/passwd",
]
EXAMPLES = 2  # per address: every field "nan" first, then a random mix; forty posts in all
values = st.sampled_from(HOSTILE) | st.text(max_size=40) | st.integers().map(str)


@pytest.fixture
def forms(world: dict[str, Any]) -> dict[str, list[str]]:  # noqa: F811
    """Each address that takes a POST, with the field names of the form its page shows; an
    action without a page of its own (a redirect, 405) gets every field name seen anywhere."""
    admin = world["browsers"]["admin"]
    found: dict[str, list[str]] = {}
    for name in url_names():
        url = address(name, world["ids"])
        page = admin.get(url)
        if page.streaming:  # a download: read through, which closes its file; no form
            b"".join(page.streaming_content)
            continue
        if not page.get("Content-Type", "").startswith("text/html"):  # a PDF or JSON: no form
            continue
        fields = sorted(form_as_shown(page.content.decode())) if page.status_code == 200 else []
        if page.status_code != 200 or fields:  # a page with nothing to post is left out
            found[url] = fields
    pool = sorted({field for fields in found.values() for field in fields})
    return {url: [*(fields or pool), "unexpected"] for url, fields in found.items()}


@pytest.mark.long
def test_garbage_posted_to_every_form_never_gets_a_server_error(
    world: dict[str, Any],  # noqa: F811
    forms: dict[str, list[str]],
) -> None:
    admin = world["browsers"]["admin"]
    for url, names in forms.items():
        fields = st.fixed_dictionaries(
            {name: st.lists(values, min_size=1, max_size=2) for name in names}
        )

        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None)
        @given(posted=fields)
        def post(posted: dict[str, list[str]]) -> None:
            cookies = copy.deepcopy(admin.cookies)
            with transaction.atomic():  # undone after, a log-out too: each post starts the same
                response = admin.post(url, posted)  # noqa: B023 - run at once, inside the loop
                if response.streaming:
                    b"".join(response.streaming_content)
                transaction.set_rollback(True)
            admin.cookies = cookies
            assert response.status_code < 500, (url, posted)  # noqa: B023

        post()

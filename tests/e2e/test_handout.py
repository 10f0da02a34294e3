"""The self-care handout printed to PDF by Chromium, as a clinic prints it: at most two pages
of A4 or Letter with the four longest routines a client may be given. The PDFs are saved under
test-artifacts/handout/ and their pages as PNG images (pdftoppm) beside the other screenshots,
to be looked at."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import expect

from backcare.knowledge import load_knowledge
from backcare.web.handout import MAX_ROUTINES
from tests.e2e.conftest import SHOTS, log_in, shot

OUT = Path(__file__).resolve().parents[2] / "test-artifacts" / "handout"


def pages_of(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    return int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.M)[1])  # type: ignore[index]


def longest_first(routine_ids: list[str]) -> list[str]:
    """The routines by how much they print: steps, cautions and warnings, longest first."""
    kb = load_knowledge()

    def length(routine_id: str) -> int:
        item = kb.self_care[routine_id]
        words = [*item.steps, *item.avoid, item.stop_if, *(c.note for c in item.cautions)]
        return sum(len(text) for text in words)

    return sorted(routine_ids, key=length, reverse=True)


def set_clinic_logo(page, server: str) -> None:  # type: ignore[no-untyped-def]
    from PIL import Image, ImageDraw

    logo = io.BytesIO()
    image = Image.new("RGB", (360, 120), "white")
    ImageDraw.Draw(image).rounded_rectangle((4, 4, 356, 116), 18, fill=(15, 118, 110))
    image.save(logo, "PNG")
    page.goto(f"{server}/clinic/settings/")
    page.set_input_files(
        "#logo", {"name": "logo.png", "mimeType": "image/png", "buffer": logo.getvalue()}
    )
    page.click("text=Save settings")
    expect(page.locator(".messages")).to_contain_text("Clinic settings saved")
    shot(page, "clinic-settings")


@pytest.mark.skipif(not shutil.which("pdfinfo"), reason="pdfinfo (poppler-utils) is missing")
def test_the_handout_prints_on_at_most_two_pages_of_a4_or_letter(server, page):
    log_in(page, server, "demo-admin")
    set_clinic_logo(page, server)
    page.goto(f"{server}/clients/?q=Hughes")
    page.click("text=Hughes, Arthur")
    page.click("text=Self-care guide (printable)")
    offered = page.locator("#routine-1 option").evaluate_all("options => options.map(o => o.value)")
    picked = longest_first([value for value in offered if value])[:MAX_ROUTINES]
    assert len(picked) == MAX_ROUTINES, f"the demo client is offered {offered}"
    for place, routine_id in enumerate(picked, start=1):
        page.select_option(f"#routine-{place}", routine_id)
    page.click("text=Show these on the handout")
    expect(page.locator(".routine h2")).to_have_count(MAX_ROUTINES)
    expect(page.locator(".handout-head")).to_contain_text("+1 555 0100")
    expect(page.locator(".routine-map svg")).not_to_have_count(0)
    shot(page, "handout-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the handout scrolls sideways on a phone ({width}px wide)"
    shot(page, "handout-390")

    OUT.mkdir(parents=True, exist_ok=True)
    for paper in ("A4", "Letter"):
        pdf = OUT / f"handout-{paper}.pdf"
        page.pdf(path=str(pdf), format=paper)
        assert pages_of(pdf) <= 2, f"the handout prints on {pages_of(pdf)} {paper} pages"
        if shutil.which("pdftoppm"):
            subprocess.run(
                ["pdftoppm", "-png", "-r", "100", str(pdf), str(SHOTS / f"handout-{paper}-page")],
                check=True,
            )

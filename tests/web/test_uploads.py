"""Clearance documents: only real PDF, PNG and JPEG files, recognised by their content and kept
under their clinic's folder with a random name, private on disk, and sent back as what they are."""

from __future__ import annotations

import io
import re
import stat
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as Browser
from PIL import Image

from backcare.records import clearances
from backcare.records.documents import media_type
from backcare.records.models import Clearance, Client, User
from tests.web.conftest import TODAY, new_client


def image(kind: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 120, 40)).save(out, format=kind)
    return out.getvalue()


PNG, JPEG = image("PNG"), image("JPEG")


@pytest.fixture
def documents(settings: Any, tmp_path: Path) -> Path:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    return tmp_path


@pytest.fixture
def waiting(therapist_a: User) -> Client:
    """A client whose high blood pressure waits for a doctor's clearance."""
    return new_client(
        therapist_a, "Cy", "Waiting", conditions=[{"id": "hypertension", "status": "active"}]
    )


def send(browser: Browser, person: Client, name: str, content: bytes, claimed: str) -> Any:
    return browser.post(
        f"/clients/{person.pk}/clearances/new/",
        {
            "received_from": "Dr Jones, GP",
            "received_on": TODAY.isoformat(),
            "covers": [f["rule"] for f in clearances.pending(person)],
            "document": SimpleUploadedFile(name, content, content_type=claimed),
        },
    )


@pytest.mark.parametrize(
    ("name", "content", "kind", "shown"),
    [
        ("Letter from Dr Jones.pdf", b"%PDF-1.7\n1 0 obj\n<<>>\n%%EOF", "application/pdf", "pdf"),
        ("scan.png", PNG, "image/png", "png"),
        ("../../etc/photo of letter.JPG", JPEG, "image/jpeg", "jpg"),
    ],
)
def test_a_pdf_png_or_jpeg_is_kept_privately_under_a_random_name_and_sent_back_as_itself(
    browser_a: Browser,
    waiting: Client,
    documents: Path,
    name: str,
    content: bytes,
    kind: str,
    shown: str,
) -> None:
    response = send(browser_a, waiting, name, content, "application/octet-stream")
    assert response.status_code == 302

    clearance = Clearance.objects.get(client=waiting)
    path = clearance.document.name
    assert re.fullmatch(
        rf"clinic-{waiting.clinic_id}/clearances/\d{{4}}/[0-9a-f]{{32}}\.{shown}", path
    )
    assert stat.S_IMODE((documents / path).stat().st_mode) == 0o600
    assert clearance.document_name == Path(name).name  # the folders of the name are dropped

    sent = browser_a.get(f"/clients/{waiting.pk}/clearances/{clearance.pk}/document/")
    assert sent["Content-Type"] == kind
    assert sent["Content-Disposition"].startswith("attachment;")
    assert Path(name).name.split(".")[0] in sent["Content-Disposition"]
    assert sent["X-Content-Type-Options"] == "nosniff"
    assert b"".join(sent.streaming_content) == content  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("name", "content", "claimed"),
    [
        ("letter.pdf", b"<html><script>alert(1)</script></html>", "application/pdf"),
        ("scan.png", PNG[:60], "image/png"),  # a PNG cut short
        ("scan.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 200, "image/jpeg"),  # a forged header
        ("tool.exe", b"MZ\x90\x00\x03", "application/octet-stream"),
        ("picture.gif", b"GIF89a\x01\x00\x01\x00", "image/gif"),
        ("empty.pdf", b"", "application/pdf"),
    ],
)
def test_anything_else_is_refused_saying_what_is_allowed_and_nothing_is_kept(
    browser_a: Browser, waiting: Client, documents: Path, name: str, content: bytes, claimed: str
) -> None:
    response = send(browser_a, waiting, name, content, claimed)

    assert response.status_code == 200
    assert "document: not a readable PDF, PNG or JPEG file" in response.content.decode()
    assert not Clearance.objects.filter(client=waiting).exists()
    assert not [p for p in documents.rglob("*") if p.is_file()]


def test_a_file_over_the_configured_size_is_refused_naming_the_limit(
    browser_a: Browser, waiting: Client, documents: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BACKCARE_MAX_UPLOAD_MB", "1")
    big = b"%PDF-1.4\n" + b"0" * (1024 * 1024)

    response = send(browser_a, waiting, "big.pdf", big, "application/pdf")

    assert (
        "document: the file is 1,048,585 bytes; at most 1 MiB (1,048,576 bytes) is allowed"
        in response.content.decode()
    )
    assert not Clearance.objects.filter(client=waiting).exists()


def test_a_document_kept_before_types_were_recorded_is_still_sent_as_what_it_is(
    browser_a: Browser, waiting: Client, documents: Path, therapist_a: User
) -> None:
    (documents / "clearances" / "2025").mkdir(parents=True)
    (documents / "clearances" / "2025" / "old letter.png").write_bytes(PNG)
    old = Clearance.objects.create(
        clinic=waiting.clinic,
        client=waiting,
        received_from="Dr Old",
        received_on=TODAY,
        document="clearances/2025/old letter.png",
        recorded_by=therapist_a,
    )

    sent = browser_a.get(f"/clients/{waiting.pk}/clearances/{old.pk}/document/")

    assert sent.status_code == 200
    assert sent["Content-Type"] == "image/png"
    assert "old letter.png" in sent["Content-Disposition"]
    assert b"".join(sent.streaming_content) == PNG  # type: ignore[attr-defined]


def test_a_request_far_over_the_limit_is_refused_before_it_is_read(
    browser_a: Browser, waiting: Client, documents: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BACKCARE_MAX_UPLOAD_MB", "1")
    huge = b"%PDF-1.4\n" + b"0" * (3 * 1024 * 1024)

    response = send(browser_a, waiting, "huge.pdf", huge, "application/pdf")

    assert response.status_code == 413
    assert "A document may be at most 1 MiB. Nothing was saved." in response.content.decode()
    assert "Content-Security-Policy" in response
    assert not Clearance.objects.filter(client=waiting).exists()
    assert not [p for p in documents.rglob("*") if p.is_file()]


def test_an_image_cut_short_is_refused_after_the_pdf_engine_has_loaded() -> None:
    """WeasyPrint (the progress report's PDF) lets Pillow accept truncated images for the whole
    process; an upload is still read strictly, and WeasyPrint's choice is left as it was."""
    import weasyprint  # noqa: F401  (as rendering a report's PDF loads it)
    from PIL import ImageFile

    assert ImageFile.LOAD_TRUNCATED_IMAGES
    assert media_type(PNG[:60], lambda: PNG[:60]) is None
    assert media_type(JPEG[:-40], lambda: JPEG[:-40]) is None
    assert media_type(PNG[:8], lambda: PNG) == "image/png"
    assert ImageFile.LOAD_TRUNCATED_IMAGES

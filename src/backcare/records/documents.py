"""Uploaded documents (a physician's clearance): what is accepted, where it is kept, how it is sent.

Only PDF, PNG and JPEG, recognised by their content, never by the name or the type the browser
claims: a PDF by its ``%PDF-`` header, an image by Pillow reading it whole. A file larger than
``config.max_upload_bytes()`` is refused. Each is stored under its clinic's folder with a random
name (``clinic-7/clearances/2026/3f9c...e1.pdf``), so no name a user typed reaches the disk; the
original name is kept, cleaned, only to show and to offer when the file is downloaded.
"""

from __future__ import annotations

import io
import re
import secrets
import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import PurePath
from typing import Any

from PIL import Image, ImageFile, UnidentifiedImageError

from backcare import config
from backcare.errors import InvalidIntake, Problem

PDF = "application/pdf"
KINDS = {PDF: "pdf", "image/png": "png", "image/jpeg": "jpg"}
_PILLOW_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg"}
_UNSAFE = re.compile(r"[^\w .()+-]+")
NAME_CHARS = 120


@dataclass(frozen=True, slots=True)
class Document:
    """An accepted upload: its bytes' true media type and the name to show."""

    content_type: str
    display_name: str

    @property
    def extension(self) -> str:
        return KINDS[self.content_type]


_STRICT = threading.Lock()


def decoded_image(content: bytes) -> tuple[str, tuple[int, int]] | None:
    """The format and size of an image Pillow decodes whole, or None when it cannot. Decoded
    strictly whatever another library set: WeasyPrint turns Pillow's LOAD_TRUNCATED_IMAGES on
    for the whole process, which would let a file cut short pass."""
    with _STRICT:
        lenient, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
        try:
            with Image.open(io.BytesIO(content)) as image:
                image.load()  # decodes every pixel: a truncated or forged image fails here
                return str(image.format), image.size
        except (
            UnidentifiedImageError,
            Image.DecompressionBombError,
            OSError,
            SyntaxError,
            ValueError,
        ):
            return None
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = lenient


def media_type(head: bytes, read: Callable[[], bytes] | None = None) -> str | None:
    """The media type of a file whose first bytes are ``head`` (``read()`` gives the whole file
    when an image needs reading through), or None when it is none of the accepted kinds."""
    if head.startswith(b"%PDF-"):
        return PDF
    if not head.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")) or read is None:
        return None
    decoded = decoded_image(read())
    return _PILLOW_TYPES.get(decoded[0]) if decoded else None


def check(upload: Any, *, field: str = "document") -> Document:
    """The accepted document, or InvalidIntake saying what is wrong and what is allowed."""
    limit = config.max_upload_bytes()
    if upload.size > limit:
        raise InvalidIntake(
            [
                Problem(
                    field,
                    f"the file is {upload.size:,} bytes; at most {limit >> 20} MiB "
                    f"({limit:,} bytes) is allowed: save or scan it smaller",
                )
            ]
        )
    upload.seek(0)
    head = upload.read(16)

    def whole() -> bytes:
        upload.seek(0)
        return bytes(upload.read(limit + 1))

    kind = media_type(head, whole)
    upload.seek(0)
    if kind is None:
        raise InvalidIntake(
            [Problem(field, "not a readable PDF, PNG or JPEG file; scan or save it as one of them")]
        )
    return Document(kind, display_name(upload.name or "", KINDS[kind]))


def display_name(original: str, extension: str) -> str:
    """The uploaded file's name, cleaned to show: no folders, no control or odd characters."""
    name = unicodedata.normalize("NFC", PurePath(original.replace("\\", "/")).name)
    name = _UNSAFE.sub("_", name).strip(" ._") or f"document.{extension}"
    return name[-NAME_CHARS:]


def stored_name(*, clinic_id: int, day: date, extension: str) -> str:
    """Where a clinic's new clearance is kept: its folder, the year, a random name."""
    return f"clinic-{clinic_id}/clearances/{day.year}/{secrets.token_hex(16)}.{extension}"


def sent_as(stored: Any, *, content_type: str, name: str) -> tuple[str, str]:
    """The media type and file name to send a stored document with. A document kept before its
    type was recorded is recognised by its content now; one of no accepted kind goes as bytes."""
    if not content_type:
        with stored.open("rb") as stream:
            content_type = media_type(stream.read(16), lambda: _rewound(stream)) or ""
    fallback = display_name(PurePath(stored.name).name, KINDS.get(content_type, "bin"))
    return content_type or "application/octet-stream", name or fallback


def _rewound(stream: Any) -> bytes:
    stream.seek(0)
    return bytes(stream.read(config.max_upload_bytes() + 1))

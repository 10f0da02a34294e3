"""How much a user may type or upload, in one place.

Two kinds of bound live here. Ranges the knowledge base or the intake contract already set (a
plan's sessions a week, a pain score) are read from their models, so a change there reaches every
form. Product limits are not clinical facts: they keep a record readable, a page fast and the
disk safe, and each says why it is the size it is.
"""

from __future__ import annotations

from dataclasses import dataclass

from annotated_types import Ge, Gt, Le, Lt
from pydantic import BaseModel

from backcare.clinical.intake import Pain, Preferences
from backcare.knowledge.model import Schedule


@dataclass(frozen=True, slots=True)
class Range:
    """A closed range of numbers, or one open at the bottom (``low_open``: more than ``low``)."""

    low: float
    high: float
    low_open: bool = False

    def __contains__(self, value: float) -> bool:
        above = value > self.low if self.low_open else value >= self.low
        return above and value <= self.high

    def __str__(self) -> str:
        low, high = _plain(self.low), _plain(self.high)
        return f"more than {low} and at most {high}" if self.low_open else f"from {low} to {high}"


def _plain(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


def range_of(model: type[BaseModel], field: str) -> Range:
    """The range a pydantic model declares for ``field`` (its ge or gt, and its le)."""
    low, high, low_open = float("-inf"), float("inf"), False
    for bound in model.model_fields[field].metadata:
        if isinstance(bound, Ge):
            low = float(bound.ge)  # type: ignore[arg-type]
        elif isinstance(bound, Gt):
            low, low_open = float(bound.gt), True  # type: ignore[arg-type]
        elif isinstance(bound, Le):
            high = float(bound.le)  # type: ignore[arg-type]
        elif isinstance(bound, Lt):
            raise ValueError(f"{model.__name__}.{field}: a range open at the top is not supported")
    return Range(low, high, low_open)


# From the knowledge base's plan schedules and the intake contract.
SESSIONS_PER_WEEK = range_of(Schedule, "sessions_per_week")
TOTAL_SESSIONS = range_of(Schedule, "total_sessions")
REASSESS_AFTER_SESSIONS = range_of(Schedule, "reassess_after_sessions")
PLAN_SESSION_MINUTES = range_of(Preferences, "session_minutes")  # what a client may ask for
PAIN_SCORE = range_of(Pain, "intensity")  # the 0-10 numeric rating scale of the contract

# Product limits.
SESSION_MINUTES = Range(5, 240)
"""Minutes a session note may record: a five-minute check to a four-hour day's work."""

NOTE_CHARS = 10_000
"""Characters in one free-text field of a note (each of S, O, A and P; an adverse event, an
addendum, a clearance's note): about three typed pages, far more than a session needs, and small
enough that a pasted file or a runaway script cannot fill the record."""

SEARCH_CHARS = 100
"""Characters of a client search: longer than any name, email and phone together."""

SEARCH_WORDS = 6
"""Words of a client search: each word is one more condition on every client row."""

FHIR_BUNDLE_MEGABYTES = 5
"""Size cap of a FHIR Bundle to import, in MiB: a client's history with hundreds of resources is
well under 1 MiB; more is likely a whole register, which is not one client."""

UPLOAD_MEGABYTES = 10
"""Default size cap of an uploaded document (a clearance), in MiB; a scanned letter at 300 dpi is
well under it. BACKCARE_MAX_UPLOAD_MB changes it (see backcare.config.max_upload_bytes)."""

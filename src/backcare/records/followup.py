"""The short follow-up screening at each visit: new warning signs, new medicines, new
conditions since the last intake. Anything new makes a new intake version (the latest one with
the new answers added), so the screening runs on the updated intake as it does for any intake;
if its decision stops massage, the session must not be recorded."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from backcare.errors import InvalidIntake, Problem
from backcare.knowledge.contract import RED_FLAGS
from backcare.records import intakes
from backcare.records.models import Assessment, Client, User


@dataclass(frozen=True)
class Answers:
    warning_signs: list[str] = field(default_factory=list)
    medications: list[str] = field(default_factory=list)
    conditions: list[str] = field(default_factory=list)

    @property
    def anything_new(self) -> bool:
        return bool(self.warning_signs or self.medications or self.conditions)


@dataclass(frozen=True)
class FollowUp:
    assessment: Assessment | None
    stops: str


def follow_up(*, user: User, client: Client, answers: Answers, today: date) -> FollowUp:
    """Screen again with what is new; ``stops`` says why massage is stopped ("" if it is not)."""
    if not answers.anything_new:
        return FollowUp(None, "")
    unknown = [flag for flag in answers.warning_signs if flag not in RED_FLAGS]
    if unknown:
        raise InvalidIntake([Problem("warning_signs", f"unknown: {', '.join(unknown)}")])
    latest = client.intakes.order_by("-version").first()
    if latest is None:
        raise InvalidIntake([Problem("follow_up", "record the intake first")])
    data = {**latest.data, "assessed_on": today.isoformat()}
    data["red_flags"] = {**data.get("red_flags", {}), **dict.fromkeys(answers.warning_signs, True)}
    data["medications"] = [*data.get("medications", []), *answers.medications]
    data["conditions"] = [*data.get("conditions", []), *answers.conditions]
    assessment = intakes.record_intake(
        user=user, client=client, data=data, today=today, reason=_reason(answers)
    )
    result = assessment.result
    stops = "" if result["massage_today"] else f"{assessment.decision}: {result['summary']}"
    return FollowUp(assessment, stops)


def _reason(answers: Answers) -> str:
    said = [
        *(f"new warning sign {flag.replace('_', ' ')}" for flag in answers.warning_signs),
        *(f"new medicine {name}" for name in answers.medications),
        *(f"new condition {name}" for name in answers.conditions),
    ]
    return ("Follow-up at the session: " + "; ".join(said))[:300]

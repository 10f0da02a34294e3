"""Recording an outcome measure for a client: scored from its answers as the instrument's manual
says (``clinical/instruments.py``), checked (the date, the point in the course, the session),
stored once and audited. Too few answers to score is kept as an incomplete measure."""

from __future__ import annotations

from datetime import date
from typing import Any

from backcare.clinical.instruments import score
from backcare.errors import InvalidIntake, Problem
from backcare.knowledge import load_knowledge
from backcare.records import audit, saving
from backcare.records.models import Client, Measure, User
from backcare.records.sessions import first_day


@saving.atomic
def record_measure(
    *,
    user: User,
    client: Client,
    instrument: str,
    answers: dict[str, Any],
    measured_on: date,
    point: str,
    today: date,
    session_id: int | None = None,
    correction_of: int | None = None,
    reason: str = "",
) -> Measure:
    """Score and store one measure; InvalidIntake names every field that is wrong.

    With ``correction_of`` the new measure puts right an earlier one of the same instrument
    (which stays on record, no longer counted) and ``reason`` says why."""
    kb = load_knowledge()
    found = kb.instruments.get(instrument)
    if found is None:
        allowed = ", ".join(i.abbreviation for i in kb.instruments.values())
        raise InvalidIntake([Problem("instrument", f"unknown instrument; allowed: {allowed}")])
    saving.lock_client(client)
    problems = _check(client, measured_on, point, today, session_id)
    problems += _check_correction(client, instrument, correction_of, reason)
    try:
        scored = score(found, answers, kb)
    except InvalidIntake as error:
        problems += error.problems
    if problems:
        raise InvalidIntake(problems)
    measure = Measure.objects.create(
        clinic=client.clinic,
        client=client,
        session_id=session_id,
        instrument=instrument,
        measured_on=measured_on,
        point=point,
        score=scored.score,
        answers=answers,
        result=scored.result(),
        recorded_by=user,
        correction_of_id=correction_of,
        reason=reason.strip() if correction_of else "",
    )
    audit.record(
        user=user,
        action="measure.record",
        client=client,
        target=f"measure {measure.pk}",
        detail={
            "instrument": instrument,
            "complete": scored.score is not None,
            **({"corrects": f"measure {correction_of}"} if correction_of else {}),
        },
    )
    return measure


def _check(
    client: Client, measured_on: date, point: str, today: date, session_id: int | None
) -> list[Problem]:
    problems = []
    if measured_on > today:
        problems.append(Problem("measured_on", f"{measured_on} is in the future"))
    first = first_day(client)
    if first is None:
        problems.append(Problem("measured_on", "record the intake before the first measure"))
    elif measured_on < first:
        problems.append(
            Problem("measured_on", f"{measured_on} is before the first intake ({first})")
        )
    if point not in Measure.Point.values:
        problems.append(Problem("point", f"allowed: {', '.join(Measure.Point.values)}"))
    if session_id is not None and not client.sessions.filter(pk=session_id).exists():
        problems.append(Problem("session", f"no session {session_id} of this client"))
    return problems


def _check_correction(
    client: Client, instrument: str, correction_of: int | None, reason: str
) -> list[Problem]:
    if correction_of is None:
        return []
    earlier = client.measures.filter(pk=correction_of, instrument=instrument).first()
    if earlier is None:
        return [Problem("correction_of", f"no {instrument} measure {correction_of} of this client")]
    problems = []
    if Measure.objects.filter(correction_of=earlier).exists():
        problems.append(Problem("correction_of", "that measure has been corrected already"))
    if not reason.strip():
        problems.append(Problem("reason", "say why the measure is corrected"))
    return problems

"""Form values from a stored intake: to start a correction from what was recorded, with
enough rows for every entry."""

from __future__ import annotations

from datetime import date
from typing import Any

from backcare.records.models import Client
from backcare.records.summary import number
from backcare.web.intake_form import ROWS
from backcare.web.questions import red_flag_name, tri_value


def rows_for(data: dict[str, Any] | None) -> dict[str, int]:
    """Enough rows for a stored intake's entries, plus an empty one to add another."""
    data = data or {}
    return {
        "condition": max(ROWS["condition"], len(data.get("conditions", [])) + 1),
        "procedure": max(ROWS["procedure"], len(data.get("procedures", [])) + 1),
        "skin": max(ROWS["skin"], len(data.get("skin", [])) + 1),
    }


def initial_from(data: dict[str, Any]) -> dict[str, Any]:
    """Form values from a stored intake, to start a correction from."""
    client, pain = data.get("client", {}), data.get("pain") or {}
    prefs, vitals = data.get("preferences", {}), data.get("vitals", {})
    initial: dict[str, Any] = {
        "age": client.get("age"),
        "sex": client.get("sex") or "",
        "pregnant_weeks": client.get("pregnant_weeks"),
        "pregnancy_complications": ", ".join(client.get("pregnancy_complications", [])),
        "breastfeeding": tri_value(client.get("breastfeeding")),
        "occupation": client.get("occupation") or "",
        "has_pain": data.get("pain") is not None,
        "pain_regions": pain.get("regions", []),
        "duration_weeks": number(pain.get("duration_weeks")),
        "intensity": pain.get("intensity"),
        "cause": pain.get("cause") or "",
        "radiates_below_knee": tri_value(pain.get("radiates_below_knee")),
        "numbness": pain.get("numbness", []),
        "weakness": pain.get("weakness", []),
        "worse_at_night": tri_value(pain.get("worse_at_night")),
        "morning_stiffness_minutes": pain.get("morning_stiffness_minutes"),
        "new_or_changed": tri_value(pain.get("new_or_changed")),
        "medications": "\n".join(data.get("medications", [])),
        "allergies": "\n".join(data.get("allergies", [])),
        "temperature_c": vitals.get("temperature_c"),
        "systolic": vitals.get("systolic"),
        "diastolic": vitals.get("diastolic"),
        "pressure": prefs.get("pressure") or "",
        "modalities": prefs.get("modalities", []),
        "massage_experience": prefs.get("massage_experience") or "",
        "session_minutes": prefs.get("session_minutes"),
        "sessions_per_month": prefs.get("sessions_per_month"),
        "goals": prefs.get("goals", ""),
        "notes": data.get("notes", ""),
    }
    for flag, answer in (data.get("red_flags") or {}).items():
        if answer is not None:
            initial[red_flag_name(flag)] = "yes" if answer else "no"
    for i, condition in enumerate(data.get("conditions", [])):
        initial[f"condition_{i}_id"] = condition["id"]
        initial[f"condition_{i}_status"] = condition.get("status", "")
        initial[f"condition_{i}_region"] = list(condition.get("regions") or [])
    for i, procedure in enumerate(data.get("procedures", [])):
        initial[f"procedure_{i}_kind"] = procedure["kind"]
        initial[f"procedure_{i}_date"] = procedure["date"]
        initial[f"procedure_{i}_region"] = list(procedure.get("region") or [])
    for i, finding in enumerate(data.get("skin", [])):
        initial[f"skin_{i}_finding"] = finding["finding"]
        initial[f"skin_{i}_region"] = list(finding["region"])
    return initial


def today_initial(client: Client, today: date) -> dict[str, Any]:
    return {"assessed_on": today, "age": client.age_on(today), "has_pain": True}


def client_initial(start: dict[str, Any] | None, client: Client, today: date) -> dict[str, Any]:
    """The client's own form: their earlier answers, with today's age when the birth date is
    known."""
    if not start:
        return today_initial(client, today)
    initial = initial_from(start)
    if client.date_of_birth is not None:
        initial["age"] = client.age_on(today)
    return initial

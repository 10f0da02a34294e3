"""One client's FHIR Bundle against the reviewed snapshot in tests/golden/fhir: the same records
always give the same Bundle, ids and dates included. The records are built in memory (nothing
saved), so the ids and timestamps are fixed.

To accept a deliberate change: BACKCARE_UPDATE_GOLDEN=1 pytest tests/unit/test_fhir_golden.py,
then review the diff of tests/golden/fhir before committing it."""

from __future__ import annotations

import json
import os
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from backcare.clinical import assess, parse_intake, to_json
from backcare.interop.fhir.export import Record, build
from backcare.records.models import (
    Assessment,
    Client,
    Intake,
    Measure,
    Plan,
    Referral,
    SessionNote,
    User,
)
from tests.conftest import TODAY

GOLDEN = Path(__file__).parent.parent / "golden" / "fhir" / "client-bundle.json"
AT = datetime(2026, 11, 22, 9, 30, tzinfo=UTC)
INTAKE: dict[str, Any] = {
    "assessed_on": "2026-11-22",
    "client": {"age": 71, "sex": "male"},
    "pain": {"regions": ["mid_back"], "duration_weeks": 15, "intensity": 4, "cause": "posture"},
    "conditions": [
        {"id": "osteoarthritis", "status": "controlled", "regions": ["hip_left"]},
        {"id": "migraine", "status": "history", "since": "2019-03-01", "note": "Rare now"},
    ],
    "medications": ["enoxaparin injections daily"],
    "allergies": ["nut oil"],
    "skin": [{"finding": "bruise", "region": "mid_back_left"}],
    "vitals": {"systolic": 138, "diastolic": 84},
}


def record(kb: Any) -> Record:
    client = Client(pk=7, first_name="Arthur", last_name="Hughes", date_of_birth=date(1955, 6, 2))
    result = to_json(assess(parse_intake(INTAKE, today=TODAY), kb))
    made = result["plan"]
    plan = Plan(
        pk=3,
        active=True,
        modality=made["modality"],
        session_minutes=made["session_minutes"],
        sessions_per_week=made["sessions_per_week"],
        total_sessions=made["total_sessions"],
        reassess_after_sessions=made["reassess_after_sessions"],
        max_pressure=made["max_pressure"],
        details={"goals": made["goals"], "avoid_regions": made["avoid_regions"]},
        created_at=AT,
    )
    therapist = User(username="sam", first_name="Sam", last_name="Rivers")
    session = SessionNote(
        pk=11,
        plan=plan,
        therapist=therapist,
        session_date=date(2026, 11, 29),
        subjective="Stiff after gardening.",
        regions=["mid_back_right"],
        techniques=["effleurage"],
        pressure="light",
        minutes=45,
        pain_before=4,
        pain_after=2,
    )
    measure = Measure(
        pk=5,
        instrument="start_back",
        measured_on=date(2026, 11, 22),
        point="baseline",
        score=3,
        answers={"leg_pain": "disagree", "bothersome": "moderately"},
        result={"answered": 9, "group": "low"},
    )
    referral = Referral(
        pk=2,
        referrer="Dr Jonas Berg, physiatrist",
        referred_on=date(2026, 11, 1),
        diagnosis="Thoracic back pain",
        icd10="M54.6",
        frequency="twice a week",
        visits_authorised=6,
        expires_on=date(2027, 1, 1),
    )
    return Record(
        client=client,
        intake=Intake(data=INTAKE),
        assessment=Assessment(result=result, created_at=AT),
        plan=plan,
        sessions=[session],
        measures=[measure],
        referrals=[referral],
    )


def test_bundle_matches_the_reviewed_snapshot(kb):
    bundle = build(record(kb), kb, today=TODAY)
    assert build(record(kb), kb, today=TODAY) == bundle
    if os.environ.get("BACKCARE_UPDATE_GOLDEN"):
        GOLDEN.write_text(json.dumps(bundle, indent=2, ensure_ascii=False) + "\n")
    assert bundle == json.loads(GOLDEN.read_text())

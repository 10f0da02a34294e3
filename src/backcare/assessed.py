"""An intake assessed, as ``backcare assess --json`` prints it and ``POST /api/v1/assess``
answers: one function makes both, so the two can never differ by a byte."""

from __future__ import annotations

from datetime import date
from typing import Any

from backcare.clinical import assess, parse_intake
from backcare.clinical.assessment import Assessment, to_json_bytes
from backcare.clinical.intake import Intake, check_against
from backcare.knowledge import KnowledgeBase, load_knowledge


def assessed(data: Any, *, today: date) -> tuple[KnowledgeBase, Intake, Assessment]:
    """The knowledge base, the validated intake and its assessment; InvalidIntake names every
    problem (the intake is checked before the knowledge base is loaded)."""
    intake = parse_intake(data, today=today)
    kb = load_knowledge()
    check_against(intake, kb.modalities)
    return kb, intake, assess(intake, kb)


def assessment_json(data: Any, *, today: date) -> tuple[str, str]:
    """The assessment JSON of spec v1 as text (two-space indents, UTF-8 kept, a final newline),
    and its decision."""
    _, _, assessment = assessed(data, today=today)
    text = to_json_bytes(assessment, indent=True).decode() + "\n"
    return text, assessment.decision.name

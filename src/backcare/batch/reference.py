"""The reference engine: each row validated by ``parse_intake`` and screened by the core's
``assess``, one at a time. Any faster engine must give the same rows."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from backcare.batch import result
from backcare.batch.registers import Row
from backcare.clinical import Intake, assess, parse_intake
from backcare.clinical.intake import check_against
from backcare.errors import InvalidIntake
from backcare.knowledge import KnowledgeBase, load_knowledge

Screened = tuple[list[dict[str, Any]], list[Row]]


def parsed(
    rows: Sequence[Row], *, today: date, kb: KnowledgeBase
) -> tuple[list[tuple[Row, Intake]], list[Row]]:
    """The rows that are valid intakes, each with its intake, and the rows refused with why."""
    valid: list[tuple[Row, Intake]] = []
    refused: list[Row] = []
    for row in rows:
        if row.problems:
            refused.append(row)
            continue
        try:
            intake = parse_intake(row.data, today=today)
            check_against(intake, kb.modalities)
        except InvalidIntake as error:
            refused.append(Row(row.number, row.id, problems=tuple(error.problems)))
            continue
        valid.append((row, intake))
    return valid, refused


def screen_chunk(rows: Sequence[Row], *, today: date, full: bool) -> Screened:
    """The result rows of the rows that could be screened, and the rows refused with why."""
    kb = load_knowledge()
    valid, refused = parsed(rows, today=today, kb=kb)
    screened = [
        result.row(row.number, row.id, assess(intake, kb), full=full) for row, intake in valid
    ]
    return screened, refused

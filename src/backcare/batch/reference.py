"""The reference engine: each row validated by ``parse_intake`` and screened by the core's
``assess``, one at a time. Any faster engine must give the same rows."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from backcare.batch import result
from backcare.batch.registers import Row
from backcare.clinical import assess, parse_intake
from backcare.clinical.intake import check_against
from backcare.errors import InvalidIntake
from backcare.knowledge import KnowledgeBase, load_knowledge


def screen_chunk(
    rows: Sequence[Row], *, today: date, full: bool, kb: KnowledgeBase | None = None
) -> tuple[list[dict[str, Any]], list[Row]]:
    """The result rows of the rows that could be screened, and the rows refused with why."""
    kb = kb or load_knowledge()
    screened: list[dict[str, Any]] = []
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
        screened.append(result.row(row.number, row.id, assess(intake, kb), full=full))
    return screened, refused

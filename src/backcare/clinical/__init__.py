"""The pure clinical core: intake, screening, recommendation, plan. No I/O, no clock.

The names below load their modules on first use (reading an intake needs no screening)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from backcare.lazy import exports

if TYPE_CHECKING:
    from backcare.clinical.assessment import Assessment, assess, to_json
    from backcare.clinical.intake import Intake, parse_intake

__all__ = ["Assessment", "Intake", "assess", "parse_intake", "to_json"]
__getattr__, __dir__ = exports(
    __name__,
    {
        "Assessment": "backcare.clinical.assessment",
        "assess": "backcare.clinical.assessment",
        "to_json": "backcare.clinical.assessment",
        "Intake": "backcare.clinical.intake",
        "parse_intake": "backcare.clinical.intake",
    },
)

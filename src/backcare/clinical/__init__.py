"""The pure clinical core: intake, screening, recommendation, plan. No I/O, no clock."""

from backcare.clinical.assessment import Assessment, assess, to_json
from backcare.clinical.intake import Intake, parse_intake

__all__ = ["Assessment", "Intake", "assess", "parse_intake", "to_json"]

"""backcare: clinical decision support and outcome tracking for medical back massage."""

from backcare.clinical import Assessment, Intake, assess, parse_intake, to_json
from backcare.knowledge import KnowledgeBase, load_knowledge

__all__ = [
    "Assessment",
    "Intake",
    "KnowledgeBase",
    "assess",
    "load_knowledge",
    "parse_intake",
    "to_json",
]
__version__ = "0.1.0"

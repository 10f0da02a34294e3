"""backcare: clinical decision support and outcome tracking for medical back massage.

The public names load their modules on first use, so that ``backcare --help`` and other light
commands do not pay for the clinical core and the knowledge base.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from backcare.lazy import exports

if TYPE_CHECKING:
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
__getattr__, __dir__ = exports(
    __name__,
    {
        "Assessment": "backcare.clinical",
        "Intake": "backcare.clinical",
        "assess": "backcare.clinical",
        "parse_intake": "backcare.clinical",
        "to_json": "backcare.clinical",
        "KnowledgeBase": "backcare.knowledge",
        "load_knowledge": "backcare.knowledge",
    },
)

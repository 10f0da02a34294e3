"""backcare's knowledge base: cited clinical facts as data, loaded, checked and compiled once."""

from backcare.knowledge.base import KnowledgeBase
from backcare.knowledge.loader import load_knowledge
from backcare.knowledge.model import Decision

__all__ = ["Decision", "KnowledgeBase", "load_knowledge"]

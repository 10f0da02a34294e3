"""The knowledge base's internal names (rule ids, source keys, entry ids written as identifiers),
as one pattern: no text a therapist or a client reads may contain one."""

from __future__ import annotations

import re
from functools import cache

from backcare.knowledge import load_knowledge


@cache
def internal_names() -> re.Pattern[str]:
    """Rule ids, source keys, and entry ids written as identifiers (with _ or -)."""
    kb = load_knowledge()
    names = {compiled.rule.id for compiled in kb.rules}
    for condition, outcomes in kb.condition_outcomes.items():
        names |= {f"condition.{condition}.{status}" for status in outcomes}
    names |= {f"medication.{m}" for m in kb.medications}
    names |= set(kb.sources)
    for kind, entries in kb.kinds().items():
        if kind != "sources":
            names |= {str(i) for i in entries if re.search(r"[_.]", str(i))}
    ordered = sorted(names, key=len, reverse=True)
    return re.compile(r"(?<![\w.-])(" + "|".join(map(re.escape, ordered)) + r")(?![\w-])")

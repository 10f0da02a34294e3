"""Positioning: the position a session is given in, from the positioning the findings ask for,
and the body positions they rule out (for the session and for home routines alike)."""

from __future__ import annotations

from collections.abc import Iterable

from backcare.knowledge import KnowledgeBase
from backcare.knowledge import model as m


def ruled_out(positioning: Iterable[str], kb: KnowledgeBase) -> frozenset[str]:
    """Body positions that any of the asked-for positioning entries excludes."""
    return frozenset(p for entry in positioning for p in kb.positioning[entry].rules_out)


def session_position(positioning: Iterable[str], kb: KnowledgeBase) -> m.Positioning:
    """The first position, in the knowledge base's order, among those asked for (or any, when
    none is asked for) that nothing rules out; when every asked-for one is ruled out, the first
    asked for, since a finding that names a position needs it."""
    asked = list(dict.fromkeys(positioning))
    excluded = ruled_out(asked, kb)
    positions = [entry for entry in kb.positioning.values() if entry.position]
    named = [entry for entry in positions if entry.id in asked]
    allowed = [entry for entry in (named or positions) if entry.position not in excluded]
    return (allowed or named or positions)[0]

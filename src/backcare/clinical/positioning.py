"""Positioning: the position a session is given in, from the positioning the findings ask for,
and the body positions they rule out (for the session and for home routines alike)."""

from __future__ import annotations

from collections.abc import Iterable

from backcare.knowledge import KnowledgeBase
from backcare.knowledge import model as m


def ruled_out(positioning: Iterable[str], kb: KnowledgeBase) -> frozenset[str]:
    """Body positions that any of the asked-for positioning entries excludes."""
    return frozenset(p for entry in positioning for p in kb.positioning[entry].rules_out)


def positions(kb: KnowledgeBase) -> list[m.Positioning]:
    """The entries that are positions, the standard one first."""
    return [entry for entry in kb.positioning.values() if entry.position]


def session_position(positioning: Iterable[str], kb: KnowledgeBase) -> m.Positioning:
    """The first position, in the knowledge base's order, among those asked for that nothing
    rules out; when none is asked for, or every one asked for is ruled out, the first position
    that nothing rules out (a restriction is the safer side of a conflict)."""
    asked = list(dict.fromkeys(positioning))
    excluded = ruled_out(asked, kb)
    every = positions(kb)
    allowed = [entry for entry in every if entry.position not in excluded]
    named = [entry for entry in allowed if entry.id in asked]
    return (named or allowed or every)[0]

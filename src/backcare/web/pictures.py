"""Pictures for pages: the self-care guide's map and the session outline's map."""

from __future__ import annotations

from typing import Any

from backcare.clinical.protocol import SessionProtocol
from backcare.knowledge import load_knowledge
from backcare.reports.bodymap import body_map
from backcare.reports.protocolmap import protocol_map


def guide_map(home_care: list[dict[str, Any]], avoided: dict[str, str]) -> str:
    """Regions the self-massage routines use (blue) and those to keep off (hatched)."""
    used = {r for item in home_care if item["kind"] == "self_massage" for r in item["regions"]}
    return body_map(
        selected=sorted(used - set(avoided)),
        avoided=avoided,
        title="Where to use the ball or roller",
        legend=[("#5b9bd5", "ball or roller here"), ("hatch", "keep off")],
    )


def outline_map(outline: SessionProtocol, avoided: dict[str, str]) -> str:
    """The session outline on the body map: regions coloured by technique, avoided hatched."""
    kb = load_knowledge()
    names = {t.id: t.name for t in kb.techniques.values()}
    steps = [(step.region, step.technique, step.minutes) for step in outline.steps]
    return protocol_map(steps, technique_names=names, avoided=avoided)

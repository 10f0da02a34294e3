"""The session outline: from a plan, a timed sequence of steps (region, technique, minutes,
pressure, cue), following the modality's template in the knowledge base.

Avoided techniques and regions are dropped and the time is shared among what is left; focus
steps go to the painful regions; the minutes always add up to the session length. Only the
regions the session's position reaches are worked, and side-lying works one side, then the other.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from backcare.clinical.assessment import Assessment
from backcare.clinical.intake import Intake
from backcare.clinical.positioning import positions, session_position
from backcare.knowledge import Decision, KnowledgeBase
from backcare.knowledge import model as m


@dataclass(frozen=True, slots=True)
class Step:
    region: str
    technique: str
    minutes: int
    pressure: str
    cue: str


@dataclass(frozen=True, slots=True)
class SessionProtocol:
    decision: Decision
    modality: str | None
    total_minutes: int
    steps: tuple[Step, ...]
    positioning: tuple[str, ...]
    avoid_regions: tuple[str, ...]
    avoid_techniques: tuple[str, ...]
    position: str | None = None


def protocol_for(assessment: Assessment, intake: Intake, kb: KnowledgeBase) -> SessionProtocol:
    """The outline of the next session; no steps when massage should not go ahead today."""
    plan = assessment.plan
    if plan is None:
        return SessionProtocol(assessment.decision, None, 0, (), (), (), ())
    return build_protocol(
        decision=assessment.decision,
        modality=plan.modality,
        minutes=plan.session_minutes,
        max_pressure=plan.max_pressure,
        avoid_regions=plan.avoid_regions,
        avoid_techniques=plan.avoid_techniques,
        positioning=plan.positioning,
        painful=intake.pain.regions if intake.pain else (),
        kb=kb,
    )


def build_protocol(
    *,
    decision: Decision,
    modality: str,
    minutes: int,
    max_pressure: str,
    avoid_regions: Sequence[str],
    avoid_techniques: Sequence[str],
    positioning: Sequence[str],
    painful: Iterable[str],
    kb: KnowledgeBase,
) -> SessionProtocol:
    """Steps for a plan (as made, or as the therapist edited it) inside its limits."""
    template = kb.protocols[modality]
    cap = kb.pressure_rank(max_pressure)
    position = session_position(positioning, kb)
    avoided = set(avoid_regions) | (set(kb.regions) - set(position.reaches))
    usable = [
        technique
        for technique in kb.modalities[modality].techniques
        if technique not in avoid_techniques
        and kb.pressure_rank(kb.techniques[technique].pressure.min) <= cap
    ]
    parts = [
        part
        for step in (template.opening, *template.body, template.closing)
        if (part := _part(step, usable, avoided, set(painful))) is not None
    ]
    if not parts:
        parts = _fallback(template, usable, avoided, kb)
    elif position is not positions(kb)[0]:
        parts += _top_up(parts, template, usable, avoided, kb)
    steps = _positioned(
        [
            Step(
                region,
                technique,
                step_minutes,
                kb.gentlest(max_pressure, kb.techniques[technique].pressure.max),
                cue,
            )
            for technique, cue, region, step_minutes in _timed(parts, minutes)
        ],
        position,
        kb,
    )
    return SessionProtocol(
        decision=decision,
        modality=modality,
        total_minutes=sum(step.minutes for step in steps),
        steps=steps,
        positioning=tuple(positioning),
        avoid_regions=tuple(avoid_regions),
        avoid_techniques=tuple(avoid_techniques),
        position=position.id,
    )


@dataclass(frozen=True, slots=True)
class _Part:
    technique: str
    regions: tuple[str, ...]
    share: float
    cue: str


def _part(
    step: m.ProtocolStep, usable: list[str], avoided: set[str], painful: set[str]
) -> _Part | None:
    """A template step as it applies to this client, or None when nothing of it may be done."""
    if step.technique not in usable:
        return None
    regions = tuple(r for r in step.regions if r not in avoided)
    if step.focus and painful:
        regions = tuple(r for r in regions if r in painful) or regions
    return _Part(step.technique, regions, step.share, step.cue) if regions else None


def _fallback(
    template: m.Protocol, usable: list[str], avoided: set[str], kb: KnowledgeBase
) -> list[_Part]:
    """When every template step is ruled out: the gentlest allowed technique wherever allowed."""
    if not usable:
        return []
    gentlest = min(usable, key=lambda t: kb.pressure_rank(kb.techniques[t].pressure.min))
    steps = (template.opening, *template.body, template.closing)
    regions = tuple(dict.fromkeys(r for s in steps for r in s.regions if r not in avoided))
    regions = regions or tuple(r for r in kb.regions if r not in avoided and r != "spine")
    cue = "Only gentle work is allowed today; keep to the regions and pressure of the plan."
    return [_Part(gentlest, regions, 1.0, cue)] if regions else []


_OTHER_SIDE = {"left": "right", "right": "left"}


def _positioned(steps: list[Step], position: m.Positioning, kb: KnowledgeBase) -> tuple[Step, ...]:
    """Steps in the order the position allows, its cue at the start (and at each turn)."""
    if not steps or not position.cue:
        return tuple(steps)
    if not position.one_side_at_a_time:
        return (_cued(steps[0], position.cue), *steps[1:])
    lying = position.lies_first_on
    first, second = _OTHER_SIDE[lying], lying
    sides = [
        [s for s in steps if kb.regions[s.region].side != second],
        [s for s in steps if kb.regions[s.region].side == second],
    ]
    ordered: list[Step] = []
    for (worked, lies), side in zip(((first, lying), (second, first)), sides, strict=True):
        if side:
            ordered += [_cued(side[0], position.cue.format(lying=lies, worked=worked)), *side[1:]]
    return tuple(ordered)


def _cued(step: Step, cue: str) -> Step:
    return Step(step.region, step.technique, step.minutes, step.pressure, f"{cue} {step.cue}")


# A position that reaches less than the standard one can leave most of a template out; below
# half of it, the rest of the time goes to gentle work on what the position does reach.
_TOP_UP_BELOW = 0.5


def _top_up(
    parts: list[_Part],
    template: m.Protocol,
    usable: list[str],
    avoided: set[str],
    kb: KnowledgeBase,
) -> list[_Part]:
    total = sum(step.share for step in (template.opening, *template.body, template.closing))
    kept = sum(part.share for part in parts)
    if kept >= _TOP_UP_BELOW * total:
        return []
    regions = tuple(r for r in kb.regions if r not in avoided and r != "spine")
    gentlest = min(usable, key=lambda t: kb.pressure_rank(kb.techniques[t].pressure.min))
    cue = "Slow, gentle strokes over what this position reaches, within the plan's pressure."
    return [_Part(gentlest, regions, total - kept, cue)] if regions else []


def _timed(parts: list[_Part], total: int) -> list[tuple[str, str, str, int]]:
    """(technique, cue, region, minutes) in order; whole minutes that add up to ``total``.

    Each part gets at least a minute per region when the session is long enough, so a step
    never works one side of the back and drops the other.
    """
    per_part = _share_out(total, [part.share for part in parts], [len(p.regions) for p in parts])
    fitted = [_fit(part.regions, minutes) for part, minutes in zip(parts, per_part, strict=True)]
    for i, regions in enumerate(fitted):
        if per_part[i] and not regions:  # too short for a left-right pair: lend its time
            takers = [k for k in range(len(parts)) if fitted[k]]
            if not takers:
                fitted[i] = parts[i].regions[: per_part[i]]
                continue
            k = max(takers, key=lambda j: per_part[j])
            per_part[k], per_part[i] = per_part[k] + per_part[i], 0
            fitted[k] = _fit(parts[k].regions, per_part[k])
    timed: list[tuple[str, str, str, int]] = []
    for part, minutes, regions in zip(parts, per_part, fitted, strict=True):
        shares = _share_out(minutes, [1.0] * len(regions)) if minutes else []
        for region, region_minutes in zip(regions, shares, strict=True):
            timed.append((part.technique, part.cue, region, region_minutes))
    return timed


def _fit(regions: tuple[str, ...], minutes: int) -> tuple[str, ...]:
    """The regions a step has time for, a minute each at least, keeping left and right together."""
    if len(regions) <= minutes:
        return regions
    groups: dict[str, list[str]] = {}
    for region in regions:
        groups.setdefault(region.removesuffix("_left").removesuffix("_right"), []).append(region)
    kept: list[str] = []
    for group in groups.values():
        if len(kept) + len(group) <= minutes:
            kept.extend(group)
    return tuple(kept)


def _share_out(total: int, weights: list[float], least: list[int] | None = None) -> list[int]:
    """Whole numbers in proportion to the weights, each at least its ``least`` (or 1) when the
    total allows it, summing to ``total``."""
    count = len(weights)
    if not count:
        return []
    if total < count:
        return [1] * total + [0] * (count - total)
    floor = least if least and sum(least) <= total else [1] * count
    exact = [total * w / sum(weights) for w in weights]
    whole = [max(low, int(x)) for x, low in zip(exact, floor, strict=True)]
    while sum(whole) > total:  # take back from the part with the most to spare
        spare = [w - low for w, low in zip(whole, floor, strict=True)]
        whole[spare.index(max(spare))] -= 1
    order = sorted(range(count), key=lambda i: exact[i] - whole[i], reverse=True)
    for i in order[: total - sum(whole)]:
        whole[i] += 1
    while sum(whole) < total:
        whole[order[0]] += 1
    return whole


def protocol_json(protocol: SessionProtocol) -> dict[str, object]:
    """``{"modality", "total_minutes", "steps": [...]}`` plus the decision and session limits."""
    return {
        "decision": protocol.decision.name,
        "modality": protocol.modality,
        "total_minutes": protocol.total_minutes,
        "steps": [
            {
                "region": s.region,
                "technique": s.technique,
                "minutes": s.minutes,
                "pressure": s.pressure,
                "cue": s.cue,
            }
            for s in protocol.steps
        ],
        "positioning": list(protocol.positioning),
        "position": protocol.position,
        "avoid_regions": list(protocol.avoid_regions),
        "avoid_techniques": list(protocol.avoid_techniques),
    }

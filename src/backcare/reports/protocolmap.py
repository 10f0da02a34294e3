"""The session outline as a picture: the back body map with each region coloured by the
technique that takes the most time there, avoided regions hatched with the reason, one legend."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from backcare.reports.bodymap import body_map

# Distinct, colour-blind-friendly fills (Okabe-Ito), one per technique in order of first use.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999")


def protocol_map(
    steps: Sequence[tuple[str, str, int]],
    *,
    technique_names: Mapping[str, str],
    avoided: Mapping[str, str],
    title: str = "Session outline",
) -> str:
    """``steps`` are (region, technique, minutes) in session order."""
    minutes: dict[str, dict[str, int]] = {}
    for region, technique, step_minutes in steps:
        per_technique = minutes.setdefault(region, {})
        per_technique[technique] = per_technique.get(technique, 0) + step_minutes
    main = {
        region: max(per_technique, key=lambda t: per_technique[t])
        for region, per_technique in minutes.items()
        if region not in avoided
    }
    order = list(dict.fromkeys(t for _, t, _ in steps if t in main.values()))
    colour_of = {t: PALETTE[i % len(PALETTE)] for i, t in enumerate(order)}
    legend = [(colour_of[t], f"mostly {technique_names.get(t, t).lower()}") for t in order]
    if avoided:
        legend.append(("hatch", "avoid: " + "; ".join(sorted(set(avoided.values())))))
    return body_map(
        colours={region: colour_of[t] for region, t in main.items()},
        avoided=dict(avoided),
        legend=legend,
        title=title,
    )

"""A body map of the intake regions, drawn as one SVG figure seen from behind.

Every region id of the intake contract is exactly one shape carrying its id and label, so the
same drawing serves intake (clicking regions), screening (hatched regions to avoid) and
protocols (regions coloured by technique). The view is from behind: the client's left is on
the viewer's left. Chest and abdomen are on the front, so they are two boxes beside the figure.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from backcare.knowledge.contract import REGIONS

REGION_LABELS: dict[str, str] = {
    "head": "Head",
    "neck": "Neck",
    "shoulder_left": "Left shoulder",
    "shoulder_right": "Right shoulder",
    "upper_back_left": "Upper back, left",
    "upper_back_right": "Upper back, right",
    "mid_back_left": "Mid back, left",
    "mid_back_right": "Mid back, right",
    "low_back_left": "Low back, left",
    "low_back_right": "Low back, right",
    "spine": "Spine (midline, spinous processes)",
    "sacrum": "Sacrum",
    "buttock_left": "Left buttock",
    "buttock_right": "Right buttock",
    "hip_left": "Left hip",
    "hip_right": "Right hip",
    "thigh_left": "Left thigh (back)",
    "thigh_right": "Right thigh (back)",
    "calf_left": "Left calf",
    "calf_right": "Right calf",
    "arm_left": "Left arm",
    "arm_right": "Right arm",
    "chest": "Chest",
    "abdomen": "Abdomen",
}

WIDTH, HEIGHT = 300, 560
SKIN, OUTLINE, TEXT = "#eee3d6", "#4a4a4a", "#1f1f1f"
SELECTED, AVOID_RED, HATCH_BACKGROUND = "#5b9bd5", "#c0392b", "#fbe9e7"
LEGEND_ROW = 20

# The client's left side, drawn on the viewer's left; the right side is its mirror image.
_LEFT_SIDE = {
    "shoulder": "M144,94 L137,94 C118,96 98,100 88,108 C80,114 77,126 77,138 L101,138 "
    "Q118,128 144,126 Z",
    "upper_back": "M144,126 Q118,128 101,138 Q102,162 104,180 L144,180 Z",
    "mid_back": "M144,180 L104,180 Q106,206 110,226 L144,226 Z",
    "low_back": "M144,226 L110,226 Q108,248 102,266 L144,266 Z",
    "hip": "M102,266 L118,266 Q112,300 118,334 L101,330 Q92,298 102,266 Z",
    "buttock": "M118,266 L132,266 L150,308 L150,338 Q134,346 118,334 Q112,300 118,266 Z",
    "thigh": "M101,330 L118,334 Q134,346 148,339 L146,448 L112,448 Q98,390 101,330 Z",
    "calf": "M112,448 L146,448 C150,466 148,492 141,528 L125,528 C116,500 106,470 112,448 Z",
    "arm": "M77,138 L101,138 L98,196 Q96,222 93,244 L87,330 Q86,356 77,362 Q66,358 66,334 "
    "L68,244 Q70,218 74,196 Z",
}
_FRONT_BOXES = {"chest": 14, "abdomen": 52}  # top edge of each box, in the top-right corner


def _mirror(path: str) -> str:
    """The same outline reflected across the midline (x = 150)."""
    return re.sub(r"(\d+),(\d+)", lambda m: f"{WIDTH - int(m[1])},{m[2]}", path)


def _shapes() -> dict[str, tuple[str, dict[str, str]]]:
    """Each region id's SVG element name and geometry attributes."""
    shapes: dict[str, tuple[str, dict[str, str]]] = {
        "head": ("ellipse", {"cx": "150", "cy": "44", "rx": "24", "ry": "30"}),
        "neck": ("path", {"d": "M139,66 L161,66 L163,94 L137,94 Z"}),
        "spine": ("rect", {"x": "144", "y": "94", "width": "12", "height": "172", "rx": "4"}),
        "sacrum": ("path", {"d": "M132,266 L168,266 L150,308 Z"}),
    }
    for part, path in _LEFT_SIDE.items():
        shapes[f"{part}_left"] = ("path", {"d": path})
        shapes[f"{part}_right"] = ("path", {"d": _mirror(path)})
    for region, top in _FRONT_BOXES.items():
        box = {"x": "200", "y": str(top), "width": "96", "height": "30", "rx": "4"}
        shapes[region] = ("rect", box)
    return shapes


def region_label(region_id: str) -> str:
    """The human label of a region id, as written in the knowledge base."""
    _check_regions([region_id])
    return REGION_LABELS[region_id]


def body_map(
    *,
    selected: Iterable[str] = (),
    avoided: Mapping[str, str] | Iterable[str] = (),
    colours: Mapping[str, str] | None = None,
    legend: Sequence[tuple[str, str]] = (),
    title: str = "Back body map",
    interactive: bool = False,
    id_prefix: str = "",
) -> str:
    """The body map as an SVG string, with regions marked selected, avoided or coloured.

    `avoided` may map each region to a reason, which is added to that region's title so the
    reason is read out with it. `legend` rows are (colour or "hatch", label). Unknown region
    ids raise ValueError. `id_prefix` keeps ids unique when a page holds several maps.
    """
    marks = _Marks(
        selected=tuple(dict.fromkeys(selected)),
        reasons=dict(avoided) if isinstance(avoided, Mapping) else dict.fromkeys(avoided, ""),
        colours=dict(colours or {}),
        hatch=f"{id_prefix}hatch",
    )
    _check_regions([*marks.selected, *marks.reasons, *marks.colours])
    height = HEIGHT + (len(legend) * LEGEND_ROW + 12 if legend else 0)
    shapes = _shapes()
    parts = [
        *_opening(title, marks, height=height, interactive=interactive, id_prefix=id_prefix),
        *_decoration(),
    ]
    for region in REGIONS:
        tag, geometry = shapes[region]
        attrs = {
            "id": f"{id_prefix}region-{region}",
            "data-region": region,
            "class": marks.classes(region),
            **geometry,
            "fill": marks.fill(region),
            "stroke": OUTLINE,
            "stroke-width": "1.2",
        }
        if interactive:
            attrs |= {"tabindex": "0", "focusable": "true"}
        title_text = escape(marks.label(region))
        parts.append(f"<{tag} {_attributes(attrs)}><title>{title_text}</title></{tag}>")
    parts.extend(_front_labels())
    for region in marks.reasons:  # drawn last so neighbouring shapes cannot cover the red outline
        tag, geometry = shapes[region]
        outline = {**geometry, "class": "avoided-outline", "fill": "none"}
        outline |= {"stroke": AVOID_RED, "stroke-width": "2.2", "pointer-events": "none"}
        parts.append(f'<{tag} {_attributes(outline)} aria-hidden="true"/>')
    parts.extend(_legend(legend, marks.hatch))
    parts.append("</svg>")
    return "\n".join(parts)


@dataclass(frozen=True)
class _Marks:
    """What the caller marked on the map, and how each region is therefore painted."""

    selected: tuple[str, ...]
    reasons: Mapping[str, str]
    colours: Mapping[str, str]
    hatch: str

    def fill(self, region: str) -> str:
        # Avoidance wins over any colour, so a region to avoid is never shown as one to treat.
        if region in self.reasons:
            return f"url(#{self.hatch})"
        return self.colours.get(region, SELECTED if region in self.selected else SKIN)

    def classes(self, region: str) -> str:
        names = ["region"]
        names += ["selected"] if region in self.selected else []
        names += ["avoided"] if region in self.reasons else []
        return " ".join(names)

    def label(self, region: str) -> str:
        reason = self.reasons.get(region)
        return f"{REGION_LABELS[region]} — avoid: {reason}" if reason else REGION_LABELS[region]

    def summary(self) -> str:
        """One sentence per marking, so the map's content is not conveyed by colour alone."""
        sentences = []
        if self.selected:
            chosen = "; ".join(REGION_LABELS[r] for r in self.selected)
            sentences.append(f"Selected: {chosen}.")
        if self.reasons:
            avoid = "; ".join(
                f"{REGION_LABELS[region]} — {why}" if why else REGION_LABELS[region]
                for region, why in self.reasons.items()
            )
            sentences.append(f"Avoid: {avoid}.")
        return " ".join(sentences) or "Figure seen from behind; no regions marked."


def _opening(
    title: str, marks: _Marks, *, height: int, interactive: bool, id_prefix: str
) -> list[str]:
    """The svg element, its title and description, and the hatch pattern defined once."""
    ids = _attr(id_prefix)
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="{"group" if interactive else "img"}" '
        f'aria-labelledby="{ids}bodymap-title" aria-describedby="{ids}bodymap-desc" '
        'font-family="system-ui, -apple-system, Segoe UI, sans-serif" class="body-map">',
        f'<title id="{ids}bodymap-title">{escape(title)}</title>',
        f'<desc id="{ids}bodymap-desc">{escape(marks.summary())}</desc>',
        f'<defs><pattern id="{_attr(marks.hatch)}" patternUnits="userSpaceOnUse" width="6" '
        'height="6" patternTransform="rotate(45)">'
        f'<rect width="6" height="6" fill="{HATCH_BACKGROUND}"/>'
        f'<line x1="1" y1="0" x2="1" y2="6" stroke="{AVOID_RED}" stroke-width="1.6"/>'
        "</pattern></defs>",
    ]


def _check_regions(regions: Iterable[str]) -> None:
    for region in regions:
        if region not in REGION_LABELS:
            allowed = ", ".join(REGIONS)
            raise ValueError(f"unknown region {region!r}; allowed regions: {allowed}")


def _decoration() -> list[str]:
    """Feet, orientation words and the front caption; hidden from screen readers."""
    text = f'fill="{TEXT}" font-size="11"'
    return [
        f'<g aria-hidden="true" fill="{SKIN}" stroke="{OUTLINE}" stroke-width="1.2">'
        '<ellipse cx="133" cy="536" rx="12" ry="8"/><ellipse cx="167" cy="536" rx="12" ry="8"/>'
        '<ellipse cx="127" cy="48" rx="4" ry="8"/><ellipse cx="173" cy="48" rx="4" ry="8"/>'
        "</g>",
        f'<g aria-hidden="true" pointer-events="none" {text}>'
        '<text x="6" y="22" font-weight="600">Seen from behind</text>'
        '<text x="40" y="400" text-anchor="middle">Left</text>'
        '<text x="260" y="400" text-anchor="middle">Right</text></g>',
    ]


def _front_labels() -> list[str]:
    """Words inside the chest and abdomen boxes, drawn over them but not clickable."""
    return [
        f'<text x="248" y="{top + 19}" text-anchor="middle" font-size="10.5" fill="{TEXT}" '
        f'stroke="#fff" stroke-width="3" paint-order="stroke" pointer-events="none" '
        f'aria-hidden="true">front: {region}</text>'
        for region, top in _FRONT_BOXES.items()
    ]


def _legend(rows: Sequence[tuple[str, str]], hatch: str) -> list[str]:
    parts = []
    for index, (swatch, label) in enumerate(rows):
        y = HEIGHT + 4 + index * LEGEND_ROW
        if swatch == "hatch":
            paint = f'fill="url(#{_attr(hatch)})" stroke="{AVOID_RED}" stroke-width="1.6"'
        else:
            paint = f'fill="{_attr(swatch)}" stroke="{OUTLINE}" stroke-width="1"'
        parts.append(
            f'<g class="legend-row"><rect x="16" y="{y}" width="14" height="14" {paint}/>'
            f'<text x="38" y="{y + 11}" font-size="12" fill="{TEXT}">{escape(label)}</text></g>'
        )
    return parts


def _attr(value: str) -> str:
    return escape(value, {'"': "&quot;"})


def _attributes(attrs: Mapping[str, str]) -> str:
    return " ".join(f'{name}="{_attr(value)}"' for name, value in attrs.items())

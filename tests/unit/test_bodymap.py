"""The body map: one titled shape per intake region, marked selected, avoided or coloured."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from backcare.knowledge.contract import REGIONS
from backcare.reports.bodymap import REGION_LABELS, body_map, region_label

SVG = "{http://www.w3.org/2000/svg}"
REGIONS_YAML = Path(__file__).parents[2] / "src/backcare/knowledge/data/regions.yaml"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def region_shapes(root: ET.Element) -> dict[str, ET.Element]:
    shapes = [element for element in root.iter() if element.get("data-region")]
    by_region = {element.get("data-region"): element for element in shapes}
    assert len(by_region) == len(shapes), "a region is drawn more than once"
    return by_region


def title_of(element: ET.Element) -> str:
    title = element.find(f"{SVG}title")
    assert title is not None
    return title.text or ""


def xs(path: str) -> list[float]:
    """The x coordinates of an SVG path."""
    return [float(x) for x in re.findall(r"(-?[\d.]+),", path)]


def test_every_region_is_exactly_one_titled_clickable_shape():
    root = parse(body_map())
    shapes = region_shapes(root)
    assert sorted(shapes) == sorted(REGIONS)
    for region, shape in shapes.items():
        assert shape.tag in {f"{SVG}path", f"{SVG}rect", f"{SVG}ellipse"}
        assert shape.get("id") == f"region-{region}"
        assert shape.get("class", "").split()[0] == "region"
        assert title_of(shape) == REGION_LABELS[region]
    ids = [element.get("id") for element in root.iter() if element.get("id")]
    assert len(ids) == len(set(ids))


def test_labels_match_the_knowledge_base_region_names():
    entries = yaml.safe_load(REGIONS_YAML.read_text())
    assert {entry["id"]: entry["name"] for entry in entries} == REGION_LABELS
    assert list(REGION_LABELS) == list(REGIONS)
    assert region_label("mid_back_left") == "Mid back, left"


def test_the_figure_is_seen_from_behind_with_the_clients_left_on_the_viewers_left():
    shapes = region_shapes(parse(body_map()))
    for part in ("shoulder", "upper_back", "mid_back", "low_back", "hip", "thigh", "calf", "arm"):
        left_x = xs(shapes[f"{part}_left"].get("d", ""))
        right_x = xs(shapes[f"{part}_right"].get("d", ""))
        assert max(left_x) <= 150 <= min(right_x), part
    spine_x, spine_width = (
        float(shapes["spine"].get("x", "")),
        float(shapes["spine"].get("width", "")),
    )
    assert spine_x < 150 < spine_x + spine_width
    assert spine_width < 20


def test_the_svg_is_labelled_by_its_own_title():
    root = parse(body_map(title="Areas to treat & avoid", id_prefix="intake-"))
    assert root.get("role") == "img"
    title = root.find(f"{SVG}title")
    assert title is not None
    assert title.text == "Areas to treat & avoid"
    assert root.get("aria-labelledby") == title.get("id") == "intake-bodymap-title"


def test_selected_regions_carry_the_selected_class_and_a_fill():
    shapes = region_shapes(parse(body_map(selected=["neck", "low_back_left"])))
    assert "selected" in shapes["neck"].get("class", "").split()
    assert shapes["neck"].get("fill") != shapes["head"].get("fill")
    assert "selected" not in shapes["head"].get("class", "").split()


def test_avoided_regions_are_hatched_with_a_pattern_defined_once():
    root = parse(body_map(avoided=["spine", "calf_right"], id_prefix="plan-"))
    patterns = list(root.iter(f"{SVG}pattern"))
    assert len(patterns) == 1
    pattern_id = patterns[0].get("id")
    assert pattern_id == "plan-hatch"
    shapes = region_shapes(root)
    for region in ("spine", "calf_right"):
        assert "avoided" in shapes[region].get("class", "").split()
        assert shapes[region].get("fill") == f"url(#{pattern_id})"
    assert shapes["calf_left"].get("fill") != f"url(#{pattern_id})"


def test_avoidance_reasons_are_added_to_the_region_titles():
    svg = body_map(avoided={"mid_back_left": "bruise", "sacrum": "rash <recent>"})
    shapes = region_shapes(parse(svg))
    assert title_of(shapes["mid_back_left"]) == "Mid back, left — avoid: bruise"
    assert title_of(shapes["sacrum"]) == "Sacrum — avoid: rash <recent>"
    assert "rash &lt;recent&gt;" in svg


def test_avoidance_is_shown_even_where_a_colour_was_given():
    shapes = region_shapes(
        parse(
            body_map(colours={"hip_left": "#2a9d8f", "hip_right": "#2a9d8f"}, avoided=["hip_right"])
        )
    )
    assert shapes["hip_left"].get("fill") == "#2a9d8f"
    assert shapes["hip_right"].get("fill") == "url(#hatch)"


def test_colours_and_legend_rows_are_drawn_and_grow_the_picture():
    plain = parse(body_map())
    root = parse(
        body_map(
            colours={"neck": "#f4a261"}, legend=[("#f4a261", "Effleurage"), ("hatch", "Avoid")]
        )
    )
    assert region_shapes(root)["neck"].get("fill") == "#f4a261"
    rows = [row for row in root.iter(f"{SVG}g") if row.get("class") == "legend-row"]
    assert [row.find(f"{SVG}text").text for row in rows] == ["Effleurage", "Avoid"]
    assert rows[1].find(f"{SVG}rect").get("fill") == "url(#hatch)"
    assert float(root.get("height")) > float(plain.get("height"))


def test_interactive_maps_make_every_region_focusable():
    root = parse(body_map(interactive=True))
    assert root.get("role") == "group"
    for shape in region_shapes(root).values():
        assert shape.get("tabindex") == "0"
        assert shape.get("focusable") == "true"
    assert all(s.get("tabindex") is None for s in region_shapes(parse(body_map())).values())


def test_text_is_escaped_everywhere():
    svg = body_map(title='Map "A" <b>', legend=[("#000", "x & y")], avoided={"neck": '"q"'})
    root = parse(svg)
    assert root.find(f"{SVG}title").text == 'Map "A" <b>'
    assert "<b>" not in svg


@pytest.mark.parametrize(
    "arguments",
    [
        {"selected": ["lower_back"]},
        {"avoided": ["lower_back"]},
        {"avoided": {"lower_back": "bruise"}},
        {"colours": {"lower_back": "#000"}},
    ],
)
def test_unknown_region_ids_are_rejected_with_the_allowed_list(arguments):
    with pytest.raises(ValueError, match="lower_back") as error:
        body_map(**arguments)
    assert "low_back_left" in str(error.value)


def test_region_label_rejects_an_unknown_id():
    with pytest.raises(ValueError, match="knee"):
        region_label("knee")

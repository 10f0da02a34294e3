"""The session outline's picture: each region shows the technique with the most time there."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from backcare.reports.protocolmap import protocol_map

SVG = "{http://www.w3.org/2000/svg}"
NAMES = {"effleurage": "Effleurage", "petrissage": "Petrissage"}


def shape(svg: str, region: str) -> ET.Element:
    root = ET.fromstring(svg)
    return next(
        e
        for e in root.iter()
        if e.get("data-region") == region and "region" in (e.get("class") or "")
    )


def test_a_region_takes_the_colour_of_its_main_technique():
    svg = protocol_map(
        [
            ("low_back_left", "effleurage", 2),
            ("low_back_left", "petrissage", 8),
            ("upper_back_left", "effleurage", 3),
        ],
        technique_names=NAMES,
        avoided={},
    )
    kneading, gliding = (
        shape(svg, "low_back_left").get("fill"),
        shape(svg, "upper_back_left").get("fill"),
    )
    assert kneading != gliding
    assert "mostly petrissage" in svg
    assert "mostly effleurage" in svg


def test_avoided_regions_are_hatched_with_the_reason_in_the_legend_and_never_coloured():
    svg = protocol_map(
        [("mid_back_left", "petrissage", 5), ("mid_back_right", "petrissage", 5)],
        technique_names=NAMES,
        avoided={"mid_back_left": "Bruise", "spine": "never on the spine"},
    )
    assert "hatch" in (shape(svg, "mid_back_left").get("fill") or "")
    assert "avoid: Bruise; never on the spine" in svg
    assert "Mid back, left — avoid: Bruise" in svg

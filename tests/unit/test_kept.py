"""The results of pure steps kept between assessments (``clinical/kept.py``) are exactly what
working them out afresh gives, whichever intakes were assessed before."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backcare.clinical import assess, parse_intake
from backcare.clinical.assessment import to_json_bytes
from backcare.clinical.kept import forget_kept
from backcare.knowledge import load_knowledge
from tests import strategies as s

KB = load_knowledge()


SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Variants of one intake (its pain or its client changed) share most of what the steps read.
variants = s.intakes().flatmap(
    lambda data: st.lists(
        st.one_of(
            st.just(data),
            s.pain.map(lambda pain: {**data, "pain": pain}),
            s.client.map(lambda client: {**data, "client": client}),
        ),
        min_size=2,
        max_size=6,
    )
)


@pytest.mark.long
@SETTINGS
@given(st.one_of(variants, st.lists(s.intakes(), min_size=2, max_size=6)))
def test_an_assessment_from_kept_steps_equals_one_worked_out_afresh(datas):
    intakes = [parse_intake(data, today=s.TODAY) for data in datas]
    kept = [assess(intake, KB) for intake in intakes]  # steps met before are taken as kept
    for intake, result in zip(intakes, kept, strict=True):
        forget_kept()
        afresh = assess(intake, KB)
        assert afresh == result
        assert to_json_bytes(afresh) == to_json_bytes(result)


def test_intakes_that_differ_only_in_what_ranking_reads_are_ranked_apart():
    base = {"client": {"age": 40}, "pain": {"regions": ["low_back"], "duration_weeks": 2}}
    ranked = {}
    for cause in ("lifting", "stress"):
        data = {**base, "pain": {**base["pain"], "cause": cause}}
        ranked[cause] = assess(parse_intake(data, today=s.TODAY), KB).recommendations
    forget_kept()
    data = {**base, "pain": {**base["pain"], "cause": "stress"}}
    assert assess(parse_intake(data, today=s.TODAY), KB).recommendations == ranked["stress"]
    assert ranked["stress"] != ranked["lifting"]

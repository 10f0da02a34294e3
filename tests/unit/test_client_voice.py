"""Every text a client reads is in plain words: about US school grade 8 or lower by the
Flesch-Kincaid grade (textstat), spoken to the reader rather than about "the client", and free
of internal names. The texts are the ones the public check, the self-care guide and the printed
handout show: the client texts of rules, condition outcomes, medicine classes and kinds of
massage, the public check's own texts, and each home routine's steps, cautions and warnings.

Flesch-Kincaid swings hard on a text of a few words (one three-syllable word lifts a four-word
text past grade 12), so a text under ``SHORT_WORDS`` words is held to ``SHORT_GRADE`` instead."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import textstat

from backcare.clinical import assess
from backcare.knowledge import load_knowledge
from tests.internal_names import internal_names

GRADE = 8.0
SHORT_WORDS = 10
SHORT_GRADE = 10.0
# The app's own words for its workings, which a client has no use for.
JARGON = re.compile(r"\b(screening|findings?|modalit(y|ies)|contraindicat\w*|intake)\b", re.I)
THIRD_PERSON = re.compile(
    r"\b(the (client|patient|person)s?|clients|patients|he|she|his|hers?|him)\b", re.I
)


def client_texts() -> Iterator[tuple[str, str]]:
    """(where, text) for every text a client page or handout shows."""
    kb = load_knowledge()
    for compiled in kb.rules:
        yield compiled.rule.id, compiled.rule.client_text or ""
    for condition, outcomes in kb.condition_outcomes.items():
        for status, outcome in outcomes.items():
            yield f"condition {condition} ({status})", outcome.client_text or ""
    for cls in kb.medications.values():
        yield f"medicine class {cls.id}", cls.client_text or ""
    for modality in kb.modalities.values():
        yield f"massage kind {modality.id}", modality.client_text or ""
    check = kb.meta.public_check
    for name in ("urgent_signs", "not_this", "unrecognised_medications", "unrecognised_conditions"):
        yield f"public check {name}", getattr(check, name)
    for decision, text in check.decisions.items():
        yield f"public check headline {decision}", text
    for item in kb.self_care.values():
        where = f"home routine {item.id}"
        yield from ((f"{where} step {n}", text) for n, text in enumerate(item.steps, 1))
        yield from ((f"{where} avoid {n}", text) for n, text in enumerate(item.avoid, 1))
        yield from ((f"{where} caution {n}", c.note) for n, c in enumerate(item.cautions, 1))
        yield f"{where} stop if", item.stop_if
        yield f"{where} how often", item.how_often


TEXTS = [(where, text) for where, text in client_texts() if text]


def grade(text: str) -> float:
    return float(textstat.flesch_kincaid_grade(text))


def too_hard(text: str) -> bool:
    limit = SHORT_GRADE if textstat.lexicon_count(text) < SHORT_WORDS else GRADE
    return grade(text) > limit


def test_the_measure_tells_plain_words_from_clinical_prose():
    plain = "You take a medicine that thins the blood. Ask for light pressure."
    clinical = (
        "Anticoagulation therapy predisposes individuals to haematoma formation following "
        "deep-tissue manipulation; therapeutic pressure should consequently be minimised."
    )
    assert not too_hard(plain)
    assert too_hard(clinical)


def test_there_are_client_texts_of_every_kind():
    kinds = {where.split(" ")[0].split(".")[0] for where, _ in TEXTS}
    assert {"red_flag", "condition", "medicine", "massage", "public", "home"} <= kinds
    assert len(TEXTS) > 200


def test_every_client_text_reads_at_grade_8_or_lower():
    hard = {where: (round(grade(text), 1), text) for where, text in TEXTS if too_hard(text)}
    assert hard == {}


def test_every_client_text_speaks_to_the_reader():
    about = {where: text for where, text in TEXTS if THIRD_PERSON.search(text)}
    assert about == {}


def test_no_client_text_uses_the_apps_own_words():
    assert {where: text for where, text in TEXTS if JARGON.search(text)} == {}


def test_no_client_text_shows_an_internal_name():
    pattern = internal_names()
    named = {where: pattern.findall(text) for where, text in TEXTS if pattern.search(text)}
    assert named == {}


@pytest.mark.parametrize(
    "text",
    ["Tell the client to stop if it hurts.", "Ask the patient about her medicines."],
)
def test_a_text_about_the_client_is_caught(text):
    assert THIRD_PERSON.search(text)


def test_a_text_in_the_apps_own_words_is_caught():
    assert JARGON.search("Keep the pressure light: the screening allows no more.")


def test_the_notes_a_handout_prints_under_a_routine_are_plain_and_spoken_to_you(kb):
    from tests.conftest import make_intake

    pain = {"regions": ["upper_back", "neck", "shoulders"], "duration_weeks": 26, "intensity": 5}
    intake = make_intake(pain=pain, medications=["warfarin", "prednisolone"])
    plan = assess(intake, kb).plan
    assert plan is not None
    notes = [n for item in plan.home_care for n in item.notes]
    assert any(n.startswith("Keep the pressure light") for n in notes)
    hard = [n for n in notes if too_hard(n) or THIRD_PERSON.search(n) or JARGON.search(n)]
    assert hard == []

"""Readings kept between calls, and near misses found without comparing every known name, are
exactly what a fresh search over every name gives: over the recognition corpus
(tests/data/*.yaml) and typing slips of known names, ties included."""

from __future__ import annotations

import pickle
import random
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz, process

from backcare.knowledge import KnowledgeBase, load_knowledge
from backcare.knowledge.names import NEAR_LIMIT, NameChoices, near_matches, normalise, words_of

DATA = Path(__file__).parent.parent / "data"
KB = load_knowledge()


def corpus() -> list[str]:
    texts = [
        item["text"]
        for name in ("medicine_strings", "condition_names", "not_medicines")
        for item in yaml.safe_load((DATA / f"{name}.yaml").read_text(encoding="utf-8"))
    ]
    rng = random.Random(7)
    known = sorted({*KB.drug_names.names, *KB.condition_names})
    for name in rng.sample(known, 600):
        word = name.replace("_", " ")
        texts.append(word)
        if len(word) > 6:  # a letter dropped, doubled, or two swapped
            i = rng.randrange(1, len(word) - 2)
            texts.append(word[:i] + word[i + 1 :])
            texts.append(word[:i] + word[i] + word[i:])
            texts.append(word[:i] + word[i + 1] + word[i] + word[i + 2 :])
    return texts


TEXTS = corpus()


def every_name(key: str, choices: NameChoices, cutoff: float) -> list[tuple[str, float]]:
    """The plain search: every known name compared, then those of the word's letter kept."""
    found = process.extract(
        key, list(choices.names), scorer=fuzz.ratio, score_cutoff=cutoff, limit=NEAR_LIMIT
    )
    return [(name, score) for name, score, _ in found if name[0] == key[0]]


@pytest.mark.parametrize("kind", ["medicine", "condition"])
def test_near_misses_are_those_of_a_search_over_every_name(kind: str) -> None:
    names, policy = KB.names, KB.matching
    if kind == "medicine":
        choices, cutoff = names.medicine_choices, policy.medicine_suggest_score
        keys = {word for text in TEXTS for word in words_of(text) if word.isalpha()}
    else:
        choices, cutoff = names.condition_choices, policy.suggest_score
        keys = {normalise(text) for text in TEXTS}
    keys = {key for key in keys if len(key) >= policy.min_length}
    differ = [
        key
        for key in sorted(keys)
        if near_matches(key, choices, cutoff) != every_name(key, choices, cutoff)
    ]
    assert len(keys) > 1000
    assert not differ


def test_ties_keep_the_order_of_the_names() -> None:
    choices = NameChoices(["abcx", "zbcd", "abcy", "abcdefgh", "abcz", "abcw", "ab", "abcv"])
    # Five names of the word's letter score 75 against "abcd": the first in order come first.
    assert near_matches("abcd", choices, 50) == every_name("abcd", choices, 50)
    assert [name for name, _ in near_matches("abcd", choices, 70)] == [
        "abcx",
        "abcy",
        "abcz",
        "abcw",
        "abcv",
    ]


@st.composite
def misspelled(draw: st.DrawFn, names: tuple[str, ...]) -> str:
    """A known name with up to three slips: a letter dropped, added, changed or two swapped."""
    word = list(draw(st.sampled_from(names)))
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, max(0, len(word) - 1)))
        letter = draw(st.sampled_from("aeiourstnlmxz_"))
        slip = draw(st.sampled_from(["drop", "add", "change", "swap"]))
        if slip == "drop" and len(word) > 1:
            del word[at]
        elif slip == "add":
            word.insert(at, letter)
        elif slip == "change" and word:
            word[at] = letter
        elif slip == "swap" and at + 1 < len(word):
            word[at], word[at + 1] = word[at + 1], word[at]
    return "".join(word)


MEDICINES = KB.names.medicine_choices
CONDITIONS = KB.names.condition_choices


@settings(max_examples=300, deadline=None)
@given(misspelled(MEDICINES.names), st.sampled_from([0.0, 50.0, 70.0, 85.0, 100.0]))
def test_a_misspelled_medicine_finds_what_a_search_over_every_name_finds(
    key: str, cutoff: float
) -> None:
    assert near_matches(key, MEDICINES, cutoff) == every_name(key, MEDICINES, cutoff)


@settings(max_examples=300, deadline=None)
@given(misspelled(CONDITIONS.names), st.sampled_from([60.0, 75.0, 90.0]))
def test_a_misspelled_condition_finds_what_a_search_over_every_name_finds(
    key: str, cutoff: float
) -> None:
    assert near_matches(key, CONDITIONS, cutoff) == every_name(key, CONDITIONS, cutoff)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.text("aab", min_size=1, max_size=7), min_size=1, max_size=30),
    st.text("aabc", min_size=1, max_size=7),
    st.floats(0, 100),
)
def test_names_of_few_letters_tied_many_ways_find_what_every_name_finds(
    names: list[str], key: str, cutoff: float
) -> None:
    choices = NameChoices(names)
    assert near_matches(key, choices, cutoff) == every_name(key, choices, cutoff)


def fresh(kb: KnowledgeBase) -> KnowledgeBase:
    kb.names.forget_readings()
    return kb


def test_a_kept_reading_is_the_reading_worked_out_afresh() -> None:
    first = [(KB.read_medication(t), KB.read_condition(t)) for t in TEXTS]
    again = [(KB.read_medication(t), KB.read_condition(t)) for t in TEXTS]
    kb = fresh(KB)
    afresh = [(kb.read_medication(t), kb.read_condition(t)) for t in TEXTS]
    assert first == again == afresh


def test_a_reading_kept_for_one_spelling_gives_each_text_as_written() -> None:
    kb = fresh(KB)
    plain = kb.read_medication("warfarin 5 mg")
    shouted = kb.read_medication("WARFARIN 5 mg")
    assert shouted.text == "WARFARIN 5 mg"
    assert (shouted.generics, shouted.classes, shouted.how) == (
        plain.generics,
        plain.classes,
        plain.how,
    )
    assert kb.read_condition("Low-Back Pain").text == "Low-Back Pain"


def test_lines_with_the_same_words_but_different_doses_are_kept_apart() -> None:
    # "aspirin mg 75" has the words of "aspirin 75 mg" but names no dose in milligrams.
    kb = fresh(KB)
    dosed = kb.read_medication("aspirin 75 mg")
    undosed = kb.read_medication("aspirin mg 75")
    assert dosed.classes != undosed.classes
    kb.names.forget_readings()
    assert undosed == kb.read_medication("aspirin mg 75")
    assert dosed == kb.read_medication("aspirin 75 mg")


def test_names_kept_with_a_compiled_base_find_what_names_built_afresh_find() -> None:
    kept = pickle.loads(pickle.dumps(NameChoices(MEDICINES.names)))
    for key in ("warfrin", "xeralto", "rivaroxiban", "zorvalex", "aspirine"):
        assert near_matches(key, kept, 70) == near_matches(key, MEDICINES, 70)


def test_lines_naming_one_medicine_at_different_doses_share_one_kept_reading() -> None:
    kb = fresh(KB)
    first = kb.read_medication("Xarelto 20 mg once daily")
    kept = kb.names._medication.cache_info().currsize
    second = kb.read_medication("xarelto 10mg daily")
    assert kb.names._medication.cache_info().currsize == kept
    assert (second.text, second.generics, second.classes) == (
        "xarelto 10mg daily",
        first.generics,
        first.classes,
    )


def test_a_dose_still_decides_the_classes_of_a_medicine_read_by_its_dose() -> None:
    kb = fresh(KB)
    high = kb.read_medication("aspirin 300 mg daily")
    low = kb.read_medication("aspirin 75 mg daily")
    assert low.classes != high.classes
    assert set(low.classes) < set(high.classes)
    assert kb.read_medication("low dose aspirin 300 mg").classes == low.classes


def test_a_number_in_a_name_is_read_as_part_of_the_name() -> None:
    kb = fresh(KB)
    assert kb.read_medication("cortizone 5 mg daily").how == "spelling"
    assert kb.read_medication("cortizone 10 mg daily").how == "name"


DOSE_WORDS = ("5", "10", "20", "75", "300", "mg", "daily", "twice", "low", "dose", "baby", "-")
MULTI_WORD = sorted(key.replace("_", " ") for key in KB.medication_names if "_" in key)


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(MULTI_WORD),
            st.sampled_from(sorted(KB.medication_names)),
            st.sampled_from(DOSE_WORDS),
            misspelled(MEDICINES.names),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_the_words_a_name_part_leaves_out_change_no_reading(pieces: list[str]) -> None:
    names = KB.names
    words = tuple(words_of(" ".join(pieces)))
    whole, whole_dosed = names._read_medication(words)
    part, part_dosed = names._read_medication(names._name_part(words))
    assert (whole.generics, whole.classes, whole.how, whole.suggestions) == (
        part.generics,
        part.classes,
        part.how,
        part.suggestions,
    )
    assert whole_dosed == part_dosed

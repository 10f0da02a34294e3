"""Recognition of medicines and conditions as clients write them (tests/data/*.yaml), against
the knowledge base's readers: ``kb.read_medication(text)`` gives ``generics``, ``classes``,
``how`` ("name", "spelling" or "unrecognised") and ``suggestions``; ``kb.read_condition(text)``
gives ``condition``, ``how`` and ``suggestions``.

Names are compared in lower case with everything but letters and digits ignored, so
"St John's wort" equals "st johns wort" and "post-covid" equals "post covid"."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
import yaml

DATA = Path(__file__).parent.parent / "data"
SHARE = 0.97
HOWS = {"name", "spelling", "unrecognised"}


def load(name: str) -> list[dict[str, Any]]:
    return yaml.safe_load((DATA / f"{name}.yaml").read_text(encoding="utf-8"))


MEDICINES = load("medicine_strings")
CONDITIONS = load("condition_names")
NOT_MEDICINES = load("not_medicines")


def norm(name: str) -> str:
    return re.sub(r"[\W_]+", "", name.lower())


def names(spec: str | list[str]) -> set[str]:
    """One ingredient or condition: a name, or a list of acceptable names."""
    return {norm(spec)} if isinstance(spec, str) else {norm(name) for name in spec}


def among(found: Iterable[str], spec: str | list[str]) -> bool:
    return not names(spec).isdisjoint(norm(name) for name in found)


def condition_is(kb: Any, condition_id: str, means: list[str]) -> bool:
    condition = kb.conditions[condition_id]
    known = {norm(condition_id), norm(condition.name), *(norm(s) for s in condition.synonyms)}
    return not known.isdisjoint(names(means))


def medicine_miss(kb: Any, item: dict[str, Any]) -> str | None:
    """None when the text is read as intended, else a line saying how it was read."""
    reading = kb.read_medication(item["text"])
    assert reading.how in HOWS, reading.how
    read = reading.how != "unrecognised" and among(reading.generics, item["generic"])
    suggested = reading.how == "unrecognised" and among(reading.suggestions, item["generic"])
    if read or (suggested and item.get("misspelt")):
        return None
    return (
        f"{item['text']!r} (want {item['generic']}): how={reading.how} "
        f"generics={reading.generics} suggestions={reading.suggestions}"
    )


def condition_miss(kb: Any, item: dict[str, Any]) -> str | None:
    reading = kb.read_condition(item["text"])
    assert reading.how in HOWS, reading.how
    read = (
        reading.how != "unrecognised"
        and reading.condition is not None
        and condition_is(kb, reading.condition, item["means"])
    )
    suggested = reading.how == "unrecognised" and any(
        condition_is(kb, s, item["means"]) for s in reading.suggestions
    )
    if read or (suggested and item.get("misspelt")):
        return None
    return (
        f"{item['text']!r} (want {item['means'][0]}): how={reading.how} "
        f"condition={reading.condition} suggestions={reading.suggestions}"
    )


def share_report(kind: str, items: list[dict[str, Any]], misses: list[str]) -> str:
    read = 1 - len(misses) / len(items)
    return f"{kind}: {read:.1%} read as intended, {len(misses)} of {len(items)} missed:\n" + (
        "\n".join(f"  {miss}" for miss in misses)
    )


def test_at_least_97_percent_of_medicine_strings_are_read_as_intended(kb):
    misses = [miss for item in MEDICINES if (miss := medicine_miss(kb, item))]
    assert len(misses) <= (1 - SHARE) * len(MEDICINES), share_report("medicines", MEDICINES, misses)


def test_at_least_97_percent_of_condition_names_are_read_as_intended(kb):
    misses = [miss for item in CONDITIONS if (miss := condition_miss(kb, item))]
    assert len(misses) <= (1 - SHARE) * len(CONDITIONS), share_report(
        "conditions", CONDITIONS, misses
    )


def test_a_misspelt_medicine_is_read_as_intended_or_left_unrecognised_with_it_suggested(kb):
    wrong = []
    for item in (item for item in MEDICINES if item.get("misspelt")):
        reading = kb.read_medication(item["text"])
        as_spelling = reading.how == "spelling" and among(reading.generics, item["generic"])
        suggested = reading.how == "unrecognised" and among(reading.suggestions, item["generic"])
        if not (as_spelling or suggested):
            wrong.append(
                f"{item['text']!r} (want {item['generic']}): how={reading.how} "
                f"generics={reading.generics} suggestions={reading.suggestions}"
            )
    assert wrong == [], "\n".join(wrong)


def test_a_misspelt_condition_is_read_as_intended_or_left_unrecognised_with_it_suggested(kb):
    wrong = []
    for item in (item for item in CONDITIONS if item.get("misspelt")):
        reading = kb.read_condition(item["text"])
        as_spelling = (
            reading.how == "spelling"
            and reading.condition is not None
            and condition_is(kb, reading.condition, item["means"])
        )
        suggested = reading.how == "unrecognised" and any(
            condition_is(kb, s, item["means"]) for s in reading.suggestions
        )
        if not (as_spelling or suggested):
            wrong.append(
                f"{item['text']!r} (want {item['means'][0]}): how={reading.how} "
                f"condition={reading.condition} suggestions={reading.suggestions}"
            )
    assert wrong == [], "\n".join(wrong)


def test_a_combination_product_is_read_as_every_one_of_its_ingredients(kb):
    wrong = []
    for item in (item for item in MEDICINES if "with" in item):
        generics = kb.read_medication(item["text"]).generics
        wanted = [item["generic"], *item["with"]]
        missing = [spec for spec in wanted if not among(generics, spec)]
        if missing:
            wrong.append(f"{item['text']!r}: read {generics}, missing {missing}")
    assert wrong == [], "\n".join(wrong)


def test_a_medicine_read_as_intended_carries_its_contract_class_and_no_wrong_one(kb):
    wrong = []
    for item in (item for item in MEDICINES if "class" in item or "not_class" in item):
        reading = kb.read_medication(item["text"])
        if not among(reading.generics, item["generic"]):
            continue  # a miss of its own, counted by the share test above
        if "class" in item and item["class"] not in reading.classes:
            wrong.append(f"{item['text']!r}: classes {reading.classes}, want {item['class']}")
        if item.get("not_class") in reading.classes:
            wrong.append(f"{item['text']!r}: classes {reading.classes}, not {item['not_class']}")
    assert wrong == [], "\n".join(wrong)


@pytest.mark.parametrize("item", NOT_MEDICINES, ids=[item["text"] for item in NOT_MEDICINES])
def test_words_that_are_not_one_medicine_are_never_read_as_an_unrelated_drug(kb, item):
    reading = kb.read_medication(item["text"])
    if reading.how == "unrecognised":
        return
    allowed = [norm(fragment) for fragment in item["may_be"]]
    unrelated = [
        name
        for name in (*reading.generics, *reading.classes)
        if not any(fragment in norm(name) for fragment in allowed)
    ]
    assert unrelated == [], f"{item['text']!r} read as {unrelated} (how={reading.how})"


def test_the_corpus_is_large_and_varied_enough_to_judge_by():
    assert len(MEDICINES) >= 320
    assert sum(bool(item.get("misspelt")) for item in MEDICINES) >= 25
    assert len(CONDITIONS) >= 160
    assert sum(bool(item.get("misspelt")) for item in CONDITIONS) >= 10
    for corpus in (MEDICINES, CONDITIONS, NOT_MEDICINES):
        texts = Counter(norm(item["text"]) for item in corpus)
        assert [text for text, count in texts.items() if count > 1] == []


def test_every_corpus_entry_is_well_formed():
    for item in MEDICINES:
        assert set(item) <= {"text", "generic", "with", "class", "not_class", "misspelt"}, item
        for spec in (item["generic"], *item.get("with", [])):
            raw = [spec] if isinstance(spec, str) else spec
            assert all(name == name.lower() for name in raw), item
    for item in CONDITIONS:
        assert set(item) <= {"text", "means", "misspelt"}, item
        assert item["means"], item
    for item in NOT_MEDICINES:
        assert set(item) == {"text", "may_be"}, item
    misspelt_means = {norm(item["text"]) for item in CONDITIONS if item.get("misspelt")}
    assert misspelt_means.isdisjoint(norm(name) for item in CONDITIONS for name in item["means"]), (
        "a misspelling must not be listed as an acceptable name"
    )

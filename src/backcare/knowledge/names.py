"""Reading what clients write: medicine lines and condition names, exact or near-miss.

Names are matched in a normal form (lower case, words joined by underscores). A medicine line
("Xarelto 20mg once daily") is scanned for known names of up to three words: a generic, a brand
(of a combination: every ingredient), a lay name (a class and no generic: "blood thinner") or a
misspelling the data set lists (read as a spelling, to confirm). Words left over are compared
with the known names by rapidfuzz. A near miss is read as a name only when no
other name of a different medicine is as close, and no name of a riskier medicine (a class with
a more severe decision) is among the suggestions: otherwise nothing is read and they are
suggested, so a spelling is never read as the less risky of two medicines. The thresholds are
the knowledge base's matching policy (``matching.yaml``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Literal

from backcare.knowledge import model as m

_WORD = re.compile(r"[a-z]+|\d+(?:[.,]\d+)?")
_APOSTROPHE = re.compile(r"['\u2019](?=[a-z])")
_MILLIGRAMS = re.compile(r"(\d+(?:[.,]\d+)?)\s*(?:mg|milligrams?)\b")

How = Literal["name", "spelling", "unrecognised"]


def words_of(text: str) -> list[str]:
    """The words and numbers of a text, lower case; an apostrophe joins ("John's" is "johns")."""
    return _WORD.findall(_APOSTROPHE.sub("", text.lower()))


def normalise(text: str) -> str:
    """The form names are matched in: lower case, words joined by underscores."""
    return "_".join(words_of(text))


@dataclass(frozen=True, slots=True)
class Drug:
    """What a name stands for: its generics (none for a lay name such as "blood thinner", several
    for a combination product) and classes; ``spelling`` for a known misspelling of a generic."""

    generics: tuple[str, ...]
    classes: tuple[str, ...]
    spelling: bool = False

    def __reduce__(self) -> tuple[type[Drug], tuple[tuple[str, ...], tuple[str, ...], bool]]:
        # The knowledge base keeps thousands; dataclasses' own pickling of slots is slow.
        return Drug, (self.generics, self.classes, self.spelling)

    @property
    def label(self) -> str:
        """How the medicine is named in a suggestion."""
        return " + ".join(self.generics) or self.classes[0].replace("_", " ")


@dataclass(frozen=True, slots=True)
class MedicationReading:
    """How one medicine line was read: the generic names and classes found in it."""

    text: str
    generics: tuple[str, ...]
    classes: tuple[str, ...]
    how: How
    suggestions: tuple[str, ...] = ()

    @property
    def read_as(self) -> str:
        """The generics found, or the kind of medicine for a lay name ("blood thinner")."""
        return _words(self.generics or self.classes)

    @property
    def suggested(self) -> str:
        return _words(self.suggestions)


@dataclass(frozen=True, slots=True)
class ConditionReading:
    text: str
    condition: str | None
    how: How
    suggestions: tuple[str, ...] = ()

    @property
    def read_as(self) -> str:
        return _words((self.condition,) if self.condition else ())

    @property
    def suggested(self) -> str:
        return _words(self.suggestions)


def _words(names: tuple[str, ...]) -> str:
    return ", ".join(name.replace("_", " ") for name in names)


@dataclass(frozen=True, slots=True)
class _Near:
    """The outcome of comparing one word (or phrase) with the known names."""

    read: str | None
    suggestions: tuple[str, ...]


class NameIndex:
    """Exact and near-miss lookups of medicine and condition names, built once per load."""

    def __init__(
        self,
        drugs: Mapping[str, Drug],
        conditions: Mapping[str, str],
        doses: Mapping[str, m.DoseRule],
        policy: m.MatchingPolicy,
        class_risk: Mapping[str, int],
    ) -> None:
        self._drugs = drugs
        self._risk = {
            key: max((class_risk[c] for c in drug.classes), default=0)
            for key, drug in drugs.items()
        }
        self._conditions = conditions
        self._doses = doses
        self._policy = policy
        self._ignore = frozenset(normalise(word) for word in policy.ignore_words)
        self._drug_keys = {1: [key for key in drugs if "_" not in key]}
        self._condition_keys = list(conditions)
        self._dose_of = {  # generic name -> its dose rule, normalised once here
            generic: doses[normalise(generic)]
            for drug in drugs.values()
            for generic in drug.generics
            if normalise(generic) in doses
        }
        self._low_dose = {
            normalise(name): rule for rule in doses.values() for name in rule.low_dose_names
        }

    def medication(self, text: str) -> MedicationReading:
        words = words_of(text)
        found, used = self._exact_drugs(words)
        how: How = "spelling" if any(drug.spelling for drug in found) else "name"
        suggestions = [drug.label for drug in found if drug.spelling]
        for start, size in self._leftovers(words, used):
            near = self._near(
                "_".join(words[start : start + size]),
                self._drug_keys[size],
                self._drug_of,
                self._risk.__getitem__,
                self._policy.medicine_suggest_score,
            )
            suggestions.extend(s for s in near.suggestions if s not in suggestions)
            if near.read is not None:
                found.append(self._drugs[near.read])
                how = "spelling"
        if not found:
            return MedicationReading(text, (), (), "unrecognised", tuple(suggestions))
        generics = tuple(dict.fromkeys(g for drug in found for g in drug.generics))
        classes = self._classes(found, text, words)
        if how == "name":
            suggestions = []
        return MedicationReading(text, generics, classes, how, tuple(suggestions))

    def condition(self, text: str) -> ConditionReading:
        key = normalise(text)
        exact = self._conditions.get(key)
        if exact is not None:
            return ConditionReading(text, exact, "name")
        policy = self._policy
        if len(key) < policy.min_length:
            return ConditionReading(text, None, "unrecognised")
        near = self._near(
            key, self._condition_keys, self._conditions.__getitem__, None, policy.suggest_score
        )
        if near.read is None:
            return ConditionReading(text, None, "unrecognised", near.suggestions)
        condition = self._conditions[near.read]
        return ConditionReading(text, condition, "spelling", (condition,))

    def _exact_drugs(self, words: list[str]) -> tuple[list[Drug], set[int]]:
        found: list[Drug] = []
        used: set[int] = set()
        for size in (3, 2, 1):
            for start in range(len(words) - size + 1):
                span = range(start, start + size)
                if used.intersection(span):
                    continue
                drug = self._drugs.get("_".join(words[start : start + size]))
                if drug is not None:
                    found.append(drug)
                    used.update(span)
        return found, used

    def _leftovers(self, words: list[str], used: set[int]) -> Iterator[tuple[int, int]]:
        """Unread words worth comparing: long enough, letters only, not a dose or frequency."""
        for i, word in enumerate(words):
            if (
                i not in used
                and word.isalpha()
                and len(word) >= self._policy.min_length
                and word not in self._ignore
            ):
                yield i, 1

    def _near(
        self,
        key: str,
        choices: list[str],
        target_of: Callable[[str], str],
        risk_of: Callable[[str], int] | None,
        suggest_score: float,
    ) -> _Near:
        from rapidfuzz import fuzz, process  # here: most lines need no near-miss reading

        policy = self._policy
        if len(key) < policy.min_length:
            return _Near(None, ())
        found = process.extract(
            key, choices, scorer=fuzz.ratio, score_cutoff=suggest_score, limit=8
        )
        matches = [(name, score) for name, score, _ in found if name[0] == key[0]]
        if not matches:
            return _Near(None, ())
        best = matches[0][1]
        close = [name for name, score in matches if score >= best - policy.margin]
        targets = list(dict.fromkeys(target_of(name) for name in close))
        suggestions = tuple(dict.fromkeys(target_of(name) for name, _ in matches))
        if best >= policy.min_score and len(targets) == 1:
            if risk_of is not None and any(
                risk_of(name) > risk_of(close[0]) for name, _ in matches
            ):
                return _Near(None, suggestions)
            return _Near(close[0], suggestions)
        return _Near(None, suggestions)

    def _drug_of(self, key: str) -> str:
        return self._drugs[key].label

    def _classes(self, found: list[Drug], text: str, words: list[str]) -> tuple[str, ...]:
        classes: list[str] = []
        for drug in found:
            own = drug.classes
            rules = [self._dose_of[g] for g in drug.generics if g in self._dose_of]
            if len(drug.generics) == 1 and rules and self._low_dose_taken(rules[0], text, words):
                own = tuple(c for c in own if c in rules[0].only)
            classes.extend(c for c in own if c not in classes)
        return tuple(classes)

    def _low_dose_taken(self, rule: m.DoseRule, text: str, words: list[str]) -> bool:
        joined = f"_{'_'.join(words)}_"
        if any(f"_{name}_" in joined for name, named in self._low_dose.items() if named is rule):
            return True
        doses = [float(d.replace(",", ".")) for d in _MILLIGRAMS.findall(text.lower())]
        return bool(doses) and max(doses) <= rule.at_most_mg

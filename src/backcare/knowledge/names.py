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

Registers and clinics write the same names again and again, so each index keeps its latest
readings (``READINGS_KEPT``, by the normalised text); a near-miss search compares only the names
that can reach the cutoff (``NameChoices``). Both give exactly what a fresh full search gives.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from backcare.knowledge import model as m

_WORD = re.compile(r"[a-z]+|\d+(?:[.,]\d+)?")
_APOSTROPHE = re.compile(r"['\u2019](?=[a-z])")
# A dose in milligrams as people write it: "75 mg", "75mg", "75-mg", "75 mg/day", "0.5 mg",
# "0,5 mg", "1,000 mg" (a comma before three digits, after a number not starting with 0, groups
# thousands).
_MILLIGRAMS = re.compile(
    r"(?<![\d.,])(?:([1-9]\d{0,2}(?:,\d{3})+)|(\d+(?:[.,]\d+)?))"
    r"\s*[-\u2010-\u2013]?\s*(?:mgs?|milligrams?)\b"
)

How = Literal["name", "spelling", "unrecognised"]
READINGS_KEPT = 4096  # per index and kind: a clinic's names, many times over
_SUBSETS_KEPT = 512  # near-miss candidate lists per index and kind


def words_of(text: str) -> list[str]:
    """The words and numbers of a text, lower case; an apostrophe joins ("John's" is "johns")."""
    return _WORD.findall(_APOSTROPHE.sub("", text.lower()))


def milligrams(text: str) -> tuple[float, ...]:
    """Every dose in milligrams written in a medicine line, in its order."""
    return tuple(
        float(grouped.replace(",", "")) if grouped else float(plain.replace(",", "."))
        for grouped, plain in _MILLIGRAMS.findall(text.lower())
    )


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


class NameChoices:
    """Known names a near miss is looked for among, in their order, grouped by first letter and
    by length. ``fuzz.ratio`` is at most ``200 * shorter / (both lengths)``, so a name much
    longer or shorter than the word cannot reach a cutoff and is never compared: a search over
    the rest, still in the names' order (rapidfuzz breaks ties by position), gives what a
    search over every name gives."""

    def __init__(self, names: Sequence[str]) -> None:
        self.names = tuple(names)
        groups: dict[tuple[str, int], list[int]] = {}
        for position, name in enumerate(self.names):
            for group in ("", name[:1]):
                groups.setdefault((group, len(name)), []).append(position)
        self._groups = groups
        self._subset = lru_cache(maxsize=_SUBSETS_KEPT)(self._make_subset)

    def __getstate__(self) -> dict[str, Any]:
        return {"names": self.names}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["names"])  # type: ignore[misc]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NameChoices) and self.names == other.names

    __hash__ = None  # type: ignore[assignment]

    def best(
        self,
        key: str,
        cutoff: float,
        *,
        limit: int | None,
        same_letter: bool = False,
        reach: float | None = None,
    ) -> list[tuple[str, float]]:
        """The names scoring at least ``cutoff`` against ``key``, best first, then in their
        order (``limit`` of them); only those beginning with its letter when ``same_letter``.
        Names are compared that can reach ``reach`` (at most ``cutoff``; the same few lists
        serve every search)."""
        from rapidfuzz import fuzz, process  # here: most lines need no near-miss reading

        low, high = _lengths_reaching(len(key), cutoff if reach is None else reach)
        names = self._subset(key[:1] if same_letter else "", low, high)
        found = process.extract(key, names, scorer=fuzz.ratio, score_cutoff=cutoff, limit=limit)
        return [(name, score) for name, score, _ in found]

    def _make_subset(self, group: str, low: int, high: int) -> tuple[str, ...]:
        positions = sorted(
            p for size in range(low, high + 1) for p in self._groups.get((group, size), ())
        )
        return tuple(self.names[p] for p in positions)


def _lengths_reaching(size: int, cutoff: float) -> tuple[int, int]:
    """The name lengths whose ``fuzz.ratio`` with a word of ``size`` letters can reach
    ``cutoff`` (rounded outwards: a length too many is compared, never one too few)."""
    if cutoff <= 0:
        return 0, 2**31
    if cutoff >= 200:
        return size, size
    return math.floor(cutoff * size / (200 - cutoff)), math.ceil(size * (200 - cutoff) / cutoff)


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
        self._drug_keys = {1: NameChoices([key for key in drugs if "_" not in key])}
        starts: dict[int, set[str]] = {}  # the first words of the names, by their number of words
        for key in drugs:
            parts = key.split("_")
            starts.setdefault(len(parts), set()).add(parts[0])
        self._starts = {size: frozenset(first) for size, first in starts.items()}
        self._condition_keys = NameChoices(list(conditions))
        self._dose_of = {  # generic name -> its dose rule, normalised once here
            generic: doses[normalise(generic)]
            for drug in drugs.values()
            for generic in drug.generics
            if normalise(generic) in doses
        }
        self._low_dose = {
            normalise(name): rule for rule in doses.values() for name in rule.low_dose_names
        }
        self._keep_readings()

    def _keep_readings(self) -> None:
        # By the text as written (given back as it is), then by its words ("Warfarin 5 mg" and
        # "warfarin 5mg" share one reading).
        self._medication_line = lru_cache(maxsize=READINGS_KEPT)(self._medication_as_written)
        self._condition_name = lru_cache(maxsize=READINGS_KEPT)(self._condition_as_written)
        self._medication = lru_cache(maxsize=READINGS_KEPT)(self._read_medication)
        self._condition = lru_cache(maxsize=READINGS_KEPT)(self._read_condition)
        # One word's near misses, whatever line it is in ("xeralto 10 mg", "xeralto 20 mg").
        self._medicine_word = lru_cache(maxsize=READINGS_KEPT)(self._near_medicine)

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        for kept in (*_KEPT, "_medicine_word"):
            del state[kept]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._keep_readings()

    def __eq__(self, other: object) -> bool:
        """Two indexes are equal when they know the same names (whatever each has kept)."""
        return isinstance(other, NameIndex) and self.__getstate__() == other.__getstate__()

    __hash__ = None  # type: ignore[assignment]

    @property
    def medicine_choices(self) -> NameChoices:
        """The one-word medicine names a near miss is looked for among."""
        return self._drug_keys[1]

    @property
    def condition_choices(self) -> NameChoices:
        return self._condition_keys

    def forget_readings(self) -> None:
        """Drop the readings kept so far (each is worked out afresh when next asked)."""
        for kept in _KEPT:
            getattr(self, kept).cache_clear()
        self._medicine_word.cache_clear()

    def medication(self, text: str) -> MedicationReading:
        """How a medicine line reads."""
        return self._medication_line(text)

    def condition(self, text: str) -> ConditionReading:
        return self._condition_name(text)

    def _medication_as_written(self, text: str) -> MedicationReading:
        """A reading depends on the line's words and on its doses in milligrams ("mg 10" has the
        words of "10 mg" but names no dose), so those are the key."""
        r = self._medication(tuple(words_of(text)), milligrams(text))
        return MedicationReading(text, r.generics, r.classes, r.how, r.suggestions)

    def _condition_as_written(self, text: str) -> ConditionReading:
        r = self._condition(normalise(text))
        return ConditionReading(text, r.condition, r.how, r.suggestions)

    def _read_medication(
        self, words: tuple[str, ...], doses: tuple[float, ...]
    ) -> MedicationReading:
        text = " ".join(words)
        found, used = self._exact_drugs(words)
        how: How = "spelling" if any(drug.spelling for drug in found) else "name"
        suggestions = [drug.label for drug in found if drug.spelling]
        for start, size in self._leftovers(words, used):
            near = self._medicine_word("_".join(words[start : start + size]), size)
            suggestions.extend(s for s in near.suggestions if s not in suggestions)
            if near.read is not None:
                found.append(self._drugs[near.read])
                how = "spelling"
        if not found:
            return MedicationReading(text, (), (), "unrecognised", tuple(suggestions))
        generics = tuple(dict.fromkeys(g for drug in found for g in drug.generics))
        classes = self._classes(found, doses, words)
        if how == "name":
            suggestions = []
        return MedicationReading(text, generics, classes, how, tuple(suggestions))

    def _read_condition(self, key: str) -> ConditionReading:
        text = key
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

    def _exact_drugs(self, words: Sequence[str]) -> tuple[list[Drug], set[int]]:
        """Known names in the line, the longest first (of up to three words), each word read
        once; a span is looked up only when its first word begins a name of its length."""
        found: list[Drug] = []
        used: set[int] = set()
        drugs = self._drugs
        for size in (3, 2, 1):
            starts = self._starts.get(size, ())
            for start in range(len(words) - size + 1):
                if words[start] not in starts or used.intersection(range(start, start + size)):
                    continue
                drug = drugs.get("_".join(words[start : start + size]))
                if drug is not None:
                    found.append(drug)
                    used.update(range(start, start + size))
        return found, used

    def _leftovers(self, words: Sequence[str], used: set[int]) -> Iterator[tuple[int, int]]:
        """Unread words worth comparing: long enough, letters only, not a dose or frequency."""
        for i, word in enumerate(words):
            if (
                i not in used
                and word.isalpha()
                and len(word) >= self._policy.min_length
                and word not in self._ignore
            ):
                yield i, 1

    def _near_medicine(self, key: str, size: int) -> _Near:
        return self._near(
            key,
            self._drug_keys[size],
            self._drug_of,
            self._risk.__getitem__,
            self._policy.medicine_suggest_score,
        )

    def _near(
        self,
        key: str,
        choices: NameChoices,
        target_of: Callable[[str], str],
        risk_of: Callable[[str], int] | None,
        suggest_score: float,
    ) -> _Near:
        policy = self._policy
        if len(key) < policy.min_length:
            return _Near(None, ())
        matches = near_matches(key, choices, suggest_score)
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

    def _classes(
        self, found: list[Drug], doses: tuple[float, ...], words: Sequence[str]
    ) -> tuple[str, ...]:
        classes: list[str] = []
        for drug in found:
            own = drug.classes
            rules = [self._dose_of[g] for g in drug.generics if g in self._dose_of]
            if len(drug.generics) == 1 and rules and self._low_dose_taken(rules[0], doses, words):
                own = tuple(c for c in own if c in rules[0].only)
            classes.extend(c for c in own if c not in classes)
        return tuple(classes)

    def _low_dose_taken(
        self, rule: m.DoseRule, doses: tuple[float, ...], words: Sequence[str]
    ) -> bool:
        joined = f"_{'_'.join(words)}_"
        if any(f"_{name}_" in joined for name, named in self._low_dose.items() if named is rule):
            return True
        return bool(doses) and max(doses) <= rule.at_most_mg


_KEPT = ("_medication_line", "_condition_name", "_medication", "_condition")
NEAR_LIMIT = 8  # the closest names weighed for one word


def near_matches(key: str, choices: NameChoices, cutoff: float) -> list[tuple[str, float]]:
    """The near misses of ``key``: of the ``NEAR_LIMIT`` names scoring best (at least ``cutoff``,
    ties in the names' order), those that begin with its letter, with their scores.

    Found in two cheap steps with the same outcome. Most words have no near miss of their own
    letter: that search is short, and ends there. Otherwise every name of this letter that can
    be among the best scores at least the ``NEAR_LIMIT``-th best score of its letter, so names
    scoring less (of any letter) never change the outcome and the full search starts there."""
    own = choices.best(key, cutoff, limit=None, same_letter=True)
    if not own:
        return []
    floor = own[min(NEAR_LIMIT, len(own)) - 1][1]
    # A little below the floor: rapidfuzz turns a cutoff into a distance and may miss a name
    # scoring the cutoff itself; names scoring less than the floor rank after all that count.
    found = choices.best(key, max(cutoff, floor - 0.5), limit=NEAR_LIMIT, reach=cutoff)
    return [(name, score) for name, score in found if name[0] == key[0]]

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
readings (``READINGS_KEPT``: of a line as written, and by the line's name part, the words a
reading uses, so that doses make no new entries); a near-miss search compares only the names
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
_NEEDS_KEPT = 1024  # word lengths and cutoffs (a few cutoffs, words of up to a line)


def words_of(text: str) -> list[str]:
    """The words and numbers of a text, lower case; an apostrophe joins ("John's" is "johns")."""
    return _words_of_lower(text.lower())


def milligrams(text: str) -> tuple[float, ...]:
    """Every dose in milligrams written in a medicine line, in its order."""
    return _milligrams_of_lower(text.lower())


def _words_of_lower(low: str) -> list[str]:
    return _WORD.findall(_APOSTROPHE.sub("", low) if "'" in low or "\u2019" in low else low)


def _milligrams_of_lower(low: str) -> tuple[float, ...]:
    if "mg" not in low and "milligram" not in low:  # every dose names its unit
        return ()
    return tuple(
        float(grouped.replace(",", "")) if grouped else float(plain.replace(",", "."))
        for grouped, plain in _MILLIGRAMS.findall(low)
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
    """Known names a near miss is looked for among, in their order.

    ``fuzz.ratio`` is ``200 * lcs / (both lengths)``, and the longest common subsequence of two
    names is at most the letters they share, counted with repeats. So a name sharing too few
    letters with the word cannot reach a cutoff: for each letter and count (an "a" at least
    twice, say), the names holding it are a bit set, and a few operations on these sets give
    the names sharing enough letters for their length. Only those are scored by rapidfuzz, in
    the names' order (it breaks ties by position), so the search gives what a search over
    every name gives. The sets are built at the first search, or kept with a compiled knowledge
    base."""

    def __init__(self, names: Sequence[str]) -> None:
        self.names = tuple(names)
        self._holding: dict[tuple[str, int], int] | None = None
        self._of_length: dict[int, int] = {}
        self._needs: dict[tuple[int, float], dict[int, int]] = {}

    def __getstate__(self) -> dict[str, Any]:
        """The names and their bit sets (a kept knowledge base starts with them built)."""
        holding = self._holding if self._holding is not None else self._index()
        return {"names": self.names, "holding": holding, "of_length": self._of_length}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["names"])  # type: ignore[misc]
        self._holding, self._of_length = state["holding"], state["of_length"]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NameChoices) and self.names == other.names

    __hash__ = None  # type: ignore[assignment]

    def best(self, key: str, cutoff: float, *, limit: int | None) -> list[tuple[str, float]]:
        """The names scoring at least ``cutoff`` against ``key``, best first, then in their
        order (``limit`` of them)."""
        from rapidfuzz import fuzz, process  # here: most lines need no near-miss reading

        names = self.names
        reaching = [names[p] for p in _positions(self._reaching(key, cutoff))]
        found = process.extract(key, reaching, scorer=fuzz.ratio, score_cutoff=cutoff, limit=limit)
        return [(name, score) for name, score, _ in found]

    def _reaching(self, key: str, cutoff: float) -> int:
        """The bit set of the names sharing enough letters with ``key`` to reach ``cutoff``."""
        holding = self._holding if self._holding is not None else self._index()
        needed = self._needed(len(key), cutoff)
        if not needed:
            return 0
        least, most = min(needed), max(needed)
        bags = [holding.get(pair, 0) for pair in _bag(key)]
        # at_least[i]: the names sharing at least i of the letters seen so far; a count that
        # can no longer reach the least needed, or beyond the most, is not followed.
        at_least = [-1] + [0] * most
        for seen, bag in enumerate(bags, 1):
            for i in range(min(seen, most), max(0, least - (len(bags) - seen) - 1), -1):
                at_least[i] |= at_least[i - 1] & bag
        found = 0
        for share, names in needed.items():
            found |= at_least[share] & names
        return found

    def _needed(self, size: int, cutoff: float) -> dict[int, int]:
        """For a word of ``size`` letters: how many letters a name must share with it to reach
        ``cutoff``, with the bit set of the names of the lengths needing that many."""
        kept = self._needs.get((size, cutoff))
        if kept is not None:
            return kept
        needed: dict[int, int] = {}
        for length, names in self._of_length.items():
            # A little below the exact bound: a name is never left out by rounding.
            share = max(0, math.ceil(cutoff * (size + length) / 200 - 1e-6))
            if share <= min(size, length):
                needed[share] = needed.get(share, 0) | names
        if len(self._needs) < _NEEDS_KEPT:
            self._needs[(size, cutoff)] = needed
        return needed

    def _index(self) -> dict[tuple[str, int], int]:
        positions: dict[tuple[str, int], list[int]] = {}
        lengths: dict[int, list[int]] = {}
        for position, name in enumerate(self.names):
            lengths.setdefault(len(name), []).append(position)
            for pair in _bag(name):
                positions.setdefault(pair, []).append(position)
        self._of_length = {length: _bit_set(found) for length, found in lengths.items()}
        holding = {pair: _bit_set(found) for pair, found in positions.items()}
        self._holding = holding
        return holding


def _bag(text: str) -> list[tuple[str, int]]:
    """Each letter of a text with each count up to its number: "anna" has a1, a2, n1, n2."""
    counts: dict[str, int] = {}
    bag = []
    for letter in text:
        counts[letter] = count = counts.get(letter, 0) + 1
        bag.append((letter, count))
    return bag


def _bit_set(positions: list[int]) -> int:
    bits = bytearray(positions[-1] // 8 + 1)
    for p in positions:
        bits[p >> 3] |= 1 << (p & 7)
    return int.from_bytes(bits, "little")


def _positions(bits: int) -> list[int]:
    """The positions of a bit set, in order."""
    digits = bin(bits)[:1:-1]  # the lowest bit first
    found = []
    at = digits.find("1")
    while at >= 0:
        found.append(at)
        at = digits.find("1", at + 1)
    return found


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
        # Words of the names of several words (``_name_part`` keeps them when they can be read
        # together): those that begin one (of two or three words) and those that follow on.
        self._begins = self._starts.get(2, frozenset()) | self._starts.get(3, frozenset())
        self._begins_three = self._starts.get(3, frozenset())
        self._joining = frozenset(p for key in drugs if "_" in key for p in key.split("_")[1:])
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
        low_dose_words = {word for name in self._low_dose for word in name.split("_")}
        # Words always in a name part: names of one word, first words and low-dose words.
        self._naming = frozenset([*self._drug_keys[1].names, *self._begins, *low_dose_words])
        self._keep_readings()

    def _keep_readings(self) -> None:
        # By the text as written (given back as it is), then by its name part ("Warfarin 5 mg"
        # and "warfarin 10mg daily" share one reading).
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
        """The reading of the line's name part, with the classes its doses in milligrams give
        when a medicine found is read by its dose ("mg 10" has the words of "10 mg" but names
        no dose)."""
        low = text.lower()
        part = self._name_part(_words_of_lower(low))
        r, dosed = self._medication(part)
        classes = self._classes(dosed, _milligrams_of_lower(low), part) if dosed else r.classes
        return MedicationReading(text, r.generics, classes, r.how, r.suggestions)

    def _name_part(self, words: Sequence[str]) -> tuple[str, ...]:
        """The words of a line a reading uses, in order, a gap standing for each run of words
        left out: a word that is a name, begins or follows on in a name of several words, is of
        a low-dose name or would be compared as a near miss. Doses, units and frequencies are
        left out, so lines naming one medicine at different doses share one reading."""
        part: list[str] = []
        gap = False
        naming, begins, joining = self._naming, self._begins, self._joining
        for i, word in enumerate(words):
            if (
                word in naming
                or self._compared(word)
                or (
                    word in joining
                    and i > 0
                    and (words[i - 1] in begins or (i > 1 and words[i - 2] in self._begins_three))
                )
            ):
                if gap and part:
                    part.append(_GAP)
                part.append(word)
                gap = False
            else:
                gap = True
        return tuple(part)

    def _condition_as_written(self, text: str) -> ConditionReading:
        r = self._condition(normalise(text))
        return ConditionReading(text, r.condition, r.how, r.suggestions)

    def _read_medication(self, words: tuple[str, ...]) -> tuple[MedicationReading, list[Drug]]:
        """The reading of a line's name part, with the medicines found whose classes depend on
        the dose (the reading's classes are then worked out for each line)."""
        text = " ".join(words)
        found, used = self._exact_drugs(words)
        suggestions = [drug.label for drug in found if drug.spelling]
        how: How = "spelling" if suggestions else "name"
        for start, size in self._leftovers(words, used):
            near = self._medicine_word("_".join(words[start : start + size]), size)
            suggestions.extend(s for s in near.suggestions if s not in suggestions)
            if near.read is not None:
                found.append(self._drugs[near.read])
                how = "spelling"
        if not found:
            return MedicationReading(text, (), (), "unrecognised", tuple(suggestions)), []
        generics = tuple(dict.fromkeys(g for drug in found for g in drug.generics))
        dosed = any(len(d.generics) == 1 and d.generics[0] in self._dose_of for d in found)
        classes = () if dosed else self._classes(found, (), words)
        if how == "name":
            suggestions = []
        reading = MedicationReading(text, generics, classes, how, tuple(suggestions))
        return reading, found if dosed else []

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
        once; a span of several words is looked up only when its first word begins a name of
        its length, and a word left is looked up as it is."""
        found: list[Drug] = []
        used: set[int] = set()
        drugs = self._drugs
        for size in (3, 2):
            starts = self._starts.get(size, ())
            for start in range(len(words) - size + 1):
                if words[start] not in starts or used.intersection(range(start, start + size)):
                    continue
                drug = drugs.get("_".join(words[start : start + size]))
                if drug is not None:
                    found.append(drug)
                    used.update(range(start, start + size))
        for start, word in enumerate(words):
            if start not in used:
                drug = drugs.get(word)
                if drug is not None:
                    found.append(drug)
                    used.add(start)
        return found, used

    def _leftovers(self, words: Sequence[str], used: set[int]) -> Iterator[tuple[int, int]]:
        """Unread words worth comparing: long enough, letters only, not a dose or frequency."""
        for i, word in enumerate(words):
            if i not in used and self._compared(word):
                yield i, 1

    def _compared(self, word: str) -> bool:
        """Whether a word not read exactly is compared with the known names: long enough,
        letters only, not a dose or frequency."""
        return word.isalpha() and len(word) >= self._policy.min_length and word not in self._ignore

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


_GAP = "-"  # in a name part, where words were left out (never a word: words hold no "-")
_KEPT = ("_medication_line", "_condition_name", "_medication", "_condition")
NEAR_LIMIT = 8  # the closest names weighed for one word


def near_matches(key: str, choices: NameChoices, cutoff: float) -> list[tuple[str, float]]:
    """The near misses of ``key``: of the ``NEAR_LIMIT`` names scoring best (at least ``cutoff``,
    ties in the names' order), those that begin with its letter, with their scores."""
    found = choices.best(key, cutoff, limit=NEAR_LIMIT)
    return [(name, score) for name, score in found if name[0] == key[0]]

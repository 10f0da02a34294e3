"""Write the knowledge base's drug_names.yaml from the drug-named-entity-recognition data set.

The medication classes list generic names (and plain lay names). This script takes, for each of
them, the brand and variant names the data set gives for the same drug, leaves out the ones that
would read ordinary text as a medicine, and writes them as ``names: {name: generic}``. A
combination the data set names by its ingredients ("losartan and hydrochlorothiazide",
"budesonide/formoterol") maps its brands to the list of generics when a class lists every
ingredient. A variant that is a near spelling of its one generic (rapidfuzz ratio at least
matching.yaml's min_score: "acetominophen", "omeprazol") goes to ``spellings`` instead, read as
a spelling to confirm. Names the data set lacks are typed by hand under ``typed`` in the same
file; the script keeps them.

    .venv/bin/python scripts/drug_names.py          # write the file and say what was left out
    .venv/bin/python scripts/drug_names.py --check  # exit 1 if the file is not what it would write

A variant is left out when it:
- is not a plain name (punctuation such as commas: salts, chemical names, combinations),
- has more than three words, or fewer than four letters,
- contains a dose, unit, form or frequency word (matching.yaml's ignore words and a few more),
- is an ordinary English word (english-words' web2 list), or made only of ordinary words none of
  which is a one-word name a class lists ("codeine phosphate" stays, "eye drop" goes),
- contains its own generic as a word, the other words naming nothing a class lists
  ("sertraline hydrochloride": the generic is read from it already, the rest is a salt), or
- is a name a class already lists for other classes (it names another generic), or a lay name
  a class lists ("antacids": it names a class, not a generic), or
- is a variant of generics that belong to different classes (ambiguous).

The data set is read from the installed package's dictionary file without importing the package.
It and the word list are development dependencies only (pyproject.toml's dev extra).
"""

from __future__ import annotations

import bz2
import importlib.metadata
import importlib.util
import pickle
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from rapidfuzz import fuzz

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "src" / "backcare" / "knowledge" / "data"
OUTPUT = DATA / "drug_names.yaml"
PACKAGE = "drug-named-entity-recognition"
MODULE = "drug_named_entity_recognition"
DICTIONARY = "drug_ner_dictionary.pkl.bz2"
SOURCES = ["drug-ner-2-0-9", "english-words-2-0-2"]

_WORD = re.compile(r"[a-z]+|\d+(?:[.,]\d+)?")
_APOSTROPHE = re.compile(r"['\u2019](?=[a-z])")
_PLAIN = re.compile(r"[a-z][a-z0-9 '\-]*")
_BIOSIMILAR = re.compile(r"-[a-z]{4}$")  # the four-letter suffix of US biologic names
_JOINS = re.compile(r"\s*/\s*|,\s*(?:and\s+)?|\s+and\s+")
# Form and strength words seen in the data set's variants, on top of matching.yaml's ignore words.
FORM_WORDS = frozenset(
    [
        "oral",
        "solution",
        "suspension",
        "suppository",
        "suppositories",
        "rectal",
        "topical",
        "nasal",
        "chewable",
        "dispersible",
        "soluble",
        "effervescent",
        "lozenge",
        "lozenges",
        "powder",
        "pen",
        "pens",
        "vial",
        "vials",
        "elixir",
        "concentrate",
        "kit",
        "film",
        "films",
        "forte",
        "junior",
        "children",
        "childrens",
        "infant",
        "infants",
        "extra",
        "maximum",
        "regular",
        "original",
        "fast",
        "rapid",
        "relief",
        "plus",
        "injectable",
        "ophthalmic",
        "otic",
        "vaginal",
        "transdermal",
        "inhalation",
        "aerosol",
        "solostar",
        "flexpen",
        "kwikpen",
        "penfill",
        "implant",
        "dimesylate",
    ]
)

REASONS = {
    "not_plain": "not a plain name (punctuation: a salt, chemical name or combination)",
    "too_long": "more than three words",
    "too_short": "fewer than four letters",
    "dose_word": "contains a dose, unit, form or frequency word",
    "has_generic": "contains its generic, read already (salts, makers' prefixes)",
    "ordinary_word": "an ordinary English word (or only ordinary words)",
    "other_class": "a name a class lists for other classes (names another generic)",
    "ambiguous": "a variant of generics of different classes",
    "lay_name": "a lay name a class lists (names a class, not a generic)",
}


def words_of(text: str) -> list[str]:
    """As backcare.knowledge.names.words_of: the words of a text, an apostrophe joining."""
    return _WORD.findall(_APOSTROPHE.sub("", text.lower()))


def normalise(text: str) -> str:
    return "_".join(words_of(text))


@dataclass
class Result:
    names: dict[str, str | list[str]]
    spellings: dict[str, str] = field(default_factory=dict)
    left_out: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    generics: int = 0
    generics_found: int = 0


def class_names() -> dict[str, tuple[str, tuple[str, ...]]]:
    """Every name the medication classes list: normalised key -> (name, its classes)."""
    files = [DATA / "medications.yaml", *sorted((DATA / "medications").glob("*.yaml"))]
    classes: dict[str, list[str]] = defaultdict(list)
    spelled: dict[str, str] = {}
    for path in files:
        for entry in yaml.safe_load(path.read_text(encoding="utf-8")):
            for name in entry["names"]:
                key = normalise(name)
                spelled.setdefault(key, name.lower())
                classes[key].append(entry["id"])
    return {key: (spelled[key], tuple(sorted(set(ids)))) for key, ids in classes.items()}


def matching() -> dict[str, Any]:
    policy: dict[str, Any] = yaml.safe_load((DATA / "matching.yaml").read_text(encoding="utf-8"))
    return policy


def lay_names() -> frozenset[str]:
    """The lay names the classes list ("blood thinner"), normalised."""
    files = [DATA / "medications.yaml", *sorted((DATA / "medications").glob("*.yaml"))]
    return frozenset(
        normalise(name)
        for path in files
        for entry in yaml.safe_load(path.read_text(encoding="utf-8"))
        for name in entry.get("lay_names", [])
    )


def ignore_words() -> frozenset[str]:
    return frozenset(normalise(word) for word in matching()["ignore_words"]) | FORM_WORDS


def dataset() -> tuple[dict[str, list[str]], str]:
    """The data set's variant -> canonical names map, and the package's version."""
    spec = importlib.util.find_spec(MODULE)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"{PACKAGE} is not installed: pip install -e '.[dev]'")
    path = Path(next(iter(spec.submodule_search_locations))) / DICTIONARY
    with bz2.open(path, "rb") as handle:
        data: dict[str, Any] = pickle.load(handle)  # the installed package's own data file
    return data["drug_variant_to_canonical"], importlib.metadata.version(PACKAGE)


def english_words() -> frozenset[str]:
    from english_words import get_english_words_set

    return frozenset(get_english_words_set(["web2"], lower=True))


def build(
    known: dict[str, tuple[str, tuple[str, ...]]],
    variant_to_canonical: dict[str, list[str]],
    ordinary: frozenset[str],
    dose_words: frozenset[str],
    near_score: float,
    lay: frozenset[str] = frozenset(),
) -> Result:
    canonical_to_variants: dict[str, list[str]] = defaultdict(list)
    for variant, canonicals in variant_to_canonical.items():
        for canonical in canonicals:
            canonical_to_variants[canonical].append(variant)
    # Each data-set drug (canonical name) -> the class name that stands for it.
    generics_of: dict[str, list[str]] = defaultdict(list)
    found = 0
    for key, (name, _) in known.items():
        canonicals = {c for c in variant_to_canonical.get(name, []) if len(_parts(c)) == 1}
        if name in canonical_to_variants:
            canonicals.add(name)
        found += bool(canonicals)
        for canonical in sorted(canonicals):
            generics_of[canonical].append(key)
    single = {
        canonical: ([k for k in keys if known[k][0] == canonical] or keys[:1])[0]
        for canonical, keys in generics_of.items()
    }
    # Combinations ("losartan and hydrochlorothiazide") whose every part a class lists, and
    # single drugs named with a salt, form or biosimilar suffix ("erenumab-aooe").
    medicines: dict[str, tuple[str, ...]] = {c: (key,) for c, key in single.items()}
    for canonical in canonical_to_variants:
        parts = _parts(canonical)
        if canonical not in medicines:
            keys = [
                _resolve(part, known, single, variant_to_canonical, dose_words) for part in parts
            ]
            if all(keys):
                medicines[canonical] = tuple(dict.fromkeys(k for k in keys if k))
    result = Result(names={}, generics=len(known), generics_found=found)
    drug_words = frozenset(key for key in known if "_" not in key)
    candidates: dict[str, set[tuple[str, ...]]] = defaultdict(set)
    for canonical, keys in medicines.items():
        for variant in canonical_to_variants[canonical]:
            candidates[variant].add(keys)
    for variant in sorted(candidates):
        key = normalise(variant)
        options = candidates[variant]
        if key in lay:
            _leave_out(result, "lay_name", variant)
            continue
        if key in known:
            if any(known[key][1] != _classes_of(keys, known) for keys in options):
                _leave_out(result, "other_class", variant)
            continue
        reason = _guard(variant, key, ordinary, dose_words, drug_words)
        if reason is None and len({_classes_of(keys, known) for keys in options}) > 1:
            reason = "ambiguous"
        if reason is None and any(_holds_generics(key, keys, known) for keys in options):
            reason = "has_generic"
        if reason is not None:
            _leave_out(result, reason, variant)
            continue
        keys = min(options)
        generics = [known[k][0] for k in keys]
        if len(generics) > 1:
            result.names.setdefault(variant, generics)
        elif fuzz.ratio(key, keys[0]) >= near_score:
            result.spellings.setdefault(variant, generics[0])
        else:
            result.names.setdefault(variant, generics[0])
    return result


def _parts(canonical: str) -> list[str]:
    """The ingredients a data-set name lists ("a/b", "a and b", "a, b, and c")."""
    return [part for part in _JOINS.split(canonical) if part]


def _resolve(
    part: str,
    known: dict[str, tuple[str, tuple[str, ...]]],
    single: dict[str, str],
    variant_to_canonical: dict[str, list[str]],
    dose_words: frozenset[str],
) -> str | None:
    """The class name one ingredient of a combination is, if any (salt words dropped)."""
    plain = " ".join(w for w in words_of(part) if w not in dose_words)
    for name in dict.fromkeys([part, plain, _BIOSIMILAR.sub("", part)]):
        if normalise(name) in known:
            return normalise(name)
        for canonical in variant_to_canonical.get(name, []):
            if canonical in single:
                return single[canonical]
    return None


def _classes_of(
    keys: tuple[str, ...], known: dict[str, tuple[str, tuple[str, ...]]]
) -> tuple[str, ...]:
    return tuple(sorted({c for key in keys for c in known[key][1]}))


def _guard(
    variant: str,
    key: str,
    ordinary: frozenset[str],
    dose_words: frozenset[str],
    drug_words: frozenset[str],
) -> str | None:
    if not _PLAIN.fullmatch(variant):
        return "not_plain"
    words = key.split("_")
    if len(words) > 3:
        return "too_long"
    if sum(len(w) for w in words if w.isalpha()) < 4:
        return "too_short"
    if any(w in dose_words for w in words):
        return "dose_word"
    if len(words) == 1 and key in ordinary:
        return "ordinary_word"
    if len(words) > 1 and all(
        (w in ordinary and w not in drug_words) or not w.isalpha() for w in words
    ):
        return "ordinary_word"
    return None


def _holds_generics(
    key: str, generics: tuple[str, ...], known: dict[str, tuple[str, tuple[str, ...]]]
) -> bool:
    """Whether the variant contains each of its generics as whole words and names nothing else
    a class lists (it is read as them already)."""
    rest = f"_{key}_"
    for generic in generics:
        if f"_{generic}_" not in rest:
            return False
        rest = rest.replace(f"_{generic}_", "_", 1)
    return not any(word in known for word in rest.split("_") if word)


def _leave_out(result: Result, reason: str, variant: str) -> None:
    result.left_out[reason] += 1
    if len(result.examples[reason]) < 6:
        result.examples[reason].append(variant)


def render(result: Result, version: str, typed: dict[str, str | list[str]]) -> str:
    counts = ", ".join(f"{result.left_out[r]} {r}" for r in REASONS if result.left_out[r])
    combinations = sum(not isinstance(generic, str) for generic in result.names.values())
    head = [
        "# Brand names and other names of the generic medicines the medication classes list, each",
        "# mapped to its generic. A name here takes the classes of its generic.",
        "# Generated by scripts/drug_names.py: do not edit `names` by hand; `typed` is kept.",
    ]
    body = {
        "sources": SOURCES,
        "note": (
            f"names: {len(result.names)} brand and variant names ({combinations} of them "
            f"combination products) from {PACKAGE} {version} (MIT) for "
            f"{result.generics_found} of the {result.generics} names the classes list; "
            f"spellings: {len(result.spellings)} "
            f"misspellings the data set lists; left out: {counts}. typed: {len(typed)} names "
            "the data set lacks, typed by hand."
        ),
        "typed": dict(sorted(typed.items())),
        "spellings": dict(sorted(result.spellings.items())),
        "names": dict(sorted(result.names.items())),
    }
    text = yaml.safe_dump(body, sort_keys=False, allow_unicode=True, width=100)
    return "\n".join(head) + "\n" + text


def current_typed() -> dict[str, str | list[str]]:
    if not OUTPUT.exists():
        return {}
    data = yaml.safe_load(OUTPUT.read_text(encoding="utf-8")) or {}
    return dict(data.get("typed") or {})


def generate() -> tuple[str, Result]:
    variant_to_canonical, version = dataset()
    known = class_names()
    near = float(matching()["min_score"])
    result = build(known, variant_to_canonical, english_words(), ignore_words(), near, lay_names())
    typed = current_typed()
    for name in typed:
        result.names.pop(name.lower(), None)
        result.spellings.pop(name.lower(), None)
    return render(result, version, typed), result


def main(argv: list[str]) -> int:
    text, result = generate()
    if "--check" in argv:
        same = OUTPUT.exists() and OUTPUT.read_text(encoding="utf-8") == text
        print("drug_names.yaml is current" if same else "drug_names.yaml is out of date")
        return 0 if same else 1
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {len(result.names)} names to {OUTPUT.relative_to(ROOT)}")
    print(f"misspellings read as a spelling to confirm: {len(result.spellings)}")
    print(f"class names found in the data set: {result.generics_found} of {result.generics}")
    for reason, label in REASONS.items():
        if result.left_out[reason]:
            examples = ", ".join(result.examples[reason])
            print(f"left out {result.left_out[reason]}: {label} (e.g. {examples})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

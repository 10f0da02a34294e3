"""Reading the knowledge base from its YAML files and compiling its rules; ``checks`` then
refuses an inconsistent whole."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Iterable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from backcare.errors import KnowledgeError
from backcare.knowledge import compiled
from backcare.knowledge import model as m
from backcare.knowledge import outcome as o
from backcare.knowledge.base import KnowledgeBase
from backcare.knowledge.names import Drug, NameIndex, normalise

E = TypeVar("E", bound=BaseModel)


def data_dir() -> Path:
    return Path(str(resources.files("backcare.knowledge") / "data"))


@cache
def load_knowledge(directory: Path | None = None) -> KnowledgeBase:
    """Load, check and compile the knowledge base (cached: it is immutable). The packaged one
    is kept in the user's cache directory in its checked form (``compiled``)."""
    folder = directory or data_dir()
    return load_from(folder, cache_root() if folder == data_dir() else None)


def load_from(directory: Path, cache: Path | None) -> KnowledgeBase:
    """The knowledge base in ``directory``, kept in the folder ``cache`` when one is given."""
    texts = _texts(directory)
    kept = cache / f"knowledge-{compiled.cache_key(texts)[:32]}.pickle" if cache else None
    if kept is not None:
        found = compiled.read(kept)
        if found is not None:
            return found
    kb = _build(_Reader(directory, _parsed(texts, cache)))
    if kept is not None:
        compiled.keep(kept, kb)
    return kb


def cache_root() -> Path:
    """Where the knowledge base is kept between starts: the user's cache directory."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "backcare"


class _Reader:
    """Every YAML file of a knowledge directory, parsed once, by name (``conditions/core``)."""

    def __init__(self, directory: Path, files: dict[str, Any]) -> None:
        self.directory = directory
        self.files = files

    def raw(self, name: str) -> Any:
        if name not in self.files:
            raise KnowledgeError(f"{name}.yaml: missing")
        return self.files[name]

    def one(self, name: str, model: type[E]) -> E:
        return _validate(model, self.raw(name), f"{name}.yaml")

    def many(self, name: str, model: type[E]) -> list[E]:
        """The entries of ``NAME.yaml`` and of every ``NAME/*.yaml`` in name order."""
        files = [name] if name in self.files else []
        files += sorted(f for f in self.files if f.rpartition("/")[0] == name)
        if not files:
            raise KnowledgeError(f"{name}.yaml: missing")
        entries: list[E] = []
        for file in files:
            items = self.raw(file)
            if not isinstance(items, list):
                raise KnowledgeError(f"{file}.yaml: expected a list of entries")
            entries += [
                _validate(model, item, f"{file}.yaml entry {i + 1}") for i, item in enumerate(items)
            ]
        return entries


def _texts(directory: Path) -> dict[str, bytes]:
    """Every YAML file below ``directory``, by name (``conditions/core``), in name order."""
    try:
        return {
            path.relative_to(directory).with_suffix("").as_posix(): path.read_bytes()
            for path in sorted(directory.rglob("*.yaml"))
        }
    except OSError as error:
        raise KnowledgeError(f"{directory}: cannot read: {error}") from error


def _parsed(texts: dict[str, bytes], cache: Path | None) -> dict[str, Any]:
    """Parse every YAML file. When the checked form cannot be used (the code changed, say),
    parsing is most of the load time, so the parsed form is kept as JSON in ``cache`` too,
    under the hash of the files' contents: any change to a file makes a new entry."""
    digest = hashlib.sha256()
    for name, text in texts.items():
        digest.update(name.encode() + b"\0" + text + b"\0")
    kept = cache / f"knowledge-{digest.hexdigest()[:32]}.json" if cache else None
    if kept is not None and kept.is_file():
        with contextlib.suppress(OSError, ValueError):
            return dict(json.loads(kept.read_bytes()))
    parsed = {name: _parse(name, text) for name, text in texts.items()}
    if kept is not None:
        _keep(kept, parsed)
    return parsed


def _parse(name: str, text: bytes) -> Any:
    import yaml  # here: a start that takes the kept knowledge base reads no YAML

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(text.decode("utf-8"), Loader=loader)
    except (UnicodeDecodeError, yaml.YAMLError) as error:
        raise KnowledgeError(f"{name}.yaml: cannot read: {error}") from error


def _keep(cache: Path, parsed: dict[str, Any]) -> None:
    """Write the cache if JSON holds the data exactly (YAML dates would not); a cache that
    cannot be written is only a slower start."""
    try:
        text = json.dumps(parsed, ensure_ascii=False)
        if json.loads(text) != parsed:
            return
        cache.parent.mkdir(parents=True, exist_ok=True)
        partial = cache.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, cache)
        for stale in cache.parent.glob("knowledge-*.json"):
            if stale != cache:
                stale.unlink(missing_ok=True)
    except (OSError, TypeError, ValueError):
        return


def _validate(model: type[E], raw: Any, where: str) -> E:
    try:
        return model.model_validate(raw)
    except ValidationError as error:
        ident = raw.get("id") if isinstance(raw, dict) else None
        details = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()
        )
        raise KnowledgeError(f"{where}{f' ({ident})' if ident else ''}: {details}") from error


def _by_id(entries: Iterable[E], kind: str) -> dict[str, E]:
    result: dict[str, E] = {}
    for entry in entries:
        entry_id = getattr(entry, "id")  # noqa: B009 - every keyed entry model has an id
        if entry_id in result:
            raise KnowledgeError(f"{kind}: duplicate id '{entry_id}'")
        result[entry_id] = entry
    return result


def _build(read: _Reader) -> KnowledgeBase:
    rules = read.many("red_flags", m.Rule) + read.many("screening", m.Rule)
    _by_id(rules, "rules")
    self_care = _by_id(read.many("self_care", m.SelfCare), "self_care")
    conditions = _by_id(read.many("conditions", m.Condition), "conditions")
    medications = _by_id(read.many("medications", m.MedicationClass), "medications")
    meta = read.one("meta", m.Meta)
    drug_names = read.one("drug_names", m.DrugNames)
    matching = read.one("matching", m.MatchingPolicy)
    condition_names = _condition_names(conditions)
    medication_names = _medication_names(medications, drug_names)
    dose_rules = _by_name(read.many("medication_doses", m.DoseRule))
    pressure = _by_id(read.many("pressure", m.PressureLevel), "pressure")
    instruments = _by_id(read.many("instruments", o.Instrument), "instruments")
    progress = read.one("progress", o.ProgressPolicy)
    _by_id(progress.rules, "progress rules")
    kb = KnowledgeBase(
        meta=meta,
        sources=_by_id(read.many("sources", m.Source), "sources"),
        conditions=conditions,
        medications=medications,
        rules=tuple(compiled.compile_rule(rule) for rule in rules),
        modalities=_by_id(read.many("modalities", m.Modality), "modalities"),
        techniques=_by_id(read.many("techniques", m.Technique), "techniques"),
        regions=_by_id(read.many("regions", m.Region), "regions"),
        positioning=_by_id(read.many("positioning", m.Positioning), "positioning"),
        pressure=pressure,
        classification=read.one("classification", m.Classification),
        self_care=self_care,
        self_care_conditions={i: compiled.self_care_conditions(s) for i, s in self_care.items()},
        claims=_by_id(read.many("claims", m.Claim), "claims"),
        steps=_by_id(read.many("steps", m.Step), "steps"),
        coverage=tuple(read.many("coverage", m.CoverageItem)),
        plan=read.one("plan", m.PlanPolicy),
        scoring=read.one("scoring", m.ScoringWeights),
        protocols=_by_modality(read.many("protocols", m.Protocol)),
        instruments=instruments,
        progress=progress,
        progress_rules=compiled.compile_progress(progress),
        risk_groups=compiled.compile_groups(instruments),
        condition_outcomes={
            c.id: _status_outcomes(c, meta.status_defaults) for c in conditions.values()
        },
        condition_names=condition_names,
        medication_names=medication_names,
        drug_names=drug_names,
        dose_rules=dose_rules,
        rxnorm=read.one("rxnorm", m.RxNorm),
        matching=matching,
        names=NameIndex(
            medication_names,
            condition_names,
            dose_rules,
            matching,
            {cls.id: _risk(cls, pressure) for cls in medications.values()},
        ),
    )
    from backcare.knowledge.checks import check

    problems = list(check(kb))
    if problems:
        raise KnowledgeError("knowledge base is inconsistent:\n  " + "\n  ".join(problems))
    return kb


def _status_outcomes(condition: m.Condition, defaults: m.StatusDefaults) -> dict[str, m.Outcome]:
    """An outcome for every status, applying the documented defaults where the entry is silent."""
    active = condition.active
    title = active.title or condition.name
    suspected = active.model_copy(
        update={"title": f"{title} (suspected)", "why": f"{active.why} {defaults.suspected}"}
    )
    history = m.Outcome(
        decision="proceed",
        title=f"{condition.name} in the past",
        why=defaults.history,
        sources=active.sources,
    )
    return {
        "active": active,
        "controlled": condition.controlled or active,
        "history": condition.history or history,
        "suspected": condition.suspected or suspected,
        "unstated": condition.unstated or active,
    }


def _by_modality(protocols: list[m.Protocol]) -> dict[str, m.Protocol]:
    result: dict[str, m.Protocol] = {}
    for protocol in protocols:
        if protocol.modality in result:
            raise KnowledgeError(f"protocols: two protocols for '{protocol.modality}'")
        result[protocol.modality] = protocol
    return result


def _condition_names(conditions: dict[str, m.Condition]) -> dict[str, str]:
    names: dict[str, str] = {}
    for condition in conditions.values():
        for name in (condition.id, condition.name, *condition.synonyms):
            key = normalise(name)
            if names.setdefault(key, condition.id) != condition.id:
                raise KnowledgeError(
                    f"conditions: '{name}' names both {names[key]} and {condition.id}"
                )
    return names


def _medication_names(
    medications: dict[str, m.MedicationClass], drug_names: m.DrugNames
) -> dict[str, Drug]:
    """Every name a medicine is known by, normalised, with its generic names and classes.

    A class's lay names ("blood thinner") name the class and no generic; a brand of a
    combination names every ingredient and takes all their classes."""
    generics: dict[str, tuple[str, ...]] = {}
    spelled: dict[str, str] = {}
    lay: dict[str, tuple[str, ...]] = {}
    for cls in medications.values():
        for name, table in [
            *((n, generics) for n in cls.names),
            *((n, lay) for n in cls.lay_names),
        ]:
            key = normalise(name)
            if len(key.split("_")) > 3:
                raise KnowledgeError(f"medications: '{name}' has more than three words")
            if cls.id in generics.get(key, ()) + lay.get(key, ()):
                raise KnowledgeError(f"medications {cls.id}: '{name}' is listed twice")
            table[key] = (*table.get(key, ()), cls.id)
            spelled.setdefault(key, name.lower())
    both = set(generics) & set(lay)
    if both:
        raise KnowledgeError(f"medications: {sorted(both)} listed both as generic and lay names")
    own = {key: Drug((spelled[key],), classes) for key, classes in generics.items()}
    names = {**own, **{key: Drug((), classes) for key, classes in lay.items()}}
    brands = [
        *(
            (name, target, False)
            for name, target in {**drug_names.names, **drug_names.typed}.items()
        ),
        *((name, target, True) for name, target in drug_names.spellings.items()),
    ]
    for name, target, spelling in brands:
        key = normalise(name)
        if len(key.split("_")) > 3:
            raise KnowledgeError(f"drug_names: '{name}' has more than three words")
        drug = _brand(name, [target] if isinstance(target, str) else target, own, spelling)
        if key in names and set(drug.classes) != set(names[key].classes):
            raise KnowledgeError(f"drug_names: '{name}' is also a generic of other classes")
        names.setdefault(key, drug)
    return names


def _brand(name: str, ingredients: list[str], own: dict[str, Drug], spelling: bool) -> Drug:
    """The medicine a brand or spelling names: its ingredients' generics and classes."""
    found = []
    for ingredient in ingredients:
        drug = own.get(normalise(ingredient))
        if drug is None:
            raise KnowledgeError(f"drug_names: '{name}' names '{ingredient}', which no class lists")
        found.append(drug)
    generics = tuple(dict.fromkeys(g for drug in found for g in drug.generics))
    classes = tuple(dict.fromkeys(c for drug in found for c in drug.classes))
    return Drug(generics, classes, spelling)


def _risk(cls: m.MedicationClass, pressure: dict[str, m.PressureLevel]) -> int:
    """How much a class changes the session: its decision, then how low its pressure ceiling."""
    levels = len(pressure) + 1
    ceiling = cls.modifications.max_pressure
    lowered = levels - pressure[ceiling].rank if ceiling in pressure else 0
    return levels * m.Decision[cls.decision] + lowered


def _by_name(rules: list[m.DoseRule]) -> dict[str, m.DoseRule]:
    return {normalise(rule.name): rule for rule in rules}

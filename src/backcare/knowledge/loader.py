"""Reading the knowledge base from its YAML files, checking it whole, and compiling its rules."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
from collections.abc import Iterable, Iterator
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from backcare.errors import KnowledgeError
from backcare.knowledge import contract
from backcare.knowledge import model as m
from backcare.knowledge.base import CompiledRule, KnowledgeBase, values_named
from backcare.knowledge.names import Drug, NameIndex, normalise
from backcare.knowledge.rule import FACTS, compile_predicate, parse, values_used

E = TypeVar("E", bound=BaseModel)

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def data_dir() -> Path:
    return Path(str(resources.files("backcare.knowledge") / "data"))


@cache
def load_knowledge(directory: Path | None = None) -> KnowledgeBase:
    """Load, check and compile the knowledge base (cached: it is immutable)."""
    return _build(_Reader(directory or data_dir()))


class _Reader:
    """Every YAML file of a knowledge directory, parsed once, by name (``conditions/core``)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.files = _parsed(directory)

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


def _parsed(directory: Path) -> dict[str, Any]:
    """Parse every YAML file below ``directory``. Parsing is most of the load time, so the
    packaged knowledge base keeps its parsed form as JSON in the user's cache, under the hash
    of the files' contents: any change to a file makes a new entry."""
    try:
        texts = {
            path.relative_to(directory).with_suffix("").as_posix(): path.read_bytes()
            for path in sorted(directory.rglob("*.yaml"))
        }
    except OSError as error:
        raise KnowledgeError(f"{directory}: cannot read: {error}") from error
    digest = hashlib.sha256()
    for name, text in texts.items():
        digest.update(name.encode() + b"\0" + text + b"\0")
    cache = _cache_file(digest.hexdigest()) if directory == data_dir() else None
    if cache is not None and cache.is_file():
        with contextlib.suppress(OSError, ValueError):
            return dict(json.loads(cache.read_bytes()))
    parsed = {name: _parse(name, text) for name, text in texts.items()}
    if cache is not None:
        _keep(cache, parsed)
    return parsed


def _parse(name: str, text: bytes) -> Any:
    try:
        return yaml.load(text.decode("utf-8"), Loader=_Loader)
    except (UnicodeDecodeError, yaml.YAMLError) as error:
        raise KnowledgeError(f"{name}.yaml: cannot read: {error}") from error


def _cache_file(digest: str) -> Path:
    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return root / "backcare" / f"knowledge-{digest[:32]}.json"


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
    kb = KnowledgeBase(
        meta=meta,
        sources=_by_id(read.many("sources", m.Source), "sources"),
        conditions=conditions,
        medications=medications,
        rules=tuple(_compile(rule) for rule in rules),
        modalities=_by_id(read.many("modalities", m.Modality), "modalities"),
        techniques=_by_id(read.many("techniques", m.Technique), "techniques"),
        regions=_by_id(read.many("regions", m.Region), "regions"),
        positioning=_by_id(read.many("positioning", m.Positioning), "positioning"),
        pressure=pressure,
        classification=read.one("classification", m.Classification),
        self_care=self_care,
        self_care_rules={item.id: _compile_self_care(item) for item in self_care.values()},
        claims=_by_id(read.many("claims", m.Claim), "claims"),
        steps=_by_id(read.many("steps", m.Step), "steps"),
        coverage=tuple(read.many("coverage", m.CoverageItem)),
        plan=read.one("plan", m.PlanPolicy),
        scoring=read.one("scoring", m.ScoringWeights),
        protocols=_by_modality(read.many("protocols", m.Protocol)),
        condition_outcomes={
            c.id: _status_outcomes(c, meta.status_defaults) for c in conditions.values()
        },
        condition_names=condition_names,
        medication_names=medication_names,
        drug_names=drug_names,
        dose_rules=dose_rules,
        matching=matching,
        names=NameIndex(
            medication_names,
            condition_names,
            dose_rules,
            matching,
            {cls.id: _risk(cls, pressure) for cls in medications.values()},
        ),
    )
    problems = list(check(kb))
    if problems:
        raise KnowledgeError("knowledge base is inconsistent:\n  " + "\n  ".join(problems))
    return kb


def _compile(rule: m.Rule) -> CompiledRule:
    node = parse(rule.when, f"rule {rule.id}")
    return CompiledRule(rule, node, compile_predicate(node))


def _compile_self_care(item: m.SelfCare) -> tuple[Any, tuple[Any, ...]]:
    where = f"self_care {item.id}"
    exclude = compile_predicate(parse(item.exclude_when, where)) if item.exclude_when else None
    cautions = tuple(compile_predicate(parse(c.when, where)) for c in item.cautions)
    return exclude, cautions


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


def check(kb: KnowledgeBase) -> Iterator[str]:
    """Every cross-reference problem in the knowledge base, as readable lines."""
    seeds = {s.id for s in kb.sources.values() if s.kind == "seed"}
    manipulations = {*kb.techniques, *kb.modalities}
    policies = [
        ("plan", "policy", kb.plan),
        ("classification", "policy", kb.classification),
        ("scoring", "policy", kb.scoring),
        *(("pressure", level.id, level) for level in kb.pressure.values()),
    ]
    cited: set[str] = set()
    for kind, entry_id, entry in [*kb.entries(), *policies]:
        where = f"{kind} {entry_id}"
        sources, named_seeds = (
            list(values_named(entry, "sources")),
            list(values_named(entry, "seeds")),
        )
        cited.update(sources, named_seeds)
        for source in sources:
            if source not in kb.sources:
                yield f"{where}: cites unknown source '{source}'"
        for seed in named_seeds:
            if seed not in seeds:
                yield f"{where}: names unknown seed '{seed}'"
        for mods in _all_modifications(entry):
            yield from _check_modifications(kb, mods, manipulations, where)
    for condition in kb.meta.public_check.conditions:
        if condition not in kb.conditions:
            yield f"meta public_check: unknown condition '{condition}'"
    yield from _check_contract(kb)
    yield from _check_decisions(kb)
    yield from _check_medicines(kb)
    yield from _check_rules(kb)
    yield from _check_modalities(kb)
    yield from _check_protocols(kb)
    yield from _check_coverage(kb)
    yield from _check_claims(kb)
    yield from _check_self_care(kb)
    yield from _check_positioning(kb)
    for seed in sorted(seeds - cited):
        yield f"sources {seed}: no entry cites this seed article"


def _check_medicines(kb: KnowledgeBase) -> Iterator[str]:
    """Dose rules narrow a known medicine to classes it has; no-change classes say what to ask."""
    for source in kb.drug_names.sources:
        if source not in kb.sources:
            yield f"drug_names: cites unknown source '{source}'"
    for key, rule in kb.dose_rules.items():
        where = f"medication_doses {rule.name}"
        for source in rule.sources:
            if source not in kb.sources:
                yield f"{where}: cites unknown source '{source}'"
        drug = kb.medication_names.get(key)
        if drug is None:
            yield f"{where}: no class lists this medicine"
        elif not set(rule.only) < set(drug.classes):
            yield f"{where}: 'only' must be some, not all, of its classes {list(drug.classes)}"
    for cls in kb.medications.values():
        if cls.decision == "proceed" and not cls.questions:
            yield f"medications {cls.id}: a class that changes nothing must say what to ask"


def _check_contract(kb: KnowledgeBase) -> Iterator[str]:
    if tuple(kb.regions) != contract.REGIONS:
        yield f"regions: must be the spec's regions in order: {', '.join(contract.REGIONS)}"
    for condition in contract.CONDITION_IDS:
        if condition not in kb.conditions:
            yield f"conditions: the spec's condition id '{condition}' is missing"
    for synonym, condition in contract.CONDITION_SYNONYMS.items():
        if kb.condition_id(synonym) != condition:
            yield f"conditions: '{synonym}' must name '{condition}'"
    for cls in contract.MEDICATION_CLASSES:
        if cls not in kb.medications:
            yield f"medications: the spec's class '{cls}' is missing"


_ASKS_CLEARANCE = re.compile(
    r"\b(written|signed)\s+(clearance|approval)|\bclearance\s+(from|first)\b", re.I
)
_CONDITIONAL = re.compile(r"^\s*(if|when|where|should|once|unless)\b", re.I)


def _asks_clearance(action: str | None) -> bool:
    """Whether an action asks, unconditionally, for a physician's clearance."""
    sentences = re.split(r"(?<=[.;:])\s+", action or "")
    return any(_ASKS_CLEARANCE.search(s) and not _CONDITIONAL.match(s) for s in sentences)


def _decided(kb: KnowledgeBase) -> Iterator[tuple[str, Any, bool]]:
    """(where, outcome, passing) for every outcome, class and rule that makes a finding."""
    for condition in kb.conditions.values():
        passing = condition.kind == "systemic_state" or condition.episodic or condition.passing
        for status, outcome in kb.condition_outcomes[condition.id].items():
            yield f"conditions {condition.id} ({status})", outcome, passing
    for cls in kb.medications.values():
        yield f"medications {cls.id}", cls, False
    for compiled in kb.rules:
        yield f"rules {compiled.rule.id}", compiled.rule, compiled.rule.passing


def _check_decisions(kb: KnowledgeBase) -> Iterator[str]:
    """A decision must fit its own words and the headline it is shown under."""
    clearance = m.Decision.clearance
    for where, outcome, passing in _decided(kb):
        decision = m.Decision[outcome.decision]
        if decision < clearance and _asks_clearance(outcome.action):
            yield f"{where}: its action asks for a physician's clearance: decide at least clearance"
        if decision == m.Decision.postpone and not passing:
            yield (
                f"{where}: 'postpone' is shown as a passing illness or state; mark the entry"
                " passing (a rule's or condition's 'passing: true', an episodic condition, a"
                " systemic state) or choose another decision"
            )
    for condition in kb.conditions.values():
        unstated = condition.unstated
        if not condition.episodic:
            continue
        if unstated is None or m.Decision[unstated.decision] >= m.Decision.postpone:
            yield (
                f"conditions {condition.id}: episodic, so written without a status it needs an"
                " 'unstated' outcome that does not assume an episode (below postpone)"
            )
        elif not unstated.questions:
            yield f"conditions {condition.id}: its 'unstated' outcome must ask about an episode"


def _check_modifications(
    kb: KnowledgeBase, mods: m.Modifications, manipulations: set[str], where: str
) -> Iterator[str]:
    for region in mods.avoid_regions:
        if region not in kb.regions:
            yield f"{where}: avoids unknown region '{region}'"
    for technique in mods.avoid_techniques:
        if technique not in manipulations:
            yield f"{where}: avoids unknown technique or modality '{technique}'"
    for position in mods.positioning:
        if position not in kb.positioning:
            yield f"{where}: unknown positioning '{position}'"


def _check_rules(kb: KnowledgeBase) -> Iterator[str]:
    for compiled in kb.rules:
        for name in compiled.rule.avoid_regions_from:
            if FACTS.get(name) != "set":
                yield f"rules {compiled.rule.id}: avoid_regions_from '{name}' is not a set fact"
    known = {
        "conditions": set(kb.conditions),
        "medication_classes": set(kb.medications),
        "pain.regions": set(kb.regions),
    }
    for compiled in kb.rules:
        for fact, allowed in known.items():
            facts = [
                fact,
                *(f"{fact}.{s}" for s in ("active", "controlled", "history", "suspected")),
            ]
            for name in facts:
                for value in values_used(compiled.condition, name) - allowed:
                    yield f"rules {compiled.rule.id}: compares '{name}' with unknown '{value}'"


def _check_modalities(kb: KnowledgeBase) -> Iterator[str]:
    for modality in kb.modalities.values():
        for technique in modality.techniques:
            if technique not in kb.techniques:
                yield f"modalities {modality.id}: unknown technique '{technique}'"
        for technique in modality.core_techniques:
            if technique not in modality.techniques:
                yield f"modalities {modality.id}: core technique '{technique}' not in techniques"
        for condition in modality.suits.conditions:
            if condition not in kb.conditions:
                yield f"modalities {modality.id}: suits unknown condition '{condition}'"
        for claim in modality.claims:
            if claim not in kb.claims:
                yield f"modalities {modality.id}: unknown claim '{claim}'"


def _check_protocols(kb: KnowledgeBase) -> Iterator[str]:
    for modality_id in kb.modalities:
        if modality_id not in kb.protocols:
            yield f"protocols: no protocol for modality '{modality_id}'"
    for protocol in kb.protocols.values():
        modality = kb.modalities.get(protocol.modality)
        if modality is None:
            yield f"protocols {protocol.modality}: unknown modality"
            continue
        for step in (protocol.opening, *protocol.body, protocol.closing):
            if step.technique not in modality.techniques:
                yield f"protocols {protocol.modality}: '{step.technique}' is not its technique"
            for region in step.regions:
                if region not in kb.regions or region == "spine":
                    yield f"protocols {protocol.modality}: region '{region}' (never the spine)"


def _check_coverage(kb: KnowledgeBase) -> Iterator[str]:
    kinds = kb.kinds()
    for item in kb.coverage:
        for ref in item.covered_by:
            kind, _, entry_id = ref.partition(":")
            if entry_id not in kinds.get(kind, {}):
                yield f"coverage '{item.item}': '{ref}' does not resolve (use kind:id)"


def _check_self_care(kb: KnowledgeBase) -> Iterator[str]:
    for item in kb.self_care.values():
        for technique in item.techniques:
            if technique not in kb.techniques:
                yield f"self_care {item.id}: unknown technique '{technique}'"
        if item.kind == "self_massage" and item.pressure is None:
            yield f"self_care {item.id}: a self-massage must say what pressure it asks for"


def _check_positioning(kb: KnowledgeBase) -> Iterator[str]:
    for entry in kb.positioning.values():
        for region in entry.reaches:
            if region not in kb.regions:
                yield f"positioning {entry.id}: reaches unknown region '{region}'"
        if entry.position and not entry.reaches:
            yield f"positioning {entry.id}: a position must say which regions it reaches"
    for condition in kb.conditions.values():
        for region in condition.usual_regions:
            if region not in kb.regions:
                yield f"conditions {condition.id}: usual region '{region}' is not a region"
        if condition.usual_regions and not condition.local:
            yield f"conditions {condition.id}: usual_regions are for local conditions"
    if not any(entry.position for entry in kb.positioning.values()):
        yield "positioning: at least one entry must be a position (the standard one first)"


# How a verdict opens when it rejects the claim as stated, in whole or in part.
_REJECTING = (
    "false",
    "not supported",
    "no evidence",
    "myth",
    "partly",
    "overstated",
    "not shown",
    "true only",
)


def _check_claims(kb: KnowledgeBase) -> Iterator[str]:
    """A grade agrees with its own verdict and with the myth flag."""
    for claim in kb.claims.values():
        where = f"claims {claim.id}"
        if claim.myth != (claim.grade in ("unsupported", "contradicted")):
            yield f"{where}: myth must be true exactly for an unsupported or contradicted grade"
        opening = claim.verdict.lstrip().lower()
        if claim.grade == "supported" and opening.startswith(_REJECTING):
            yield f"{where}: graded supported, but its verdict rejects the claim as stated"


def _all_modifications(entry: Any) -> Iterator[m.Modifications]:
    if isinstance(entry, m.Modifications):
        yield entry
    elif isinstance(entry, BaseModel):
        for field_name in type(entry).model_fields:
            yield from _all_modifications(getattr(entry, field_name))
    elif isinstance(entry, list | tuple):
        for item in entry:
            yield from _all_modifications(item)

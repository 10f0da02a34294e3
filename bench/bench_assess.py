"""Benchmark: one assessment on a realistic mix of intakes, beside a JSONLogic engine running
the same screening rules on the same facts. Prints figures; it passes or fails nothing.

The mix: most intakes reach a plan (as most clients do), some with names typed as clients
type them (brand and lay names), some misspelled and some that no knowledge base holds.
Timed per intake, p50 and p99:

  * ``assess`` on parsed intakes (readings of names are kept between intakes, as a running
    server keeps them; the mix holds more distinct names than are kept), and the same with
    nothing kept, every name read afresh;
  * the whole path: the intake as JSON text in (read as the command line reads a file: sizes,
    depth, duplicate keys checked), the assessment as JSON text out;
  * anchor: datalogic-py (a Rust JSONLogic engine) evaluating every screening rule, translated
    here to JSONLogic from the knowledge base, on the same facts (checked to agree with ours);
    beside it backcare's own compiled rules on those facts (all of them in one function, as
    screening evaluates them), the part of ``assess`` it matches.

Timed as ``backcare serve`` runs: what start-up made (the knowledge base, and here the mix
of intakes, which no server holds) is frozen out of the garbage collector's walks
(``gc.freeze``) before any name is read, so a full collection walks what assessments make and
keep, not those (``--walk-start-up`` leaves them to it, as a caller that never freezes).

Cold start is bench/bench_cold_start.py. The shared helpers (``random_intake``,
``assess_timings``, ``TODAY``) serve bench/bench_knowledge.py too.

    .venv/bin/python bench/bench_assess.py [--intakes N] [--walk-start-up]
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import time
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import Any

import datalogic_py

from backcare.clinical import Intake, assess, parse_intake
from backcare.clinical.assessment import to_json_bytes
from backcare.clinical.facts import read
from backcare.intake_file import load
from backcare.knowledge import KnowledgeBase, load_knowledge
from backcare.knowledge.contract import (
    PROCEDURE_KINDS,
    RED_FLAGS,
    REGIONS,
    SHORTHANDS,
    SKIN_FINDINGS,
    STATUSES,
)
from backcare.knowledge.rule import All, AnyOf, AtLeast, Node, Not, Test, compile_all

TODAY = date(2026, 11, 22)


def random_intake(rng: random.Random, kb: KnowledgeBase) -> dict[str, Any]:
    """Uniformly random answers: every condition and medicine equally likely, by id."""
    conditions = sorted(kb.conditions)
    names = sorted({n for cls in kb.medications.values() for n in cls.names})
    regions = [*REGIONS, *SHORTHANDS]
    intake: dict[str, Any] = {"assessed_on": TODAY, "client": {"age": rng.randint(8, 95)}}
    if rng.random() < 0.85:
        intake["pain"] = {
            "regions": rng.sample(regions, rng.randint(1, 3)),
            "duration_weeks": rng.choice([0.5, 2, 6, 10, 20, 52]),
            "intensity": rng.randint(0, 10),
            "cause": rng.choice(["lifting", "posture", "stress", "overuse", "unknown", "sport"]),
            "radiates_below_knee": rng.random() < 0.15,
        }
        intake["red_flags"] = {flag: rng.random() < 0.03 for flag in RED_FLAGS}
    intake["conditions"] = [
        {"id": rng.choice(conditions), "status": rng.choice(STATUSES)}
        for _ in range(rng.choice([0, 0, 1, 2, 3]))
    ]
    intake["medications"] = [
        f"{rng.choice(names)} {rng.choice([5, 10, 20])} mg" for _ in range(rng.choice([0, 1, 2]))
    ]
    if rng.random() < 0.2:
        intake["skin"] = [{"finding": rng.choice(SKIN_FINDINGS), "region": rng.choice(REGIONS)}]
    if rng.random() < 0.1:
        intake["procedures"] = [
            {
                "kind": rng.choice(PROCEDURE_KINDS),
                "region": "low_back",
                "date": TODAY - timedelta(days=rng.randint(1, 400)),
            }
        ]
    return intake


# Names no knowledge base holds (typed as clients type them): they must be kept, never dropped.
_UNKNOWN_MEDICINES = ("herbal sleep tea", "zorvalex 10 mg", "the blue pill from my gp")
_UNKNOWN_CONDITIONS = ("funny knee", "a bit run down", "zorvalitis")


def _slip(rng: random.Random, word: str) -> str:
    """One typing slip: a letter dropped, doubled or two swapped."""
    i = rng.randrange(1, len(word) - 2)
    return rng.choice(
        [
            word[:i] + word[i + 1 :],
            word[:i] + word[i] + word[i:],
            word[:i] + word[i + 1] + word[i] + word[i + 2 :],
        ]
    )


def mixed_intake(rng: random.Random, kb: KnowledgeBase) -> dict[str, Any]:
    """An intake as a clinic sees them: most reach a plan; names typed, some misspelled."""
    intake = random_intake(rng, kb)
    if "red_flags" in intake:  # a red flag is rare: one intake in twenty has one
        flags = dict.fromkeys(RED_FLAGS, False)
        if rng.random() < 0.05:
            flags[rng.choice(RED_FLAGS)] = True
        intake["red_flags"] = flags
    lay = sorted({s for c in kb.conditions.values() for s in (c.name, *c.synonyms)})
    statuses = ["history", "history", "controlled", "controlled", "active"]
    conditions = []
    for _ in range(rng.choice([0, 0, 1, 1, 2, 3])):
        roll = rng.random()
        name = rng.choice(lay)
        if roll < 0.1:
            name = rng.choice(_UNKNOWN_CONDITIONS)
        elif roll < 0.25 and len(name) > 6:
            name = _slip(rng, name)
        conditions.append({"id": name, "status": rng.choice(statuses)})
    intake["conditions"] = conditions
    brands = sorted(kb.drug_names.names) or sorted(kb.medication_names)
    lines = []
    for _ in range(rng.choice([0, 0, 1, 1, 2, 3])):
        roll = rng.random()
        name = rng.choice(brands)
        if roll < 0.1:
            lines.append(rng.choice(_UNKNOWN_MEDICINES))
            continue
        if roll < 0.25 and len(name) > 6:
            name = _slip(rng, name)
        lines.append(f"{name} {rng.choice([5, 10, 20])} mg daily")
    intake["medications"] = lines
    return intake


def assess_timings(intakes: list[Intake], kb: KnowledgeBase) -> list[int]:
    """Nanoseconds of one ``assess`` for each intake, after a warm-up, sorted."""
    return timings(lambda intake: assess(intake, kb), intakes)


def timings(run: Callable[[Any], object], inputs: Sequence[Any]) -> list[int]:
    """Nanoseconds of ``run`` on each input, after a warm-up, sorted."""
    for item in inputs[:200]:
        run(item)
    found = []
    clock = time.perf_counter_ns
    for item in inputs:
        start = clock()
        run(item)
        found.append(clock() - start)
    return sorted(found)


# The screening-rule format translated to JSONLogic. A fact name's dots would be read as a
# path, so facts are renamed; an unanswered fact (null) makes every comparison false, as ours.
def _var(fact: str) -> dict[str, str]:
    return {"var": fact.replace(".", "__")}


def _answered(fact: str, test: dict[str, Any]) -> dict[str, Any]:
    return {"and": [{"!==": [_var(fact), None]}, test]}


_JSONLOGIC_OPS = {"ne": "!==", "lt": "<", "le": "<=", "gt": ">", "ge": ">="}


def jsonlogic(node: Node) -> Any:
    """The rule condition as JSONLogic."""
    if isinstance(node, All):
        return {"and": [jsonlogic(item) for item in node.items]}
    if isinstance(node, AnyOf):
        return {"or": [jsonlogic(item) for item in node.items]}
    if isinstance(node, Not):
        return {"!": jsonlogic(node.item)}
    if isinstance(node, AtLeast):
        counts = [{"if": [jsonlogic(item), 1, 0]} for item in node.items]
        return {">=": [{"+": counts}, node.count]}
    return _jsonlogic_test(node)


def _jsonlogic_test(test: Test) -> Any:
    fact, value = test.fact, test.value
    if test.op == "has":
        return {"in": [value, _var(fact)]}
    if test.op == "has_any":
        return {"some": [_var(fact), {"in": [{"var": ""}, sorted(value)]}]}
    if test.op == "empty":
        return {"!": _var(fact)} if value else {"!!": _var(fact)}
    if test.op == "in":
        return _answered(fact, {"in": [_var(fact), sorted(value)]})
    if test.op == "eq":
        return {"===": [_var(fact), value]}
    return _answered(fact, {_JSONLOGIC_OPS[test.op]: [_var(fact), value]})


def jsonlogic_facts(facts: dict[str, Any]) -> dict[str, Any]:
    return {
        key.replace(".", "__"): sorted(value) if isinstance(value, frozenset) else value
        for key, value in facts.items()
    }


def percentile(found: list[int], share: float) -> float:
    return found[min(len(found) - 1, int(share * len(found)))] / 1000


def line(label: str, found: list[int], anchor: list[int]) -> str:
    p50, p99 = percentile(found, 0.5), percentile(found, 0.99)
    a50, a99 = percentile(anchor, 0.5), percentile(anchor, 0.99)
    return (
        f"  {label:<34} p50 {p50:7.1f} us ({p50 / a50:4.2f}x)"
        f"   p99 {p99:7.1f} us ({p99 / a99:4.2f}x)"
    )


def main(count: int, *, freeze: bool = True) -> None:
    kb = load_knowledge()
    rng = random.Random(20261202)
    raw = [mixed_intake(rng, kb) for _ in range(count)]
    texts = [json.dumps(item, default=date.isoformat).encode() for item in raw]
    intakes = [parse_intake(item, today=TODAY) for item in raw]
    if freeze:  # as cli/server.py does after start-up; the mix is this script's, not assess's
        gc.freeze()

    engine = datalogic_py.Engine()
    session = engine.session()
    rules = [engine.compile(jsonlogic(compiled.condition)) for compiled in kb.rules]
    facts = [jsonlogic_facts(read(intake, kb).facts) for intake in intakes]
    disagree = 0
    for intake, translated in zip(intakes[:500], facts, strict=False):
        ours = [compiled.holds(read(intake, kb).facts) for compiled in kb.rules]
        theirs = [
            value == "true"
            for value in session.evaluate_many(rules, datalogic_py.DataHandle(translated))
        ]
        disagree += ours != theirs

    def datalogic(translated: dict[str, Any]) -> object:
        return session.evaluate_many(rules, datalogic_py.DataHandle(translated))

    def whole_path(text: bytes) -> bytes:  # as the command line reads a file and prints
        return to_json_bytes(assess(parse_intake(load(text, as_json=True), today=TODAY), kb))

    holding = compile_all([compiled.condition for compiled in kb.rules])  # as screening does

    def our_rules(own: dict[str, Any]) -> object:
        return holding(own)

    anchor = timings(datalogic, facts)
    rules_alone = timings(our_rules, [read(intake, kb).facts for intake in intakes])
    assessed = assess_timings(intakes, kb)

    def afresh(intake: Intake) -> object:
        kb.names.forget_readings()
        return assess(intake, kb)

    unkept = timings(afresh, intakes)
    path = timings(whole_path, texts)

    results = [assess(intake, kb) for intake in intakes]
    planned = sum(result.plan is not None for result in results) / count
    unread = sum(bool(r.unrecognised_conditions or r.unrecognised_medications) for r in results)
    spelled = sum(
        any(x.how == "spelling" for x in (*r.condition_readings, *r.medication_readings))
        for r in results
    )
    print(
        f"one assessment over {count:,} mixed intakes ({len(kb.rules)} rules, knowledge"
        f" {kb.version}): {planned:.0%} reach a plan, {unread / count:.0%} hold a name not"
        f" in the knowledge base, {spelled / count:.0%} a name read by its spelling;"
        f" start-up {'frozen out of' if freeze else 'left to'} the garbage collector's walks"
    )
    print(line("datalogic-py, same rules [anchor]", anchor, anchor))
    print(line("backcare's compiled rules alone", rules_alone, anchor))
    print(line("assess, parsed intake", assessed, anchor))
    print(line("assess, every name read afresh", unkept, anchor))
    print(line("JSON text in -> JSON text out", path, anchor))
    print(
        f"  targets: assess at most 2x the anchor, the whole path at most 3x;"
        f" JSONLogic and backcare disagreed on {disagree} of {min(500, count)} intakes"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--intakes", type=int, default=10_000)
    parser.add_argument(
        "--walk-start-up",
        action="store_true",
        help="leave the knowledge base to the garbage collector's walks (not frozen)",
    )
    arguments = parser.parse_args()
    main(arguments.intakes, freeze=not arguments.walk_start_up)

"""The knowledge base kept in its validated, cross-checked form, so that a start skips reading
YAML, validating every entry and checking the whole (most of a cold start).

The file is named by the hash of the data files and of the code that reads and checks them
(``cache_key``): any change to either makes a new file, and the old one is removed. The file
holds a SHA-256 of its payload: a damaged or truncated file, or one that cannot be loaded, is
ignored (the knowledge base is built from the data files and the file written again). The
compiled rules are closures and cannot be stored: they are compiled again from the stored
rules, which takes a few milliseconds.

Loading the file runs code it names (pickle), so it is only read when it and its folder belong
to the user and nobody else can write them; it is written owner-only.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import pickle
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from backcare.knowledge import model as m
from backcare.knowledge import outcome as o
from backcare.knowledge.base import (
    CompiledGroup,
    CompiledProgressRule,
    CompiledRule,
    KnowledgeBase,
)
from backcare.knowledge.rule import Node, compile_when_needed, parse

_MAGIC = b"backcare-knowledge-1\n"
REBUILT = ("rules", "progress_rules", "risk_groups")


def cache_key(texts: Mapping[str, bytes]) -> str:
    """A hash of the data files (by name) and of the knowledge package's code (the models, the
    loader, the checks: a new check must see the data again)."""
    digest = hashlib.sha256()
    for name, text in texts.items():
        digest.update(name.encode() + b"\0" + text + b"\0")
    for code in sorted(Path(__file__).parent.glob("*.py")):
        with contextlib.suppress(OSError):
            digest.update(code.name.encode() + b"\0" + code.read_bytes() + b"\0")
    return digest.hexdigest()


def compile_rule(rule: m.Rule) -> CompiledRule:
    node = parse(rule.when, f"rule {rule.id}")
    return CompiledRule(rule, node, compile_when_needed(node))


def self_care_conditions(item: m.SelfCare) -> tuple[Node | None, tuple[Node, ...]]:
    """A routine's exclusion and its cautions' conditions, parsed (the plan compiles them)."""
    where = f"self_care {item.id}"
    exclude = parse(item.exclude_when, where) if item.exclude_when else None
    return exclude, tuple(parse(c.when, where) for c in item.cautions)


def compile_progress(progress: o.ProgressPolicy) -> tuple[CompiledProgressRule, ...]:
    return tuple(
        CompiledProgressRule(
            rule, compile_when_needed(parse(rule.when, f"progress {rule.id}", o.PROGRESS_FACTS))
        )
        for rule in progress.rules
    )


def compile_groups(instruments: Mapping[str, o.Instrument]) -> dict[str, tuple[CompiledGroup, ...]]:
    """Each instrument's risk groups (STarT Back's, say), for the instruments that have them."""
    return {
        instrument.id: tuple(
            CompiledGroup(
                group,
                compile_when_needed(
                    parse(group.when, f"instruments {instrument.id} groups", o.GROUP_FACTS)
                ),
            )
            for group in instrument.scoring.groups
        )
        for instrument in instruments.values()
        if instrument.scoring.groups
    }


def read(file: Path) -> KnowledgeBase | None:
    """The knowledge base kept in ``file``; ``None`` when it is missing, damaged, or could have
    been written by another user (not the owner's, or writable by others, file or folder)."""
    try:
        if not all(_private(path.stat()) for path in (file.parent, file)):
            return None
        data = file.read_bytes()
    except OSError:
        return None
    head, payload = data[: len(_MAGIC) + 32], data[len(_MAGIC) + 32 :]
    if head[: len(_MAGIC)] != _MAGIC or hashlib.sha256(payload).digest() != head[len(_MAGIC) :]:
        return None
    try:
        fields = pickle.loads(payload)  # our own file, its hash checked above
        rules = tuple(compile_rule(rule) for rule in fields.pop("rules"))
        return KnowledgeBase(
            **fields,
            rules=rules,
            progress_rules=compile_progress(fields["progress"]),
            risk_groups=compile_groups(fields["instruments"]),
        )
    except Exception:  # anything unreadable is rebuilt from the data files
        return None


def _private(status: os.stat_result) -> bool:
    return status.st_uid == os.getuid() and not status.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def keep(file: Path, kb: KnowledgeBase) -> None:
    """Write ``kb`` to ``file`` (atomically) and remove older files beside it; a file that
    cannot be written is only a slower next start."""
    fields: dict[str, Any] = {
        f.name: getattr(kb, f.name) for f in dataclasses.fields(kb) if f.name not in REBUILT
    }
    fields["rules"] = [compiled.rule for compiled in kb.rules]
    try:
        payload = pickle.dumps(fields, protocol=pickle.HIGHEST_PROTOCOL)
        file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        partial = file.with_suffix(f".{os.getpid()}.tmp")
        with open(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as out:
            out.write(_MAGIC + hashlib.sha256(payload).digest() + payload)
        os.replace(partial, file)
        for stale in file.parent.glob(f"knowledge-*{file.suffix}"):
            if stale != file:
                stale.unlink(missing_ok=True)
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        return

"""Every finding the knowledge base can make, numbered: a code (``UInt16``) per rule id, with
the decision and the modifications of each code as columns indexed by it, made once per
knowledge base. The batch engine carries codes through its findings, sorts and groups, and
reads the rule ids and limits out of these columns only at the end.

After the rules' codes come the standard session's, which every row starts from, and one of
no modifications; neither is a finding.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from backcare.batch.columnar import column
from backcare.clinical.once import per_knowledge
from backcare.knowledge import Decision, KnowledgeBase
from backcare.knowledge import model as m

LISTS = ("avoid_regions", "avoid_techniques", "positioning", "notes")
CODE = pl.UInt16()
# Categories, not texts: gathered, merged and written as small integers, dictionary-encoded.
CATEGORIES = pl.List(pl.Categorical())


@dataclass(frozen=True, slots=True)
class Codes:
    """The code of each rule id, and per code (the position in each column): the rule id,
    the decision, the pressure's rank, the session's minutes and the four list limits."""

    of: dict[str, int]
    rule: pl.Series
    decision: pl.Series
    pressure_rank: pl.Series
    minutes: pl.Series
    lists: dict[str, pl.Series]
    standard: int
    none: int
    pressure: dict[int, str]

    def column(
        self,
        name: str,
        codes: pl.Expr,
        added: pl.Series | None = None,
        at: pl.Expr | None = None,
    ) -> pl.Expr:
        """Column ``name`` of the table at each code of ``codes``; or, where ``at`` is given,
        the item of ``added`` at ``at``."""
        table = self.lists[name] if name in self.lists else getattr(self, name)
        if added is None or at is None:
            return pl.lit(table).gather(codes)
        joined = pl.concat([table, added.rename(name).cast(table.dtype)], rechunk=True)
        return pl.lit(joined).gather(pl.coalesce(at + len(table), codes.cast(pl.UInt32)))

    def codes(self, rules: pl.Expr) -> pl.Expr:
        """The code of each rule id (null for an id the knowledge base does not have)."""
        ids = list(self.of)
        return rules.replace_strict(ids, list(self.of.values()), default=None, return_dtype=CODE)


def made(kb: KnowledgeBase) -> Codes:
    """The codes of ``kb``: condition outcomes, medication classes, rules, then the standard
    session's modifications."""
    entries: list[tuple[str | None, str, m.Modifications]] = [
        (f"condition.{condition}.{status}", outcome.decision, outcome.modifications)
        for condition, outcomes in kb.condition_outcomes.items()
        for status, outcome in outcomes.items()
    ]
    entries += [
        (f"medication.{c.id}", c.decision, c.modifications) for c in kb.medications.values()
    ]
    entries += [(c.rule.id, c.rule.decision, c.rule.modifications) for c in kb.rules]
    entries.append((None, Decision.proceed.name, kb.plan.standard_session.modifications))
    entries.append((None, Decision.proceed.name, m.Modifications()))
    ids = [rule for rule, _, _ in entries if rule is not None]
    if len(entries) > 2**16:
        raise ValueError(f"{len(entries)} findings do not fit the codes' {CODE}")

    mods = [mods for _, _, mods in entries]
    ranks = [kb.pressure_rank(x.max_pressure) if x.max_pressure else None for x in mods]
    return Codes(
        of={rule: code for code, rule in enumerate(ids)},
        rule=column("rule", [rule for rule, _, _ in entries], pl.Enum(ids)),
        decision=column("decision", [int(Decision[d]) for _, d, _ in entries], pl.Int8()),
        pressure_rank=column("pressure_rank", ranks, pl.Int64()),
        minutes=column("minutes", [x.max_session_minutes for x in mods], pl.Int64()),
        lists={n: column(n, [list(getattr(x, n)) for x in mods], CATEGORIES) for n in LISTS},
        standard=len(ids),
        none=len(ids) + 1,
        pressure={level.rank: name for name, level in kb.pressure.items()},
    )


def codes_of(kb: KnowledgeBase) -> Codes:
    """The codes of ``kb``, made once for it."""
    return per_knowledge(kb, made)

"""Readable terminal output for the CLI (Rich): assessments and knowledge-base entries."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from backcare.knowledge.search import label

if TYPE_CHECKING:  # names for the annotations only: printing an assessment loads no more
    from pydantic import BaseModel

    from backcare.clinical.assessment import Assessment
    from backcare.clinical.protocol import SessionProtocol
    from backcare.knowledge import KnowledgeBase
    from backcare.knowledge.search import Hit

STYLE = {
    "proceed": "bold green",
    "modify": "bold yellow",
    "postpone": "bold cyan",
    "clearance": "bold magenta",
    "refer": "bold red",
    "emergency": "bold white on red",
}


def _console() -> Console:
    return Console(highlight=False, soft_wrap=False)


def _names(ids: Iterable[str], table: dict[str, Any]) -> str:
    return ", ".join(label(table[i]) if i in table else i for i in ids) or "none"


def print_assessment(assessment: Assessment, kb: KnowledgeBase) -> None:
    console = _console()
    decision = assessment.decision.name
    header = Text.assemble(
        (f" {decision.upper()} ", STYLE[decision]),
        "  ",
        assessment.summary,
        "\n",
        ("Massage today: ", "bold"),
        "yes" if assessment.massage_today else "no",
        ("   Pain: ", "bold"),
        assessment.chronicity or "not given",
        ("   Assessed on: ", "bold"),
        assessment.assessed_on,
        ("   Knowledge: ", "bold"),
        assessment.knowledge_version,
    )
    console.print(
        Panel(header, title="backcare assessment", border_style=STYLE[decision].split()[-1])
    )
    _print_findings(console, assessment)
    _print_limits(console, assessment, kb)
    _print_recommendations(console, assessment, kb)
    _print_plan(console, assessment, kb)
    for note in assessment.to_confirm:
        console.print(Text("Names to check with the client: ", "bold yellow") + Text(note))
    if assessment.unrecognised_conditions or assessment.unrecognised_medications:
        console.print(
            Text("Not recognised (check the spelling, or ask what they are): ", "bold yellow")
            + Text(
                ", ".join(
                    [*assessment.unrecognised_conditions, *assessment.unrecognised_medications]
                )
            )
        )
    if assessment.unanswered:
        console.print(
            Text("Red-flag questions not answered (ask them before massage): ", "bold")
            + Text(", ".join(q.replace("_", " ") for q in assessment.unanswered))
        )


def _print_findings(console: Console, assessment: Assessment) -> None:
    """One row per finding; the title, reasons and sources share one wide column so that a
    narrow terminal wraps them between words instead of cutting words in a thin column."""
    if not assessment.findings:
        console.print("No findings: nothing in the intake changes a standard session.\n")
        return
    table = Table(title="Findings", show_lines=True, expand=True)
    table.add_column("Decision", no_wrap=True)
    table.add_column("Finding, why, and what to do", ratio=1)
    for finding in assessment.findings:
        name = finding.decision.name
        text = Text(finding.title, "bold")
        text.append(f"  {finding.rule}", "dim")
        text.append(f"\n{finding.why}")
        if finding.action:
            text.append(f"\n{finding.action}", style="bold")
        for question in finding.questions:
            text.append(f"\nAsk: {question}")
        if finding.basis == "inference":
            text.append("\n(no source states this rule directly; it is inferred from them)", "dim")
        text.append("\nSources: ", "dim")
        text.append(", ".join(finding.sources), "dim")
        table.add_row(Text(name, STYLE[name]), text)
    console.print(table)


def _print_limits(console: Console, assessment: Assessment, kb: KnowledgeBase) -> None:
    if not assessment.massage_today:
        return
    limits = assessment.limits
    rows = [
        ("Maximum pressure", limits.max_pressure or "no limit from screening"),
        ("Avoid regions", _names(limits.avoid_regions, kb.regions)),
        ("Avoid techniques", _names(limits.avoid_techniques, {**kb.techniques, **kb.modalities})),
        ("Positioning", _names(limits.positioning, kb.positioning)),
        (
            "Session length",
            f"at most {limits.max_session_minutes} minutes"
            if limits.max_session_minutes
            else "no limit from screening",
        ),
    ]
    table = Table.grid(padding=(0, 2))
    for key, value in rows:
        table.add_row(Text(key, "bold"), value)
    for note in limits.notes:
        table.add_row(Text("Note", "bold"), note)
    console.print(Panel(table, title="Modifications for today"))


def _print_recommendations(console: Console, assessment: Assessment, kb: KnowledgeBase) -> None:
    if not assessment.recommendations:
        if not assessment.massage_today:
            console.print(Text("No massage today, so no kind of massage is recommended.", "bold"))
        return
    table = Table(title="Kinds of massage that fit", expand=True)
    table.add_column("#", no_wrap=True)
    table.add_column("Modality", no_wrap=True)
    table.add_column("Why", ratio=1)
    for rec in assessment.recommendations[:5]:
        modality = kb.modalities[rec.modality]
        name = Text(label(modality))
        low = modality.pressure.min
        high = kb.gentlest(modality.pressure.max, assessment.limits.max_pressure)
        name.append(f"\n{low if low == high else f'{low} to {high}'} pressure today", "dim")
        table.add_row(str(rec.rank), name, "; ".join(rec.reasons))
    console.print(table)
    if assessment.excluded:
        excluded = Table(title="Ruled out by the screening", expand=True)
        excluded.add_column("Modality", no_wrap=True)
        excluded.add_column("Why", ratio=1)
        for item in assessment.excluded:
            excluded.add_row(label(kb.modalities[item.modality]), "; ".join(item.reasons))
        console.print(excluded)


def _print_plan(console: Console, assessment: Assessment, kb: KnowledgeBase) -> None:
    plan = assessment.plan
    if plan is None:
        return
    grid = Table.grid(padding=(0, 2))
    grid.add_row(
        Text("Modality", "bold"),
        f"{label(kb.modalities[plan.modality])}"
        + (
            f" (alternatives: {_names(plan.alternatives, kb.modalities)})"
            if plan.alternatives
            else ""
        ),
    )
    grid.add_row(
        Text("Dose", "bold"),
        f"{plan.session_minutes} minutes, {plan.frequency.text}, "
        f"{plan.total_sessions} sessions; reassess after session {plan.reassess_after_sessions}",
    )
    grid.add_row(Text("Pressure", "bold"), f"at most {plan.max_pressure}")
    for goal in plan.goals:
        grid.add_row(Text(f"Goal ({goal.kind})", "bold"), goal.text)
    for item in plan.home_care:
        routine = item.routine
        detail = f"{routine.name}: {routine.minutes} min. {routine.how_often}"
        if item.notes:
            detail += "\n" + " ".join(item.notes)
        grid.add_row(Text("Home care", "bold"), detail)
    for left in plan.home_care_left_out:
        grid.add_row(Text("Not at home", "bold"), f"{left.routine.name}: {left.reason}")
    for trigger in plan.review_triggers:
        grid.add_row(Text(f"Stop if ({trigger.action})", "bold"), trigger.text)
    for note in plan.notes:
        grid.add_row(Text("Note", "bold"), note)
    grid.add_row(Text("Sources", "bold"), ", ".join(plan.sources))
    console.print(Panel(grid, title="Plan"))


def print_protocol(outline: SessionProtocol, assessment: Assessment, kb: KnowledgeBase) -> None:
    console = _console()
    decision = assessment.decision.name
    if not outline.steps:
        console.print(
            Panel(
                Text.assemble(
                    (f" {decision.upper()} ", STYLE[decision]),
                    "  ",
                    assessment.summary,
                    "\nNo session outline: massage should not go ahead today.",
                ),
                title="backcare protocol",
            )
        )
        for finding in assessment.findings:
            if finding.action:
                console.print(Text(f"{finding.title}: ", "bold") + Text(finding.action))
        return
    modality = label(kb.modalities[outline.modality]) if outline.modality else ""
    head = f"{modality}, {outline.total_minutes} minutes"
    if outline.position:
        head += "; client " + kb.positioning[outline.position].name.lower()
    if outline.positioning:
        head += " (asked for: " + _names(outline.positioning, kb.positioning) + ")"
    table = Table(title=head, expand=True, show_lines=True)
    for column in ("#", "Min", "Region"):
        table.add_column(column, no_wrap=True)
    table.add_column("Technique, pressure, and cue", ratio=1)
    cue = ""
    for number, step in enumerate(outline.steps, start=1):
        work = Text(label(kb.techniques[step.technique]), "bold")
        work.append(f", {step.pressure} pressure")
        if step.cue != cue:  # a step's cue is shown once, on its first region
            work.append(f"\n{step.cue}", "dim")
            cue = step.cue
        table.add_row(str(number), str(step.minutes), label(kb.regions[step.region]), work)
    console.print(table)
    console.print(Text("Never on: ", "bold") + Text(_names(outline.avoid_regions, kb.regions)))


def print_entries(kind: str, entries: Iterable[Any]) -> None:
    table = Table(title=kind, expand=True)
    table.add_column("id", no_wrap=True)
    table.add_column("name", ratio=1)
    table.add_column("detail", ratio=1)
    for entry in entries:
        table.add_row(entry.id, label(entry), _detail(entry))
    _console().print(table)


def _detail(entry: Any) -> str:
    for name in ("grade", "decision", "kind"):
        value = getattr(entry, name, None)
        if isinstance(value, str):
            return value
    active = getattr(entry, "active", None)
    return str(active.decision) if active is not None else ""


def print_entry(kind: str, entry: BaseModel, kb: KnowledgeBase) -> None:
    import yaml

    console = _console()
    data = entry.model_dump(exclude_defaults=True, mode="json")
    # one line per value: the terminal wraps it between words at whatever width it has
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=10**6)
    parts: list[Any] = [Text(body)]
    if kind == "conditions":
        outcomes = kb.condition_outcomes[entry.id]  # type: ignore[attr-defined]
        statuses = Table(title="Decision by status")
        statuses.add_column("status")
        statuses.add_column("decision")
        statuses.add_column("title")
        for status, outcome in outcomes.items():
            statuses.add_row(
                status, Text(outcome.decision, STYLE[outcome.decision]), outcome.title or ""
            )
        parts.append(statuses)
    cited = kb.cited(entry)
    if cited:
        sources = Table(title="Sources", expand=True)
        sources.add_column("id", no_wrap=True)
        sources.add_column("reference", ratio=1, overflow="fold")  # addresses kept whole
        for source_id in cited:
            source = kb.sources[source_id]
            ref = ", ".join(str(p) for p in (source.authors, source.title, source.year) if p)
            sources.add_row(source_id, f"{ref}" + (f"\n{source.url}" if source.url else ""))
        parts.append(sources)
    console.print(Panel(Group(*parts), title=f"{kind}: {getattr(entry, 'id', '')}"))


def print_hits(hits: list[Hit]) -> None:
    if not hits:
        _console().print("Nothing found.")
        return
    table = Table(title=f"{len(hits)} entries found", expand=True)
    table.add_column("kind", no_wrap=True)
    table.add_column("id", no_wrap=True)
    table.add_column("name", ratio=1)
    for hit in hits:
        table.add_row(hit.kind, hit.id, hit.label)
    _console().print(table)


def print_counts(kb: KnowledgeBase) -> None:
    table = Table(title=f"Knowledge base {kb.version}: consistent")
    table.add_column("kind")
    table.add_column("entries", justify="right")
    for kind, entries in kb.kinds().items():
        table.add_row(kind, str(len(entries)))
    grades: dict[str, int] = {}
    for claim in kb.claims.values():
        grades[claim.grade] = grades.get(claim.grade, 0) + 1
    generics = sum(len(cls.names) for cls in kb.medications.values())
    lay = sum(len(cls.lay_names) for cls in kb.medications.values())
    brands = len(kb.drug_names.names) + len(kb.drug_names.typed)
    console = _console()
    console.print(table)
    console.print(
        f"Medication names: {generics} generic, {lay} lay, {brands} brand and other, "
        f"{len(kb.drug_names.spellings)} misspellings. Claims by grade: "
        + ", ".join(f"{grade} {count}" for grade, count in sorted(grades.items()))
    )
    console.print(f"Seed items covered: {len(kb.coverage)}. Every entry cites a known source.")


def print_users(users: Iterable[Any]) -> None:
    """The accounts, one a row (``second_factor`` annotated: records/second_factor.py)."""
    table = Table("user", "name", "clinic", "role", "last sign-in", "active", "second factor")
    for user in users:
        table.add_row(
            user.username,
            user.get_full_name(),
            user.clinic.name if user.clinic else "",
            user.role,
            user.last_login.strftime("%Y-%m-%d %H:%M") if user.last_login else "never",
            "yes" if user.is_active else "no",
            "on" if user.second_factor else "off",
        )
    _console().print(table)

"""What ``backcare batch`` shows on the terminal: a progress bar with the rate and the time
left, then the summary (the decisions with counts and shares, the most frequent findings)."""

from __future__ import annotations

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from backcare.batch.run import Summary

TOP_FINDINGS = 10


class _Rate(ProgressColumn):
    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("" if speed is None else f"{speed:,.0f} rows/s")


def progress_bar(console: Console) -> Progress:
    """A bar counting rows, with their rate and the time left."""
    return Progress(
        TextColumn("screening"),
        BarColumn(),
        MofNCompleteColumn(),
        _Rate(),
        TimeRemainingColumn(),
        console=console,
        transient=False,
    )


def print_summary(summary: Summary, console: Console) -> None:
    decisions = Table(title=f"{summary.screened:,} intakes screened")
    decisions.add_column("decision")
    decisions.add_column("intakes", justify="right")
    decisions.add_column("share", justify="right")
    for name, n, share in summary.shares():
        decisions.add_row(name, f"{n:,}", f"{share:.1%}")
    console.print(decisions)
    if summary.findings:
        top = Table(title=f"The {TOP_FINDINGS} most frequent findings")
        top.add_column("rule")
        top.add_column("intakes", justify="right")
        for rule, n in summary.findings.most_common(TOP_FINDINGS):
            top.add_row(rule, f"{n:,}")
        console.print(top)

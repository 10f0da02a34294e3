"""The ``backcare`` command line: thin over the core. Exit 0 on any decision, 2 on bad input."""

from __future__ import annotations

import json
import os
import sys
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from backcare.errors import BackcareError, InvalidIntake, Problem

app = typer.Typer(
    help="Clinical decision support for medical back massage.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
kb_app = typer.Typer(help="Browse and check the knowledge base.", no_args_is_help=True)
app.add_typer(kb_app, name="kb")


@app.command()
def assess(
    file: Annotated[
        Path,
        typer.Argument(metavar="FILE", help="Intake as YAML or JSON; '-' reads standard input."),
    ],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the assessment JSON (spec v1).")
    ] = False,
) -> None:
    """Screen an intake: the decision, its findings, the kinds of massage that fit, and a plan."""
    from backcare.clinical import assess as run_assessment
    from backcare.clinical import parse_intake, to_json
    from backcare.knowledge import load_knowledge

    kb = load_knowledge()
    intake = parse_intake(_read_intake(file), today=date.today())
    _check_preferences(intake.preferences.modalities, kb.modalities)
    assessment = run_assessment(intake, kb)
    if as_json:
        typer.echo(json.dumps(to_json(assessment), indent=2, ensure_ascii=False))
    else:
        from backcare.terminal import print_assessment

        print_assessment(assessment, kb)


def _read_intake(file: Path) -> Any:
    import yaml

    try:
        text = sys.stdin.read() if str(file) == "-" else file.read_text(encoding="utf-8")
    except OSError as error:
        raise InvalidIntake([Problem("FILE", f"cannot read {file}: {error.strerror}")]) from None
    try:
        if file.suffix.lower() == ".json":
            return json.loads(text)
        return yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as error:
        where = "JSON" if file.suffix.lower() == ".json" else "YAML"
        message = str(error).replace("\n", " ")
        raise InvalidIntake([Problem("FILE", f"is not valid {where}: {message}")]) from None


def _check_preferences(wanted: list[str], modalities: dict[str, Any]) -> None:
    unknown = [m for m in wanted if m not in modalities]
    if unknown:
        raise InvalidIntake(
            [
                Problem(
                    f"preferences.modalities[{wanted.index(m)}]",
                    f"unknown modality {m!r}; allowed: {', '.join(modalities)}",
                )
                for m in unknown
            ]
        )


@kb_app.command("list")
def kb_list(
    kind: Annotated[
        str,
        typer.Argument(
            help="sources, conditions, medications, rules, "
            "modalities, techniques, regions, positioning, "
            "self_care, claims or steps"
        ),
    ],
) -> None:
    """List the entries of one kind."""
    from backcare.knowledge import load_knowledge
    from backcare.terminal import print_entries

    kinds = load_knowledge().kinds()
    if kind not in kinds:
        raise InvalidIntake(
            [Problem("KIND", f"unknown kind {kind!r}; allowed: {', '.join(kinds)}")]
        )
    print_entries(kind, kinds[kind].values())


@kb_app.command("show")
def kb_show(
    entry_id: Annotated[
        str, typer.Argument(metavar="ID", help="An entry id or a condition synonym.")
    ],
) -> None:
    """Show one entry in full, with its sources."""
    from backcare.knowledge import load_knowledge
    from backcare.terminal import print_entry

    kb = load_knowledge()
    found = kb.find(entry_id)
    if found is None:
        raise InvalidIntake([Problem("ID", f"no entry {entry_id!r}; try 'backcare kb search'")])
    print_entry(found[0], found[1], kb)


@kb_app.command("search")
def kb_search(
    text: Annotated[str, typer.Argument(help="Words to look for in names, synonyms and texts.")],
) -> None:
    """Find entries whose id, name, synonyms or text contain all the words."""
    from backcare.knowledge import load_knowledge
    from backcare.knowledge.search import search
    from backcare.terminal import print_hits

    print_hits(search(load_knowledge(), text))


@kb_app.command("check")
def kb_check() -> None:
    """Load and cross-check the whole knowledge base; print what it holds."""
    from backcare.knowledge import load_knowledge
    from backcare.terminal import print_counts

    print_counts(load_knowledge())


def main() -> None:
    """Entry point: typer handles usage errors (exit 2); backcare's own errors exit 2 here."""
    try:
        app(prog_name="backcare")
    except InvalidIntake as error:
        for problem in error.problems:
            typer.echo(f"error: {problem}", err=True)
        raise SystemExit(2) from None
    except BackcareError as error:
        typer.echo(f"error: {error}", err=True)
        raise SystemExit(2) from None
    except Exception as error:  # the last line of defence: no traceback reaches a user
        if os.environ.get("BACKCARE_DEBUG"):
            raise
        typer.echo(
            f"internal error: {type(error).__name__}: {error} (set BACKCARE_DEBUG=1 for details)",
            err=True,
        )
        raise SystemExit(1) from None

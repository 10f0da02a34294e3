"""``backcare kb``: browse and check the knowledge base."""

from __future__ import annotations

from typing import Annotated

import typer

from backcare.errors import InvalidIntake, Problem

app = typer.Typer(
    help="Browse and check the knowledge base.", no_args_is_help=True, rich_markup_mode=None
)


@app.command("list")
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


@app.command("show")
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


@app.command("search")
def kb_search(
    text: Annotated[str, typer.Argument(help="Words to look for in names, synonyms and texts.")],
) -> None:
    """Find entries whose id, name, synonyms or text contain all the words."""
    from backcare.knowledge import load_knowledge
    from backcare.knowledge.search import search
    from backcare.terminal import print_hits

    print_hits(search(load_knowledge(), text))


@app.command("check")
def kb_check() -> None:
    """Load and cross-check the whole knowledge base; print what it holds."""
    from backcare.knowledge.loader import data_dir, load_from
    from backcare.terminal import print_counts

    print_counts(load_from(data_dir(), None))  # from the data files, never the kept form

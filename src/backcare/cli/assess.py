"""``backcare assess`` and ``backcare protocol``: an intake file screened, printed for a reader
or as JSON. Nothing here touches the database or the web app."""

from __future__ import annotations

import atexit
import gc
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from backcare.errors import InvalidIntake, Problem

_PLUGINS = "PYDANTIC_DISABLE_PLUGINS"
IntakeFile = Annotated[
    Path, typer.Argument(metavar="FILE", help="Intake as YAML or JSON; '-' reads standard input.")
]


@contextmanager
def _one_off() -> Iterator[None]:
    """Run as a one-off command should (bench/bench_cold_start.py). Most of its time goes to
    loading the clinical core and the knowledge base, which live until the process ends: the
    garbage collector's walks over them free nothing, at each collection or at the last one,
    on the way out (``gc.freeze`` spares it). pydantic's plugins (tracing hooks, found by
    reading every installed package's metadata) have nothing to trace here. Both come back
    when the command is over, for a caller that runs it in its own process."""
    plugins = os.environ.get(_PLUGINS)
    os.environ.setdefault(_PLUGINS, "1")
    atexit.register(gc.freeze)
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        if plugins is None:
            del os.environ[_PLUGINS]


def _assessed(file: Path) -> tuple[Any, Any, Any]:
    """The knowledge base, the validated intake and its assessment (for protocol)."""
    from backcare import intake_file
    from backcare.assessed import assessed

    return assessed(intake_file.read(file), today=date.today())


def assess(
    file: IntakeFile,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the assessment JSON (spec v1).")
    ] = False,
) -> None:
    """Screen an intake: the decision, its findings, the kinds of massage that fit, and a plan."""
    with _one_off():
        from backcare import intake_file

        if as_json:  # the same text as POST /api/v1/assess answers
            from backcare.assessed import assessment_json

            text, _ = assessment_json(intake_file.read(file), today=date.today())
            typer.echo(text, nl=False)
            return
        from backcare.terminal import print_assessment

        kb, _, assessment = _assessed(file)
        print_assessment(assessment, kb)


def protocol(
    file: IntakeFile,
    as_json: Annotated[bool, typer.Option("--json", help="Print the protocol JSON.")] = False,
    svg: Annotated[
        Path | None, typer.Option(help="Also draw the outline on the body map (SVG).")
    ] = None,
) -> None:
    """The outline of the next session: timed steps by region and technique, within the limits."""
    with _one_off():
        from backcare.clinical.protocol import protocol_for, protocol_json

        kb, intake, assessment = _assessed(file)
        outline = protocol_for(assessment, intake, kb)
        if svg is not None:
            _draw(svg, outline, assessment, kb)
        if as_json:
            typer.echo(json.dumps(protocol_json(outline), indent=2, ensure_ascii=False))
        else:
            from backcare.terminal import print_protocol

            print_protocol(outline, assessment, kb)


def _draw(svg: Path, outline: Any, assessment: Any, kb: Any) -> None:
    """The outline drawn on the body map, written to ``svg``."""
    from backcare.clinical.assessment import avoided_regions, to_json
    from backcare.reports.protocolmap import protocol_map

    names = {t.id: t.name for t in kb.techniques.values()}
    picture = protocol_map(
        [(s.region, s.technique, s.minutes) for s in outline.steps],
        technique_names=names,
        avoided=avoided_regions(to_json(assessment)),
    )
    try:
        svg.write_text(picture, encoding="utf-8")
    except OSError as error:
        raise InvalidIntake([Problem("--svg", f"cannot write {svg}: {error.strerror}")]) from None

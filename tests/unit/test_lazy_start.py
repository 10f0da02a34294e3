"""A light start: importing the package, or the command line, loads no clinical module and
no knowledge base until a name that needs one is asked for; ``backcare assess`` loads only what
screening one intake file needs."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROBE = """
import json, sys
def heavy():
    return sorted(m for m in sys.modules
                  if m.startswith(("backcare.clinical", "backcare.knowledge")))
import backcare
seen = {"package": heavy()}
import backcare.cli
seen["cli"] = heavy()
names = {name: getattr(backcare, name).__name__ for name in backcare.__all__}
seen["asked"] = heavy()
seen["names"] = names
seen["dir"] = dir(backcare)
print(json.dumps(seen))
"""


def test_the_package_root_imports_no_clinical_module_until_a_name_is_asked_for():
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=60
    )
    seen = json.loads(done.stdout)
    assert seen["package"] == []
    assert seen["cli"] == [], "backcare --help imports no clinical module"
    assert "backcare.clinical.assessment" in seen["asked"]
    assert "backcare.knowledge.loader" in seen["asked"]
    assert seen["names"] == {
        "Assessment": "Assessment",
        "Intake": "Intake",
        "KnowledgeBase": "KnowledgeBase",
        "assess": "assess",
        "load_knowledge": "load_knowledge",
        "parse_intake": "parse_intake",
        "to_json": "to_json",
    }
    assert {"assess", "to_json", "__version__"} <= set(seen["dir"])


def test_an_unknown_name_is_an_attribute_error():
    import backcare

    with pytest.raises(AttributeError, match="no attribute 'asses'"):
        backcare.asses  # noqa: B018


COMMAND = """
import sys
from backcare.cli import main
sys.argv = ["backcare", *sys.argv[1:]]
try:
    main()
finally:
    sys.stderr.write("\\n" + " ".join(sorted(sys.modules)))
"""
INTAKE = Path(__file__).resolve().parents[2] / "examples" / "heparin-and-bruise.yaml"
# What a screened intake file never needs: the database, the web app, batch screening,
# reports and pictures, FHIR, and the parts of the core that only other commands use.
NOT_FOR_ASSESS = (
    "django",
    "waitress",
    "polars",
    "backcare.records",
    "backcare.web",
    "backcare.batch",
    "backcare.reports",
    "backcare.interop",
    "backcare.clinical.protocol",
    "backcare.clinical.progress",
    "backcare.clinical.instruments",
)


def loaded_by(*args: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", COMMAND, *args],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return set(done.stderr.rsplit("\n", 1)[-1].split())


def heavy_in(modules: set[str], names: tuple[str, ...]) -> list[str]:
    """The modules that are one of ``names`` or inside one of them."""
    return sorted(m for m in modules if any(m == n or m.startswith(n + ".") for n in names))


def test_assess_loads_no_database_web_app_batch_report_or_protocol_code():
    modules = loaded_by("assess", str(INTAKE))
    assert "backcare.clinical.screening" in modules, "the probe saw the assessment run"
    assert heavy_in(modules, NOT_FOR_ASSESS) == []
    assert "backcare.cli.assess" in modules


def test_assess_json_loads_no_terminal_printer():
    modules = loaded_by("assess", "--json", str(INTAKE))
    assert "backcare.clinical.screening" in modules
    assert heavy_in(modules, (*NOT_FOR_ASSESS, "rich", "backcare.terminal")) == []


def test_assess_in_a_caller_s_process_gives_back_its_garbage_collector_and_environment(
    monkeypatch, capsys
):
    from backcare.cli import main

    monkeypatch.delenv("PYDANTIC_DISABLE_PLUGINS", raising=False)
    monkeypatch.setattr(sys, "argv", ["backcare", "assess", "--json", str(INTAKE)])
    with pytest.raises(SystemExit) as exit_:
        main()
    assert exit_.value.code in (0, None)
    assert '"decision"' in capsys.readouterr().out
    assert gc.isenabled()
    assert "PYDANTIC_DISABLE_PLUGINS" not in os.environ

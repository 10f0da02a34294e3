"""A light start: importing the package, or the command line, loads no clinical module and
no knowledge base until a name that needs one is asked for."""

from __future__ import annotations

import json
import subprocess
import sys

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

"""The dependency rule: clinical/ imports only the standard library, pydantic, orjson and
knowledge/; knowledge/ imports nothing else of backcare (but the lazy-import helper, which
imports only the standard library)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[2] / "src" / "backcare"
ALLOWED = {
    "clinical": {
        "backcare.clinical",
        "backcare.knowledge",
        "backcare.errors",
        "backcare.lazy",
        "pydantic",
        "pydantic_core",
        "orjson",  # encoding JSON is pure: no I/O
    },
    "knowledge": {
        "backcare.knowledge",
        "backcare.errors",
        "backcare.lazy",
        "pydantic",
        "yaml",
        "rapidfuzz",
    },
}


def imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


@pytest.mark.parametrize("room", sorted(ALLOWED))
def test_room_imports_only_what_it_may(room):
    for path in sorted((PACKAGE / room).glob("*.py")):
        for module in imports(path):
            top = module.split(".")[0]
            if top in sys.stdlib_module_names or top == "__future__":
                continue
            assert any(module == a or module.startswith(a + ".") for a in ALLOWED[room]), (
                f"{path.name} imports {module}"
            )

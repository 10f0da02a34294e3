"""Three independent FHIR R4 (4.0.1) checkers for the bundles backcare emits: the official JSON
schema (fhir.schema.json, read by Python's jsonschema), FHIR.js and @medplum/core. The npm
packages live in tools/fhir-validate (``npm ci`` there installs them; scripts/test does)."""

from __future__ import annotations

import json
import subprocess
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

TOOLS = Path(__file__).parents[1] / "tools" / "fhir-validate"
MODULES = TOOLS / "node_modules"
SCHEMA = MODULES / "@asymmetrik" / "fhir-json-schema-validator" / "fhir.schema.json"
NODE = MODULES / ".bin" / "node"


def installed() -> bool:
    return SCHEMA.exists() and NODE.exists()


@cache
def _definitions() -> dict[str, Any]:
    definitions: dict[str, Any] = json.loads(SCHEMA.read_text(encoding="utf-8"))["definitions"]
    return definitions


@cache
def _schema(kind: str) -> jsonschema.Draft6Validator:
    return jsonschema.Draft6Validator(
        {"$ref": f"#/definitions/{kind}", "definitions": _definitions()}
    )


def schema_problems(bundle: dict[str, Any]) -> list[str]:
    """The schema's problems with a Bundle: its own elements, then each entry's resource against
    its type's definition (the same checks, with messages that name the element)."""
    shell = {
        **bundle,
        "entry": [{k: v for k, v in e.items() if k != "resource"} for e in bundle.get("entry", [])],
    }
    found = [
        f"Bundle {list(e.absolute_path)}: {e.message}" for e in _schema("Bundle").iter_errors(shell)
    ]
    for index, entry in enumerate(bundle.get("entry", [])):
        resource = entry.get("resource", {})
        kind = str(resource.get("resourceType"))
        if kind not in _definitions():
            found.append(f"entry[{index}]: unknown resourceType {kind!r}")
            continue
        found += [
            f"entry[{index}] {kind} {list(e.absolute_path)}: {e.message}"
            for e in _schema(kind).iter_errors(resource)
        ]
    return found


def problems(bundles: dict[str, dict[str, Any]]) -> dict[str, dict[str, list[str]]]:
    """For each named bundle, each checker's problems (empty lists when all three accept it).
    One node process checks every bundle."""
    found = {name: {"json-schema": schema_problems(b)} for name, b in bundles.items()}
    with tempfile.TemporaryDirectory() as folder:
        paths = {}
        for index, (name, bundle) in enumerate(bundles.items()):
            path = Path(folder) / f"{index}.json"
            path.write_text(json.dumps(bundle), encoding="utf-8")
            paths[str(path)] = name
        run = subprocess.run(
            [str(NODE), str(TOOLS / "validate.js")],
            input=json.dumps(list(paths)),
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        )
    for path, checks in json.loads(run.stdout).items():
        found[paths[path]].update(checks)
    return found

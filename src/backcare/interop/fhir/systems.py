"""The code systems and addresses backcare's FHIR resources use.

HL7 FHIR R4 (4.0.1), terminology §4.1 (using codes): a Coding names its system by a URI. The
external systems are those HL7 publishes for them (terminologies-systems.html); backcare's own
identifiers (knowledge-base ids, intake field paths) live under one base address.
"""

from __future__ import annotations

SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
ICD10 = "http://hl7.org/fhir/sid/icd-10"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
UCUM = "http://unitsofmeasure.org"

BASE = "https://backcare.dev/fhir"
CONDITION = f"{BASE}/CodeSystem/condition"
REGION = f"{BASE}/CodeSystem/region"
RULE = f"{BASE}/CodeSystem/rule"
DECISION = f"{BASE}/CodeSystem/decision"
INSTRUMENT = f"{BASE}/CodeSystem/instrument"
MODALITY = f"{BASE}/CodeSystem/modality"
INTAKE = f"{BASE}/Questionnaire/intake-v1"
CONDITION_STATUS = f"{BASE}/StructureDefinition/intake-condition-status"
CLIENT_ID = f"{BASE}/NamingSystem/client"

CLINICAL_STATUS = "http://terminology.hl7.org/CodeSystem/condition-clinical"
VERIFICATION_STATUS = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
ALLERGY_CLINICAL = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical"
ALLERGY_VERIFICATION = "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"

"""Exchange with other health record systems: HL7 FHIR R4 (``interop.fhir``)."""

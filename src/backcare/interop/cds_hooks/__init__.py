"""A CDS Hooks 2.0 service: backcare's screening offered to electronic health records.

CDS Hooks 2.0 (https://cds-hooks.hl7.org/2.0/): discovery (§Discovery), the hooks
``patient-view`` and ``order-select`` (§Calling a CDS Service, §Providing FHIR Resources to a CDS
Service), cards (§CDS Service Response), feedback (§Feedback) and client authentication by a
signed JWT (§Security and Safety, Trusting CDS Clients).

    services   what discovery lists
    call       a hook request, read and checked
    data       the FHIR resources of a call: prefetch, else fetched from the client's server
    cards      an assessment told as cards
    token      the caller's JWT checked against the trusted issuers
"""

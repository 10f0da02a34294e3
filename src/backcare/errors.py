"""backcare's exceptions, one tree; each interface maps it once (CLI: exit code 2 and a message).

BackcareError
├── InvalidIntake       the intake does not follow the contract; ``problems`` lists each one
│   └── InvalidFhir     a FHIR document that cannot be read as a Bundle or a list of resources
├── UnreadableRegister  a register of intakes that cannot be read at all (format, header)
├── KnowledgeError      the knowledge base is inconsistent (a bug in its data, not user input)
├── NotFound            no such record in the user's clinic
│   └── OutsideClinic   a client id the user's clinic does not hold: refused, and audited
├── NotAllowed          the user's role may not do this
├── LinkRefused         a self-service link that cannot be used
├── ImmutableRecord     a change to a record written once
├── SaveFailed          the database could not take a save just now; nothing of it was stored
└── CdsRefused          a CDS Hooks call that cannot be answered (interop/cds_hooks)
    ├── TokenRefused    the caller's JWT is missing, unsigned, untrusted, expired or reused
    ├── BadHookRequest  the request body does not follow CDS Hooks 2.0
    └── DataMissing     FHIR data the service needs was neither prefetched nor fetchable
"""

from __future__ import annotations

from dataclasses import dataclass


class BackcareError(Exception):
    """Base of every error backcare raises on purpose."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input: where (a dotted path), what, and what is allowed."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path or '(top)'}: {self.message}"


class InvalidIntake(BackcareError):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


class InvalidFhir(InvalidIntake):
    """A FHIR input that is not a Bundle of resources; ``problems`` says where and why."""


class UnreadableRegister(BackcareError):
    """A register of intakes that cannot be read at all: its format, its header or its file."""


class KnowledgeError(BackcareError):
    """The knowledge base's data breaks its own rules."""


class NotFound(BackcareError):
    """No such record in the user's clinic; a record of another clinic is "not found" too."""


class OutsideClinic(NotFound):
    """A client id that is not one of the user's clinic's clients (another clinic's, or none).

    The page answers "not found", as for any missing record; the interface that maps it writes
    the attempt to the user's own clinic's audit trail once the refused work is rolled back.
    """

    def __init__(self, client_id: int) -> None:
        self.client_id = client_id
        super().__init__(f"no client {client_id}")


class NotAllowed(BackcareError):
    """The user's role may not do this."""


class LinkRefused(BackcareError):
    """A self-service link that is unknown, expired, revoked or already used."""


class ImmutableRecord(BackcareError):
    """An attempt to change or delete a record that must never change."""


class SaveFailed(BackcareError):
    """The database could not take a save just now (still busy when the wait ran out, a deadlock,
    a lost connection). Nothing of the save was stored; the same save may be tried again."""

    def __init__(self) -> None:
        super().__init__(
            "This could not be saved just now because the database was busy; nothing was "
            "stored. Please save again."
        )


class CdsRefused(BackcareError):
    """A CDS Hooks call that cannot be answered; the message says why (sent as JSON)."""


class TokenRefused(CdsRefused):
    """The caller did not prove who it is: answered 401."""


class BadHookRequest(CdsRefused):
    """The body is not a CDS Hooks 2.0 request for this service: answered 400."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


class DataMissing(CdsRefused):
    """Needed FHIR data was not prefetched and could not be fetched: answered 412."""

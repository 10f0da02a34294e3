"""Self-service intake links: a client fills their own intake from a link, without an account.

Its links are a kind of ``records/client_links.py``: a token opens nothing but this intake, one
link per client is active, and a link expires, can be revoked, and works once. Every opening is
audited. The
client's answers become a pending draft (``IntakeDraft``) that the therapist merges; a refused
link says why in plain words but never reveals whose link it was.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import partial
from typing import Any

from backcare.clinical import assess, parse_intake
from backcare.clinical.intake import check_against
from backcare.errors import InvalidIntake, LinkRefused
from backcare.knowledge import load_knowledge
from backcare.records import audit, client_links, draft, saving
from backcare.records.consent import Consent
from backcare.records.models import Intake, IntakeDraft, SelfServiceLink

KIND = client_links.Kind(
    model=SelfServiceLink,
    purpose="backcare.selfservice.link",
    action="selfservice",
    noun="link",
    days_valid=7,
    single_use=True,
)
ASK_AGAIN = client_links.ASK_AGAIN
state = client_links.state
create_link = partial(client_links.create_link, KIND)
links = partial(client_links.links, KIND)
revoke_link = partial(client_links.revoke_link, KIND)
resolve = partial(client_links.resolve, KIND)


def open_link(*, token: str, now: datetime) -> SelfServiceLink:
    """Resolve a token for showing the client's form; the opening is written to the audit log."""
    link = resolve(token=token, now=now)
    if link.opened_at is None:
        link.opened_at = now
        link.save(update_fields=["opened_at"])
    audit.record(user=None, action="selfservice.open", client=link.client, target=f"link {link.pk}")
    return link


def form_start(link: SelfServiceLink) -> dict[str, Any] | None:
    """What the client's form starts from: their answers in the newest intake, if any."""
    latest = link.client.intakes.order_by("-version").first()
    return draft.form_start(latest.data) if latest else None


def preview(base: dict[str, Any] | None, answers: dict[str, Any], *, today: date) -> str:
    """The decision if every proposed change were taken ("" when they do not fit together)."""
    merged = draft.merge(base, answers, draft.proposed(draft.compare(base, answers)))
    try:
        intake = parse_intake({**merged, "assessed_on": today}, today=today)
    except InvalidIntake:
        return ""
    return assess(intake, load_knowledge()).decision.name


@saving.atomic
def submit(
    *,
    token: str,
    data: dict[str, Any],
    consent: Consent,
    now: datetime,
    today: date,
    unsure: list[str] | None = None,
) -> IntakeDraft:
    """Keep the client's answers through a link, once, as a draft for the therapist to merge,
    with their consent and the questions they were not sure of (``unsure``: intake paths).

    Only the client-editable parts are kept; the assessment date is the therapist's to set.
    Raises InvalidIntake (nothing is stored) when the answers break the contract.
    """
    link = resolve(token=token, now=now)
    link = SelfServiceLink.objects.select_for_update().get(pk=link.pk)
    if link.used_at is not None:
        raise LinkRefused(f"This link has already been used. {ASK_AGAIN}")
    kb = load_knowledge()
    note = str(data.get("notes") or "")
    sent = parse_intake({**data, "assessed_on": today, "notes": ""}, today=today)
    check_against(sent, kb.modalities)
    answers = draft.client_view(sent.model_dump(mode="json"))
    latest = Intake.objects.filter(client=link.client).order_by("-version").first()
    base = latest.data if latest else None
    made = IntakeDraft.objects.filter(link=link).first() or IntakeDraft(
        clinic=link.clinic, client=link.client, link=link
    )
    made.based_on, made.answers, made.client_note = latest, answers, note
    made.preview_decision = preview(base, answers, today=today)
    made.state, made.submitted_at, made.unsure = IntakeDraft.State.PENDING, now, unsure or []
    made.consent_name, made.consented_at = consent.name, consent.at
    made.save()
    link.used_at = now
    link.save(update_fields=["used_at"])
    audit.record(
        user=None, action="selfservice.submit", client=link.client, target=f"draft {made.pk}"
    )
    return made

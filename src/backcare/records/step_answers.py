"""A self-service intake kept step by step: each step's answers, as the client typed them, are
saved on the link's draft (state ``filling``) when they leave the step, by Next or Back, so that
nothing is lost when they go back, close the page or lose the connection. The draft is the
therapist's to see only once it is sent (``selfservice.submit``)."""

from __future__ import annotations

from datetime import datetime

from backcare.errors import LinkRefused
from backcare.records import saving, selfservice
from backcare.records.models import IntakeDraft, SelfServiceLink

Values = dict[str, list[str]]


@saving.atomic
def keep_step(*, token: str, step: str, values: Values, now: datetime) -> None:
    """Keep one step's answers (replacing what that step held before)."""
    link = selfservice.resolve(token=token, now=now)
    link = SelfServiceLink.objects.select_for_update().get(pk=link.pk)
    if link.used_at is not None:
        raise LinkRefused(f"This link has already been used. {selfservice.ASK_AGAIN}")
    found, _ = IntakeDraft.objects.get_or_create(
        link=link,
        defaults={
            "clinic": link.clinic,
            "client": link.client,
            "answers": {},
            "state": IntakeDraft.State.FILLING,
        },
    )
    found.progress = {**found.progress, step: values}
    found.save(update_fields=["progress"])


def kept(link: SelfServiceLink) -> dict[str, Values]:
    """Each step's kept answers, by step, for a link still being filled in."""
    found = IntakeDraft.objects.filter(link=link, state=IntakeDraft.State.FILLING).first()
    return dict(found.progress) if found else {}

"""The therapist's side of a self-service draft: compare it with the current intake, choose
item by item, and merge it into a new intake version (or discard it). Always inside the
user's clinic, always audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from backcare.errors import InvalidIntake, NotFound, Problem
from backcare.records import audit, clients, consent, draft, saving
from backcare.records.draft import Item
from backcare.records.intakes import record_intake
from backcare.records.models import Assessment, Client, Intake, IntakeDraft, User


def pending(clinic_id: int) -> QuerySet[IntakeDraft]:
    """Drafts of the clinic waiting to be merged, oldest first."""
    return (
        IntakeDraft.objects.filter(clinic_id=clinic_id, state=IntakeDraft.State.PENDING)
        .select_related("client")
        .order_by("submitted_at", "pk")
    )


def pending_for(client: Client) -> list[IntakeDraft]:
    return list(client.drafts.filter(state=IntakeDraft.State.PENDING).order_by("submitted_at"))


@dataclass(frozen=True)
class Review:
    """A draft beside the client's current intake: every item, and which to take."""

    client: Client
    draft: IntakeDraft
    current: Intake | None
    items: list[Item]
    accepted: set[str]

    @property
    def base(self) -> dict[str, Any] | None:
        return self.current.data if self.current else None

    @property
    def current_decision(self) -> str:
        assessment = Assessment.objects.filter(intake=self.current).first()
        return assessment.decision if assessment else ""

    @property
    def kept(self) -> dict[str, Any]:
        """The therapist's parts of the current intake, which every merge carries over."""
        return draft.therapist_part(self.base)

    @property
    def changes(self) -> int:
        return sum(1 for item in self.items if item.change != "same")

    @property
    def waiting(self) -> bool:
        return self.draft.state == IntakeDraft.State.PENDING

    @property
    def moved_on(self) -> bool:
        """The intake changed after the client's form was made from it."""
        return self.current is not None and (
            self.draft.based_on_id is None or self.current.pk != self.draft.based_on_id
        )

    @property
    def reason(self) -> str:
        """What the new intake version says it is."""
        return f"self-service answers of {self.draft.submitted_at:%Y-%m-%d}, merged"

    @property
    def note(self) -> str:
        """The client's own note as it goes into the intake's notes."""
        text = self.draft.client_note.strip()
        sent = f"{self.draft.submitted_at:%Y-%m-%d}"
        return f"The client wrote (self-service, {sent}): {text}" if text else ""

    def merged(
        self, accepted: set[str] | None = None, take_note: bool | None = None
    ) -> dict[str, Any]:
        """The current intake with the accepted items (the draft's choices by default)."""
        take = self.draft.take_note if take_note is None else take_note
        return draft.merge(
            self.base,
            self.draft.answers,
            self.accepted if accepted is None else accepted,
            note=self.note if take else "",
        )


def open_draft(*, user: User, client_id: int, draft_id: int) -> Review:
    """A draft of a client of the user's clinic, beside their newest intake (audited)."""
    client = clients.open_client(user=user, client_id=client_id, purpose=f"draft {draft_id}")
    sent = client.drafts.exclude(state=IntakeDraft.State.FILLING)  # still being filled: not yet
    found = sent.filter(pk=draft_id).select_related("based_on").first()
    if found is None:
        raise NotFound(f"no self-service draft {draft_id}")
    current = client.intakes.order_by("-version").first()
    items = draft.compare(current.data if current else None, found.answers)
    chosen = set(found.accepted) if found.accepted is not None else draft.proposed(items)
    return Review(client, found, current, items, chosen)


def _waiting(review: Review) -> IntakeDraft:
    locked = IntakeDraft.objects.select_for_update().get(pk=review.draft.pk)
    if locked.state != IntakeDraft.State.PENDING:
        raise InvalidIntake([Problem("draft", f"this draft was already {locked.state}")])
    return locked


@saving.atomic
def choose(*, user: User, review: Review, accepted: set[str], take_note: bool) -> None:
    """Keep the therapist's choices on the draft, to edit the merged intake before saving."""
    found = _waiting(review)
    found.accepted, found.take_note = sorted(accepted), take_note
    found.save(update_fields=["accepted", "take_note"])
    review.draft.accepted, review.draft.take_note = found.accepted, take_note
    audit.record(user=user, action="draft.choose", client=review.client, target=f"draft {found.pk}")


@saving.atomic
def merge_draft(
    *, user: User, review: Review, accepted: set[str], take_note: bool, today: date
) -> Assessment:
    """A new intake version from the current one and the accepted items of the draft."""
    data = {**review.merged(accepted, take_note), "assessed_on": today.isoformat()}
    return _save(user=user, review=review, data=data, accepted=accepted, today=today)


@saving.atomic
def save_edited(
    *, user: User, review: Review, data: dict[str, Any], today: date, reason: str = ""
) -> Assessment:
    """A new intake version from the merged intake as the therapist edited it in the form."""
    data = draft.keep_unshown(data, review.merged())
    return _save(
        user=user, review=review, data=data, accepted=review.accepted, today=today, reason=reason
    )


def _save(
    *,
    user: User,
    review: Review,
    data: dict[str, Any],
    accepted: set[str],
    today: date,
    reason: str = "",
) -> Assessment:
    saving.lock_client(review.client)
    locked = _waiting(review)
    assessment = record_intake(
        user=user,
        client=review.client,
        data=data,
        today=today,
        source=Intake.Source.SELF_SERVICE,
        reason=reason or review.reason,
        consent=consent.of(locked),
    )
    locked.state, locked.intake = IntakeDraft.State.MERGED, assessment.intake
    locked.accepted, locked.decided_by, locked.decided_at = sorted(accepted), user, timezone.now()
    locked.save(update_fields=["state", "intake", "accepted", "decided_by", "decided_at"])
    changed = [i.key for i in review.items if i.change != "same"]
    audit.record(
        user=user,
        action="draft.merge",
        client=review.client,
        target=f"draft {locked.pk}",
        detail={
            "intake": assessment.intake.version,
            "taken": sorted(k for k in changed if k in accepted),
            "kept": sorted(k for k in changed if k not in accepted),
        },
    )
    return assessment


@saving.atomic
def discard(*, user: User, review: Review) -> None:
    """Set a draft aside without changing the intake (kept, marked discarded)."""
    locked = _waiting(review)
    locked.state, locked.decided_by, locked.decided_at = (
        IntakeDraft.State.DISCARDED,
        user,
        timezone.now(),
    )
    locked.save(update_fields=["state", "decided_by", "decided_at"])
    audit.record(
        user=user, action="draft.discard", client=review.client, target=f"draft {locked.pk}"
    )

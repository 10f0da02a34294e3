"""A large demo clinic, for benchmarks and tests of pages that must stay fast as a clinic grows.

The demo clinic's own clients (``records/demo.py``) are recorded through the services, so
every intake, assessment, plan, session, measure and referral of theirs has passed the
services' checks. More clients are added as copies of those records under new names, written
in bulk (a few inserts for hundreds of clients), so that thousands of clients take seconds.
Copies keep the checked content and the dates; only the client differs. The audit log records
that the clinic was grown (one event), not each copy: nobody did them, they are demo data.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any, TypeVar

from django.db import models, transaction

from backcare.records import audit
from backcare.records.models import Assessment as AssessmentRow
from backcare.records.models import Client, Clinic, Intake, Measure, Plan, Referral, SessionNote

BATCH = 250  # clients written in one round of inserts
M = TypeVar("M", bound=models.Model)
Ids = dict[tuple[int, int], int]  # (template row id, copy number) -> the copy's id


def grow(*, clinic: Clinic, clients: int) -> int:
    """Add copies of the clinic's first clients until it has ``clients``; how many were added."""
    templates = list(Client.objects.filter(clinic=clinic).order_by("pk")[:50])
    if not templates:
        raise ValueError("the clinic has no clients to copy")
    have = Client.objects.filter(clinic=clinic).count()
    wanted = max(0, clients - have)
    start = have
    while start < have + wanted:
        end = min(start + BATCH, have + wanted)
        _copy_batch(templates, range(start, end))
        start = end
    audit.record(user=None, clinic=clinic, action="demo.grow", detail={"clients": wanted})
    return wanted


@transaction.atomic
def _copy_batch(templates: list[Client], numbers: range) -> None:
    pairs = [(templates[n % len(templates)], n) for n in numbers]
    made = Client.objects.bulk_create(
        [
            _copy(
                template,
                first_name=template.first_name,
                last_name=f"{template.last_name}-{n}",
                email=f"{template.first_name.lower()}.{n}@example.invalid"
                if template.email
                else "",
            )
            for template, n in pairs
        ]
    )
    client_ids: Ids = {(t.pk, n): c.pk for (t, n), c in zip(pairs, made, strict=True)}
    copies: dict[int, list[int]] = defaultdict(list)
    for template, n in pairs:
        copies[template.pk].append(n)
    template_ids = [t.pk for t in templates]

    def each(rows: Iterable[M]) -> list[tuple[M, int]]:
        return [(row, n) for row in rows for n in copies[row.client_id]]  # type: ignore[attr-defined]

    intakes = Intake.objects.filter(client_id__in=template_ids).order_by("pk")
    intake_ids = _insert(Intake, each(intakes), {"client": client_ids}, self_field="correction_of")
    assessments = AssessmentRow.objects.filter(client_id__in=template_ids).order_by("pk")
    assessment_ids = _insert(
        AssessmentRow, each(assessments), {"client": client_ids, "intake": intake_ids}
    )
    plans = Plan.objects.filter(client_id__in=template_ids).order_by("pk")
    plan_ids = _insert(Plan, each(plans), {"client": client_ids, "assessment": assessment_ids})
    notes = SessionNote.objects.filter(client_id__in=template_ids).order_by("pk")
    note_ids = _insert(SessionNote, each(notes), {"client": client_ids, "plan": plan_ids})
    measures = Measure.objects.filter(client_id__in=template_ids).order_by("pk")
    _insert(Measure, each(measures), {"client": client_ids, "session": note_ids}, "correction_of")
    referrals = Referral.objects.filter(client_id__in=template_ids).order_by("pk")
    _insert(Referral, each(referrals), {"client": client_ids})


def _insert(
    model: type[M],
    rows: list[tuple[M, int]],
    links: dict[str, Ids],
    self_field: str = "",
) -> Ids:
    """Insert a copy of each row for its copy number, foreign keys pointing to the copies.
    Rows that refer to another row of the same table (a correction) go in a second round."""
    ids: Ids = {}
    for second in (False, True):
        round_ = [(r, n) for r, n in rows if bool(self_field and _id(r, self_field)) == second]
        if not round_:
            continue
        extra = {self_field: ids} if second else {}
        made = model._default_manager.bulk_create(
            [
                _copy(
                    row,
                    **{
                        f"{name}_id": _linked(row, name, n, {**links, **extra})
                        for name in {**links, **extra}
                    },
                )
                for row, n in round_
            ]
        )
        ids.update({(r.pk, n): m.pk for (r, n), m in zip(round_, made, strict=True)})
    return ids


def _id(row: models.Model, name: str) -> int | None:
    value: int | None = getattr(row, f"{name}_id")
    return value


def _linked(row: models.Model, name: str, n: int, links: dict[str, Ids]) -> int | None:
    old = _id(row, name)
    return None if old is None else links[name][(old, n)]


def _copy(row: M, **changes: Any) -> M:
    """A new unsaved row with the same field values as ``row``, except ``changes``."""
    values = {
        f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields if not f.primary_key
    }
    return type(row)(**{**values, **changes})

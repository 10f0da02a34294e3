"""The between-visit pain and sleep log: a link the client keeps and opens without logging in
to note pain today and last night's sleep. Entries feed the client's series
(``records/outcomes.py``).

Its links are a kind of ``records/client_links.py``: a token opens nothing but this log, one
link per client is active, and it works many times until it expires or is revoked. Each opening
and entry is audited; a client may log at most ``ENTRIES_PER_DAY`` entries in any 24 hours, so
a leaked link cannot flood the record.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import partial
from typing import Any

from backcare.clinical.instruments import as_number
from backcare.errors import InvalidIntake, Problem
from backcare.knowledge import load_knowledge
from backcare.records import audit, client_links, saving
from backcare.records.models import PainLogEntry, PainLogLink

ENTRIES_PER_DAY = 3
KIND = client_links.Kind(
    model=PainLogLink,
    purpose="backcare.painlog.link",
    action="painlog",
    noun="pain log link",
    days_valid=90,
)
ASK_AGAIN = client_links.ASK_AGAIN
state = client_links.state
create_link = partial(client_links.create_link, KIND)
links = partial(client_links.links, KIND)
revoke_link = partial(client_links.revoke_link, KIND)
resolve = partial(client_links.resolve, KIND)


def open_link(*, token: str, now: datetime) -> PainLogLink:
    link = resolve(token=token, now=now)
    audit.record(user=None, action="painlog.open", client=link.client, target=f"link {link.pk}")
    return link


def recent(link: PainLogLink, limit: int = 7) -> list[PainLogEntry]:
    """The client's latest entries through links, newest first, to show them what they sent."""
    return list(link.client.pain_log.order_by("-logged_on", "-pk")[:limit])


@saving.atomic
def log(*, token: str, data: dict[str, Any], now: datetime, today: date) -> PainLogEntry:
    """Keep one entry from the client's link; InvalidIntake names each field that is wrong."""
    link = resolve(token=token, now=now)
    link = PainLogLink.objects.select_for_update().get(pk=link.pk)
    entry = _checked(data, today)
    sent = link.client.pain_log.filter(created_at__gt=now - timedelta(days=1))
    if sent.count() >= ENTRIES_PER_DAY:
        raise InvalidIntake(
            [
                Problem(
                    "pain",
                    f"at most {ENTRIES_PER_DAY} entries a day; please try again tomorrow",
                )
            ]
        )
    made = PainLogEntry.objects.create(clinic=link.clinic, client=link.client, link=link, **entry)
    link.last_used_at = now
    link.save(update_fields=["last_used_at"])
    audit.record(user=None, action="painlog.entry", client=link.client, target=f"entry {made.pk}")
    return made


def _checked(data: dict[str, Any], today: date) -> dict[str, Any]:
    problems = []
    scale = load_knowledge().instruments["nprs"]
    pain = as_number(data.get("pain"))
    if pain is None or pain != int(pain) or not scale.min <= pain <= scale.max:
        problems.append(
            Problem(
                "pain",
                f"choose a whole number from {scale.min:g} (no pain) to {scale.max:g} (worst)",
            )
        )
    sleep = as_number(data.get("sleep_hours"))
    if data.get("sleep_hours") not in (None, "") and (sleep is None or not 0 <= sleep <= 24):
        problems.append(Problem("sleep_hours", "hours of sleep, from 0 to 24 (or leave it empty)"))
    logged_on = data.get("logged_on") or today
    if not isinstance(logged_on, date):
        try:
            logged_on = date.fromisoformat(str(logged_on))
        except ValueError:
            problems.append(Problem("logged_on", "a date such as 2026-12-01"))
            logged_on = today
    if logged_on > today or logged_on < today - timedelta(days=7):
        problems.append(Problem("logged_on", "today or one of the last 7 days"))
    note = str(data.get("note") or "").strip()
    if len(note) > 1000:
        problems.append(Problem("note", "at most 1000 characters"))
    if problems:
        raise InvalidIntake(problems)
    disturbed = data.get("sleep_disturbed")
    return {
        "pain": int(pain or 0),
        "sleep_hours": sleep,
        "sleep_disturbed": None if disturbed in (None, "") else bool(disturbed),
        "logged_on": logged_on,
        "note": note,
    }

"""The therapist compares a client's self-service answers with the intake, item by item, and only
their merge makes a new intake version and assessment."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client as Browser
from django.utils import timezone

from backcare.clinical import parse_intake
from backcare.knowledge.contract import RED_FLAGS
from backcare.records import clearances, selfservice
from backcare.records.models import AuditEvent, Client, Intake, IntakeDraft, User
from tests.web.conftest import TODAY, form_as_shown, new_client, send_self_service


@pytest.fixture
def rosa(therapist_a: User) -> Client:
    """The client of the report: an almond-oil allergy, atrial fibrillation with a clearance, an
    open wound, a blood pressure of 185/100 (refer) and the therapist's note."""
    person = new_client(
        therapist_a,
        "Rosa",
        "Almond",
        conditions=[
            {
                "id": "atrial fibrillation",
                "status": "active",
                "since": "2019-03-01",
                "note": "GP letter",
            }
        ],
        medications=["warfarin 5 mg"],
        allergies=["almond oil"],
        skin=[{"finding": "open_wound", "region": "low_back_left"}],
        vitals={"systolic": 185, "diastolic": 100},
        notes="Wound dressed by the practice nurse",
    )
    waiting = [f["rule"] for f in clearances.pending(person) if f["decision"] == "clearance"]
    clearances.record_clearance(
        user=therapist_a,
        client=person,
        received_from="Dr Osei, GP",
        received_on=TODAY,
        covers=waiting,
        today=TODAY,
    )
    return person


def sent(anonymous: Browser, therapist: User, person: Client, **changes: Any) -> IntakeDraft:
    """The client opens a link, changes the given fields of their prefilled form, and sends it."""
    token = selfservice.create_link(user=therapist, client=person, now=timezone.now())
    form = form_as_shown(anonymous.get(f"/i/{token}/").content.decode())
    form.update({f"rf_{flag}": ["no"] for flag in RED_FLAGS})
    form.update(
        {name: [value] if isinstance(value, str) else value for name, value in changes.items()}
    )
    response = send_self_service(anonymous, token, form)
    assert "Thank you" in response.content.decode(), response.content.decode()[:3000]
    return IntakeDraft.objects.filter(client=person).latest("pk")


def compare_page(browser: Browser, waiting: IntakeDraft) -> str:
    return browser.get(f"/clients/{waiting.client_id}/drafts/{waiting.pk}/").content.decode()


def choices(html: str) -> dict[str, str]:
    """The comparison's choices as shown: item key -> "current" or "client"."""
    return dict(re.findall(r'name="take ([^"]+)" value="(\w+)" checked', html))


def latest(person: Client) -> Intake:
    return person.intakes.order_by("-version").first()  # type: ignore[return-value]


def test_merging_a_changed_medicine_keeps_everything_the_therapist_recorded(
    anonymous: Browser, browser_a: Browser, therapist_a: User, rosa: Client
) -> None:
    before = latest(rosa)
    waiting = sent(anonymous, therapist_a, rosa, medications="apixaban 5 mg")
    shown = choices(compare_page(browser_a, waiting))
    shown["medications:warfarin 5 mg"] = "client"  # the therapist accepts the removal

    response = browser_a.post(
        f"/clients/{rosa.pk}/drafts/{waiting.pk}/",
        {**{f"take {key}": value for key, value in shown.items()}, "then": "merge"},
    )

    assert response.status_code == 302
    merged = latest(rosa)
    assert merged.version == before.version + 1
    assert (merged.source, merged.recorded_by) == ("self_service", therapist_a)
    data = merged.data
    assert data["medications"] == ["apixaban 5 mg"]
    assert data["allergies"] == ["almond oil"]
    assert data["skin"] == [{"finding": "open_wound", "region": ["low_back_left"]}]
    assert (data["vitals"]["systolic"], data["vitals"]["diastolic"]) == (185, 100)
    assert data["clearances"] == before.data["clearances"] != []
    assert data["notes"] == "Wound dressed by the practice nurse"
    [condition] = data["conditions"]
    assert (condition["since"], condition["note"]) == ("2019-03-01", "GP letter")
    assert data["assessed_on"] == TODAY.isoformat()
    assert merged.assessment.decision == "refer"
    waiting.refresh_from_db()
    assert (waiting.state, waiting.intake) == ("merged", merged)


def test_the_comparison_shows_each_item_added_removed_or_changed(
    anonymous: Browser, browser_a: Browser, therapist_a: User, rosa: Client
) -> None:
    waiting = sent(
        anonymous,
        therapist_a,
        rosa,
        medications="warfarin 5 mg\nibuprofen",
        allergies="",
        intensity="3",
    )

    html = compare_page(browser_a, waiting)
    rows = re.findall(r'<span class="change (\w+)">\w+</span> ([^<]+)</th>', html)

    assert ("added", "Medicine") in rows
    assert ("removed", "Allergy") in rows
    assert ("changed", "Pain now, 0 (none) to 10 (worst)") in rows
    assert "<em>Take:</em> ibuprofen" in html
    assert "<em>Keep:</em> almond oil" in html
    assert "<em>Keep:</em> 6" in html
    assert "<em>Take:</em> 3" in html


def test_what_the_client_removed_is_kept_unless_the_therapist_accepts_it(
    anonymous: Browser, browser_a: Browser, therapist_a: User, rosa: Client
) -> None:
    waiting = sent(anonymous, therapist_a, rosa, allergies="", medications="")
    shown = choices(compare_page(browser_a, waiting))

    browser_a.post(
        f"/clients/{rosa.pk}/drafts/{waiting.pk}/",
        {**{f"take {key}": value for key, value in shown.items()}, "then": "merge"},
    )

    assert shown["allergies:almond oil"] == "current"
    assert shown["medications:warfarin 5 mg"] == "current"
    assert latest(rosa).data["allergies"] == ["almond oil"]
    assert latest(rosa).data["medications"] == ["warfarin 5 mg"]


def test_a_merge_posted_without_choices_changes_no_answer(
    anonymous: Browser, browser_a: Browser, therapist_a: User, rosa: Client
) -> None:
    before = latest(rosa).data
    waiting = sent(anonymous, therapist_a, rosa, allergies="", intensity="2", sex="female")

    browser_a.post(f"/clients/{rosa.pk}/drafts/{waiting.pk}/", {"then": "merge"})

    after = latest(rosa).data

    def answers(data: dict[str, Any]) -> dict[str, Any]:
        return parse_intake(data, today=TODAY).model_dump(exclude={"assessed_on"})

    assert answers(after) == answers(before)


def test_nothing_changes_until_the_therapist_merges(
    anonymous: Browser, browser_a: Browser, therapist_a: User, rosa: Client
) -> None:
    before = latest(rosa)
    waiting = sent(anonymous, therapist_a, rosa, allergies="")

    compare_page(browser_a, waiting)

    assert latest(rosa) == before
    assert "Stop: refer to a doctor" in browser_a.get(f"/clients/{rosa.pk}/").content.decode()


def test_the_therapist_can_edit_the_merged_intake_before_saving_it(
    anonymous: Browser, browser_a: Browser, therapist_a: User, rosa: Client
) -> None:
    waiting = sent(anonymous, therapist_a, rosa, medications="apixaban 5 mg")
    shown = choices(compare_page(browser_a, waiting))
    url = f"/clients/{rosa.pk}/drafts/{waiting.pk}/"

    chose = browser_a.post(
        url, {**{f"take {key}": value for key, value in shown.items()}, "then": "review"}
    )
    review = browser_a.get(f"{url}review/").content.decode()
    form = form_as_shown(review)
    form["medications"] = ["apixaban 2.5 mg"]
    saved = browser_a.post(f"{url}review/", form)

    assert chose["Location"] == f"{url}review/"
    assert "Review the merged intake of Rosa Almond" in review
    assert form["systolic"] == ["185"]
    assert saved.status_code == 302
    data = latest(rosa).data
    assert data["medications"] == ["apixaban 2.5 mg"]
    assert data["skin"] == [{"finding": "open_wound", "region": ["low_back_left"]}]
    assert data["clearances"] != []
    assert data["conditions"][0]["since"] == "2019-03-01"


def test_the_clients_note_is_added_to_the_notes_when_the_therapist_keeps_it(
    anonymous: Browser, browser_a: Browser, therapist_a: User, rosa: Client
) -> None:
    waiting = sent(anonymous, therapist_a, rosa, notes="I started swimming")

    browser_a.post(f"/clients/{rosa.pk}/drafts/{waiting.pk}/", {"then": "merge", "take_note": "on"})

    notes = latest(rosa).data["notes"]
    assert notes.startswith("Wound dressed by the practice nurse\n\n")
    assert notes.endswith("I started swimming")


def test_a_draft_is_merged_only_once(
    anonymous: Browser, browser_a: Browser, therapist_a: User, rosa: Client
) -> None:
    waiting = sent(anonymous, therapist_a, rosa)
    url = f"/clients/{rosa.pk}/drafts/{waiting.pk}/"
    browser_a.post(url, {"then": "merge"})
    version = latest(rosa).version

    again = browser_a.post(url, {"then": "merge"})

    assert again.status_code in (200, 302)
    assert latest(rosa).version == version
    assert "merged" in browser_a.get(url).content.decode()


def test_discarding_a_draft_leaves_the_intake_as_it_was(
    anonymous: Browser, browser_a: Browser, therapist_a: User, rosa: Client
) -> None:
    before = latest(rosa)
    waiting = sent(anonymous, therapist_a, rosa, allergies="")

    browser_a.post(f"/clients/{rosa.pk}/drafts/{waiting.pk}/discard/")

    waiting.refresh_from_db()
    assert waiting.state == "discarded"
    assert latest(rosa) == before
    assert (
        "Self-service answers waiting" not in browser_a.get(f"/clients/{rosa.pk}/").content.decode()
    )


def test_a_first_intake_can_come_from_the_clients_answers(
    anonymous: Browser, browser_a: Browser, therapist_a: User
) -> None:
    person = new_client(therapist_a, "Nora", "New")
    waiting = sent(
        anonymous,
        therapist_a,
        person,
        age="34",
        has_pain="on",
        pain_regions=["upper_back_left"],
        intensity="4",
    )
    shown = choices(compare_page(browser_a, waiting))

    browser_a.post(
        f"/clients/{person.pk}/drafts/{waiting.pk}/",
        {**{f"take {key}": value for key, value in shown.items()}, "then": "merge"},
    )

    assert shown["client.age"] == "client"
    data = latest(person).data
    assert (data["client"]["age"], data["pain"]["intensity"]) == (34, 4)
    assert latest(person).version == 1


def test_opening_the_comparison_is_written_to_the_audit_log(
    anonymous: Browser, browser_a: Browser, therapist_a: User, rosa: Client
) -> None:
    waiting = sent(anonymous, therapist_a, rosa)

    compare_page(browser_a, waiting)
    browser_a.post(f"/clients/{rosa.pk}/drafts/{waiting.pk}/", {"then": "merge"})

    [seen] = AuditEvent.objects.filter(
        action="client.view", client=rosa, target=f"draft {waiting.pk}"
    )[:1]
    assert seen.user == therapist_a
    [merged] = AuditEvent.objects.filter(action="draft.merge", client=rosa)
    assert merged.detail["intake"] == latest(rosa).version


def test_the_dashboard_has_an_alert_for_each_draft_waiting(
    anonymous: Browser, browser_a: Browser, therapist_a: User, rosa: Client
) -> None:
    first = sent(anonymous, therapist_a, rosa)
    second = sent(anonymous, therapist_a, rosa, intensity="2")
    other = sent(anonymous, therapist_a, new_client(therapist_a, "Sam", "Other"), age="40")

    html = browser_a.get("/").content.decode()

    for waiting in (first, second, other):
        assert f'href="/clients/{waiting.client_id}/drafts/{waiting.pk}/"' in html
    assert html.count("Self-service answers sent") == 3

    browser_a.post(f"/clients/{rosa.pk}/drafts/{first.pk}/", {"then": "merge"})
    html = browser_a.get("/").content.decode()
    assert f"/drafts/{first.pk}/" not in html
    assert f"/drafts/{second.pk}/" in html


def test_the_dashboard_shows_no_other_clinics_drafts(
    anonymous: Browser, browser_a: Browser, therapist_b: User
) -> None:
    theirs = new_client(therapist_b, "Bo", "Elsewhere")
    sent(anonymous, therapist_b, theirs, age="40")

    html = browser_a.get("/").content.decode()

    assert "Elsewhere" not in html
    assert "Self-service answers sent" not in html

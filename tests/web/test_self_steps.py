"""The client's intake one topic a step: plain posts, nothing lost going back, consent signed
and kept, "not sure" never taken as "no", warning signs told at once, and every form made from
the one declaration of each question."""

from __future__ import annotations

import re

from django.test import Client as Browser
from django.utils import timezone
from pydantic import BaseModel

from backcare.clinical.intake import Intake
from backcare.knowledge.contract import RED_FLAGS
from backcare.records import draft, merge
from backcare.records.models import Client, IntakeDraft, User
from backcare.web import steps
from backcare.web.comparison import sections
from backcare.web.intake_form import IntakeForm
from backcare.web.intake_questions import QUESTIONS, in_step
from backcare.web.prefill import initial_from
from backcare.web.question import model_in
from tests.web.conftest import (
    TODAY,
    chronic_back_pain,
    form_as_shown,
    intake_form,
    send_self_service,
)


def test_each_step_says_where_the_client_is_asks_plainly_and_posts_plainly(
    anonymous: Browser, token: str
) -> None:
    pages = []
    for step in steps.ALL:
        html = anonymous.get(f"/i/{token}/{step.id}/").content.decode()
        pages.append(html)
        assert f"Step {step.number} of {len(steps.ALL)}" in html
        assert f'<progress max="{len(steps.ALL)}" value="{step.number}"' in html
        assert f'<form method="post" action="/i/{token}/{step.id}/"' in html
        assert "<script>" not in html  # the strict CSP holds
        assert "style=" not in html
        assert not re.search(r"<select[^>]* multiple", html)  # tick boxes, never a Ctrl/Cmd list
        assert ('value="back"' in html) is (not step.first)
    every = "".join(pages)
    for word in ("Current", "Controlled", "Suspected", "systolic", "Skin finding"):
        assert word not in every  # no therapist's words
    assert "I have it now" in every
    assert "I had it in the past" in every
    assert every.count("I&#x27;m not sure") >= len(RED_FLAGS)


def test_going_back_shows_the_answers_given_and_keeps_them(
    anonymous: Browser, token: str, sam: Client
) -> None:
    anonymous.post(f"/i/{token}/about/", {"age": "52", "occupation": "manual", "go": "next"})
    moved = anonymous.post(
        f"/i/{token}/pain/",
        {"has_pain": "on", "pain_regions": ["hip_left"], "intensity": "7", "go": "back"},
    )

    assert moved["Location"] == f"/i/{token}/about/"
    about = form_as_shown(anonymous.get(f"/i/{token}/about/").content.decode())
    pain = form_as_shown(anonymous.get(f"/i/{token}/pain/").content.decode())
    assert (about["age"], about["occupation"]) == (["52"], ["manual"])
    assert (pain["pain_regions"], pain["intensity"]) == (["hip_left"], ["7"])
    kept = IntakeDraft.objects.get(client=sam)
    assert kept.state == "filling"
    assert not merge.pending_for(sam)  # the therapist sees nothing until it is sent


def test_a_step_with_a_wrong_answer_is_shown_again_with_the_answer_and_the_problem(
    anonymous: Browser, token: str
) -> None:
    response = anonymous.post(f"/i/{token}/about/", {"age": "200", "go": "next"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Please check the marked answers." in html
    assert "less than or equal to 120" in html
    assert form_as_shown(html)["age"] == ["200"]


def test_sending_without_consent_is_refused_and_nothing_is_sent(
    anonymous: Browser, token: str, sam: Client
) -> None:
    refused = send_self_service(anonymous, token, intake_form(), sign="")

    html = refused.content.decode()
    assert "Step 7 of 8" in html
    assert "cannot be sent without your consent" in html
    assert "type your full name to sign" in html
    assert not merge.pending_for(sam)
    checked = anonymous.post(f"/i/{token}/check/", {"go": "send"}, follow=True)
    assert checked.redirect_chain == [(f"/i/{token}/consent/", 302)]
    assert "cannot be sent without your consent" in checked.content.decode()
    assert not merge.pending_for(sam)


def test_the_consent_step_says_who_sees_the_answers_and_how_to_ask_for_them(
    anonymous: Browser, token: str, sam: Client
) -> None:
    sam.clinic.email, sam.clinic.phone = "desk@clinic-a.example", "+44 20 7946 0000"
    sam.clinic.save()

    html = anonymous.get(f"/i/{token}/consent/").content.decode()

    assert "the therapists of Clinic A" in html
    assert 'href="mailto:desk@clinic-a.example"' in html
    assert "+44 20 7946 0000" in html
    assert "How long" in html


def test_the_signed_consent_is_kept_and_carried_to_the_intake_the_therapist_makes(
    anonymous: Browser, token: str, sam: Client, browser_a: Browser, therapist_a: User
) -> None:
    send_self_service(anonymous, token, intake_form(), sign="Samira  Selfridge")
    waiting = IntakeDraft.objects.get(client=sam)
    assert waiting.consent_name == "Samira Selfridge"
    assert waiting.consented_at is not None

    page = browser_a.get(f"/clients/{sam.pk}/drafts/{waiting.pk}/").content.decode()
    assert "signed “Samira Selfridge”" in page
    review = merge.open_draft(user=therapist_a, client_id=sam.pk, draft_id=waiting.pk)
    taken = {f"take {item.key}": "client" for item in review.items}
    browser_a.post(f"/clients/{sam.pk}/drafts/{waiting.pk}/", taken)
    made = sam.intakes.get()
    assert (made.consent_name, made.consented_at) == ("Samira Selfridge", waiting.consented_at)
    version = browser_a.get(f"/clients/{sam.pk}/intakes/{made.version}/").content.decode()
    assert "Samira Selfridge" in version


def test_a_warning_sign_not_sure_of_is_left_for_the_therapist_never_taken_as_no(
    anonymous: Browser, token: str, sam: Client
) -> None:
    shown = send_self_service(anonymous, token, intake_form(rf_fever="unsure"))

    assert "You were not sure about 1 question" in shown.content.decode()
    waiting = IntakeDraft.objects.get(client=sam)
    assert "fever" not in waiting.answers["red_flags"]  # unanswered, as the contract means it
    assert waiting.unsure == ["red_flags.fever"]
    assert waiting.preview_decision != ""
    told = anonymous.get(f"/i/{token}/health/")  # the link is used: refused, not reopened
    assert told.status_code == 410


def test_the_next_screen_after_a_warning_sign_says_what_to_do_and_gives_no_massage_advice(
    anonymous: Browser, token: str
) -> None:
    flags = {f"rf_{flag}": "no" for flag in RED_FLAGS}
    anonymous.post(f"/i/{token}/about/", {"age": "45", "go": "next"})
    anonymous.post(f"/i/{token}/pain/", {"has_pain": "on", "go": "next"})

    quiet = anonymous.post(f"/i/{token}/warning/", {**flags, "go": "next"})
    assert "See a doctor" not in anonymous.get(quiet["Location"]).content.decode()
    urgent = anonymous.post(
        f"/i/{token}/warning/", {**flags, "rf_saddle_numbness": "yes", "go": "next"}
    )
    html = anonymous.get(urgent["Location"]).content.decode()

    assert "Step 4 of 8" in html
    assert "Seek emergency care now" in html
    assert "Kinds of massage that fit" not in html
    assert "Massage can go ahead" not in html


def test_the_thanks_page_after_a_warning_sign_for_a_doctor_says_see_one_before_any_massage(
    anonymous: Browser, token: str
) -> None:
    thanks = send_self_service(anonymous, token, intake_form(rf_calf_swelling_one_side="yes"))

    html = thanks.content.decode()
    assert "Thank you" in html
    assert "When to see a doctor" in html
    assert "Massage should wait until then." in html


def test_a_link_that_expires_part_way_says_so_and_takes_no_more_answers(
    anonymous: Browser, token: str, sam: Client
) -> None:
    anonymous.post(f"/i/{token}/about/", {"age": "45", "go": "next"})
    sam.links.update(expires_at=timezone.now())

    page = anonymous.post(f"/i/{token}/pain/", {"has_pain": "on", "go": "next"})

    assert page.status_code == 410
    assert (
        "This link has expired. Please ask your therapist for a new one." in page.content.decode()
    )
    assert set(IntakeDraft.objects.get(client=sam).progress) == {"about"}


def test_a_condition_the_client_is_not_sure_is_current_is_read_as_current_and_flagged(
    anonymous: Browser, token: str, sam: Client, browser_a: Browser
) -> None:
    send_self_service(anonymous, token, intake_form(condition_0_id="osteoporosis"))

    waiting = IntakeDraft.objects.get(client=sam)
    assert waiting.answers["conditions"] == [{"id": "osteoporosis", "status": "active"}]
    assert waiting.unsure == ["conditions[osteoporosis].status"]
    page = browser_a.get(f"/clients/{sam.pk}/drafts/{waiting.pk}/").content.decode()
    assert "whether osteoporosis is current or in the past" in page


# One declaration of each question


def test_every_form_field_and_step_is_made_from_the_declarations() -> None:
    therapist, client = IntakeForm(), IntakeForm(for_client=True)
    controls = {"names_checked"}

    declared = {q.field_name(i) for q in QUESTIONS for i in range(therapist.rows.get(q.row, 1))}
    assert set(therapist.fields) - controls == declared
    for_client = {n for n in declared if not n.startswith(("skin_", "assessed_on", "temp"))}
    assert set(client.fields) - controls == for_client - {"systolic", "diastolic"}
    in_steps = {n for s in steps.ALL for n in steps.field_names(s, client.rows)}
    assert in_steps - controls - set(steps.CONSENT_FIELDS) == set(client.fields) - controls
    assert {q.step for q in QUESTIONS if q.step} == {s.id for s in steps.ALL[:-2]}
    assert not in_step("consent")


def test_every_declared_path_is_a_field_of_the_contract_and_every_client_field_is_declared() -> (
    None
):
    for question in QUESTIONS:
        model: type[BaseModel] = Intake
        *parents, last = question.path.replace("[]", "").split(".")
        for part in parents:
            model = model_in(model.model_fields[part].annotation)
        assert last in model.model_fields, question.path
    paths = {q.path for q in QUESTIONS}
    editable = {
        *(f"client.{f}" for f in draft.CLIENT),
        *(f"pain.{f}" for f in draft.PAIN),
        *(f"red_flags.{f}" for f in RED_FLAGS),
        *(f"preferences.{f}" for f in draft.PREFERENCES),
        *(f"conditions[].{f}" for f in draft.CONDITION),
        *(f"procedures[].{f}" for f in draft.PROCEDURE),
        "pain",
        "medications",
        "allergies",
    }
    assert editable <= paths
    assert {q.path for q in QUESTIONS if q.for_client} <= editable | {"notes"}


def test_a_stored_intake_comes_back_into_the_form_unchanged() -> None:
    data = chronic_back_pain(
        assessed_on=TODAY.isoformat(),
        pain={"regions": ["low_back_left"], "intensity": 6, "cause": "posture"},
        medications=["warfarin 5 mg"],
        allergies=["latex"],
        conditions=[{"id": "osteoporosis", "status": "history"}],
        preferences={"pressure": "light", "goals": "garden again"},
    )
    form = IntakeForm(
        {k: v for k, v in initial_from(data).items() if v not in (None, "", [])}, rows=None
    )
    form.data = form.data.copy()
    form.data["has_pain"] = "on"

    assert form.is_valid(), form.errors
    again = form.to_intake()
    assert again["medications"] == data["medications"]
    assert again["conditions"] == data["conditions"]
    assert again["preferences"] == data["preferences"]
    assert again["pain"] == data["pain"]


def test_the_comparison_labels_come_from_the_declarations(sam: Client) -> None:
    before = chronic_back_pain()
    after = chronic_back_pain(preferences={"pressure": "firm"})
    rows = [r for s in sections(draft.compare(before, after), set()) for r in s.changed]

    assert [(r.label, r.before, r.after) for r in rows] == [
        ("Preferred pressure", "not given", "Firm")
    ]

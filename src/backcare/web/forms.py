"""The small forms: a client, a plan edit, a session note, a clearance, an addendum, an alert's
acknowledgement, the first account, the client search, and the public "is back massage right for
me?" check. Each bounds its numbers and text (web/fields.py); the services check the rest."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

from backcare import limits
from backcare.knowledge import load_knowledge
from backcare.records import audit
from backcare.records.models import (
    AlertAcknowledgement,
    Clearance,
    Client,
    ClientChange,
    Clinic,
    Plan,
    PlanChange,
    SessionNote,
    User,
)
from backcare.web.fields import (
    CheckedForm,
    CheckedModelForm,
    date_field,
    length_of,
    number,
    text,
    whole_number,
)
from backcare.web.questions import (
    compact,
    red_flag_answers,
    red_flag_fields,
    split_answer,
    tri_field,
    yes_no,
)


class ClientForm(CheckedModelForm):
    notes = text(limits.NOTE_CHARS, strip=True, widget=forms.Textarea(attrs={"rows": 3}))

    class Meta:
        model = Client
        fields = [
            "first_name",
            "last_name",
            "date_of_birth",
            "email",
            "phone",
            "physician",
            "notes",
        ]
        widgets = {
            "date_of_birth": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }


class ClientEditForm(ClientForm):
    reason = text(length_of(ClientChange, "reason"))
    reason.label = "Why the change (kept with it)"


class PlanForm(CheckedForm):
    modality = text(length_of(Plan, "modality"), required=True)
    session_minutes = whole_number(limits.PLAN_SESSION_MINUTES)
    sessions_per_week = number(limits.SESSIONS_PER_WEEK)
    total_sessions = whole_number(limits.TOTAL_SESSIONS)
    reassess_after_sessions = whole_number(limits.REASSESS_AFTER_SESSIONS)
    max_pressure = text(length_of(Plan, "max_pressure"), required=True)
    reason = text(length_of(PlanChange, "reason"))


class SessionForm(CheckedForm):
    """The typed parts of a session note; regions and techniques are checked by the service."""

    session_date = date_field()
    subjective = text(limits.NOTE_CHARS)
    objective = text(limits.NOTE_CHARS)
    analysis = text(limits.NOTE_CHARS)
    next_steps = text(limits.NOTE_CHARS)
    pressure = text(length_of(SessionNote, "pressure"), required=True)
    minutes = whole_number(limits.SESSION_MINUTES)
    pain_before = whole_number(limits.PAIN_SCORE, required=False)
    pain_after = whole_number(limits.PAIN_SCORE, required=False)
    adverse_events = text(limits.NOTE_CHARS)
    deviation_reason = text(limits.NOTE_CHARS)


class ClearanceForm(CheckedForm):
    received_from = text(length_of(Clearance, "received_from"))
    received_on = date_field()
    note = text(limits.NOTE_CHARS)


class AddendumForm(CheckedForm):
    text = text(limits.NOTE_CHARS)


class AcknowledgeForm(CheckedForm):
    client = forms.IntegerField(min_value=1, error_messages={"invalid": "not a client"})
    kind = text(length_of(AlertAcknowledgement, "kind"))
    situation = text(length_of(AlertAcknowledgement, "situation"))
    note = text(limits.NOTE_CHARS)


class SetupForm(CheckedForm):
    clinic = text(length_of(Clinic, "name"))
    full_name = text(length_of(User, "first_name") + length_of(User, "last_name"))
    email = text(length_of(User, "email"))
    username = text(length_of(User, "username"))
    password = forms.CharField(max_length=4096, strip=False)
    password_again = forms.CharField(max_length=4096, strip=False, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") != data.get("password_again"):
            self.add_error("password", "the two passwords differ")
        return data


class ClinicSettingsForm(CheckedForm):
    """The clinic's details as typed; their lengths and shapes are checked by the service."""

    name = forms.CharField(required=False, strip=False)
    address = forms.CharField(required=False, strip=False)
    phone = forms.CharField(required=False, strip=False)
    email = forms.CharField(required=False, strip=False)


class SearchForm(CheckedForm):
    q = text(limits.SEARCH_CHARS)

    def clean_q(self) -> list[str]:
        words = str(self.cleaned_data["q"]).split()
        if len(words) > limits.SEARCH_WORDS:
            raise forms.ValidationError(
                f"at most {limits.SEARCH_WORDS} words are allowed (this has {len(words)})"
            )
        return words


AREAS = [
    ("neck", "Neck"),
    ("shoulders", "Shoulders"),
    ("upper_back", "Upper back"),
    ("mid_back", "Middle of the back"),
    ("low_back", "Lower back"),
    ("buttocks", "Buttocks"),
    ("hips", "Hips"),
    ("thighs", "Backs of the thighs"),
]


class SelfCheckForm(CheckedForm):
    """The public check: warning signs first, then conditions, medicines, pregnancy, the pain."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kb = load_knowledge()
        f = self.fields
        f.update(red_flag_fields())
        f["conditions"] = forms.MultipleChoiceField(
            label="Do you have any of these?",
            required=False,
            widget=forms.CheckboxSelectMultiple,
            choices=[(c, kb.conditions[c].name) for c in kb.meta.public_check.conditions],
        )
        f["other_conditions"] = forms.CharField(
            label="Other health conditions (separate with commas)", required=False
        )
        f["medications"] = forms.CharField(
            label="Medicines you take, one per line",
            required=False,
            widget=forms.Textarea(attrs={"rows": 3}),
        )
        f["age"] = forms.IntegerField(label="Your age", min_value=0, max_value=120)
        f["pregnant_weeks"] = forms.IntegerField(
            label="If you are pregnant: how many weeks?", required=False, min_value=1, max_value=42
        )
        f["breastfeeding"] = tri_field("Are you breastfeeding?")
        f["areas"] = forms.MultipleChoiceField(
            label="Where is the pain?",
            required=False,
            widget=forms.CheckboxSelectMultiple,
            choices=AREAS,
        )
        f["duration_weeks"] = forms.IntegerField(
            label="For how many weeks have you had it?", required=False, min_value=0, max_value=5200
        )
        f["intensity"] = forms.IntegerField(
            label="How bad is it now, from 0 (no pain) to 10 (worst imaginable)?",
            required=False,
            min_value=0,
            max_value=10,
        )
        f["cause"] = forms.ChoiceField(
            label="How did it start?",
            required=False,
            choices=[
                ("", "I'm not sure"),
                ("lifting", "Lifting or bending"),
                ("posture", "Long sitting or posture"),
                ("sport", "Sport or exercise"),
                ("stress", "Stress"),
                ("overuse", "Overuse at work"),
                ("fall", "A fall"),
                ("trauma", "An accident or blow"),
                ("unknown", "No clear reason"),
            ],
        )
        f["radiates_below_knee"] = tri_field("Does the pain go down your leg below the knee?")
        f["worse_at_night"] = tri_field(
            "Is it bad at night, even when you lie still or change position?"
        )

    def to_intake(self, today: date) -> dict[str, Any]:
        d = self.cleaned_data
        conditions = [*d["conditions"], *split_answer(d["other_conditions"], ",")]
        intake: dict[str, Any] = {
            "assessed_on": today,
            "client": compact(
                {
                    "age": d["age"],
                    "pregnant_weeks": d["pregnant_weeks"],
                    "breastfeeding": yes_no(d["breastfeeding"]),
                }
            ),
            "red_flags": red_flag_answers(d),
            "conditions": conditions,
            "medications": split_answer(d["medications"], "\n"),
        }
        if d["areas"] or d["intensity"] is not None or d["duration_weeks"] is not None:
            intake["pain"] = compact(
                {
                    "regions": d["areas"],
                    "duration_weeks": d["duration_weeks"],
                    "intensity": d["intensity"],
                    "cause": d["cause"] or "unknown",
                    "radiates_below_knee": yes_no(d["radiates_below_knee"]),
                    "worse_at_night": yes_no(d["worse_at_night"]),
                }
            )
        return intake


class AuditFilterForm(forms.Form):
    """The audit log's filters; every field may be left empty."""

    user = forms.ModelChoiceField(
        queryset=User.objects.none(), required=False, label="User", empty_label="Any user"
    )
    client = forms.CharField(required=False, max_length=100, label="Client name")
    action = forms.ChoiceField(required=False, label="Action")
    since = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, data: Any, *, user: User) -> None:
        super().__init__(data)
        self.fields["user"].queryset = User.objects.filter(clinic=user.clinic).order_by("username")  # type: ignore[attr-defined]
        self.fields["action"].choices = [  # type: ignore[attr-defined]
            ("", "Any action"),
            *((a, a) for a in audit.actions(user=user)),
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and until < since:
            self.add_error("until", f"the last day ({until}) is before the first ({since})")
        return cleaned

    def chosen(self) -> audit.Filter:
        """The filter; call after is_valid()."""
        data = self.cleaned_data
        return audit.Filter(
            user=data["user"],
            client=data["client"].strip(),
            action=data["action"],
            since=data["since"],
            until=data["until"],
        )

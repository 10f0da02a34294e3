"""The intake form: every field of the intake of spec v1, turned into an intake, with the
contract's problems (dotted paths) mapped back onto the fields they concern."""

from __future__ import annotations

import re
from typing import Any

from django import forms

from backcare.clinical.facts import KnownCondition, is_unplaced
from backcare.errors import Problem
from backcare.knowledge import load_knowledge
from backcare.knowledge.contract import REGIONS, SHORTHANDS
from backcare.knowledge.names import ConditionReading, MedicationReading
from backcare.web.questions import (
    compact,
    red_flag_answers,
    red_flag_fields,
    split_answer,
    tri_field,
    yes_no,
)


def spelling_query(reading: MedicationReading | ConditionReading) -> str | None:
    """What to ask about a name read by its spelling, or close to known names, if anything."""
    if reading.how == "spelling":
        return f"'{reading.text}' was read as {reading.read_as}: correct it, or tick below"
    if reading.how == "unrecognised" and reading.suggestions:
        return f"'{reading.text}' is unknown: did you mean {reading.suggested}? Or tick below"
    return None


ROWS = {
    "condition": 5,
    "procedure": 3,
    "skin": 4,
}  # empty rows shown; more when an intake needs them


def _row_regions(label: str) -> forms.MultipleChoiceField:
    """Regions of one row (a condition, procedure or skin finding): any number of them."""
    kb = load_knowledge()
    choices = [(r, kb.regions[r].name) for r in REGIONS]
    choices += [(s, f"{s.replace('_', ' ').capitalize()} (both sides)") for s in SHORTHANDS]
    return forms.MultipleChoiceField(
        label=label,
        required=False,
        choices=choices,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )


def _regions_field(label: str) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(r, load_knowledge().regions[r].name) for r in REGIONS],
    )


class IntakeForm(forms.Form):
    """Every field of the intake; ``for_client`` hides what only a therapist records."""

    def __init__(
        self,
        *args: Any,
        for_client: bool = False,
        correcting: bool = False,
        rows: dict[str, int] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.for_client = for_client
        self.rows = {**ROWS, **(rows or {})}
        self.used_rows: dict[str, list[int]] = {}
        self.has_spelling_queries = False
        kb = load_knowledge()
        f = self.fields
        if not for_client:  # the assessment date is the therapist's to set
            f["assessed_on"] = forms.DateField(
                label="Date", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
            )
        f["age"] = forms.IntegerField(label="Age (years)", min_value=0, max_value=120)
        f["sex"] = forms.ChoiceField(
            label="Sex",
            required=False,
            choices=[
                ("", "Not given"),
                ("female", "Female"),
                ("male", "Male"),
                ("intersex", "Intersex"),
                ("unknown", "Prefer not to say"),
            ],
        )
        f["pregnant_weeks"] = forms.IntegerField(
            label="If pregnant: weeks of pregnancy", required=False, min_value=1, max_value=42
        )
        f["pregnancy_complications"] = forms.CharField(
            label="Pregnancy complications (comma-separated)", required=False
        )
        f["breastfeeding"] = tri_field("Breastfeeding?")
        f["occupation"] = forms.ChoiceField(
            label="Work",
            required=False,
            choices=[
                ("", "Not given"),
                ("desk", "Desk work"),
                ("manual", "Manual work"),
                ("athlete", "Athlete"),
                ("other", "Other"),
            ],
        )
        f["has_pain"] = forms.BooleanField(label="Back pain now", required=False, initial=True)
        f["pain_regions"] = _regions_field("Where is the pain?")
        f["duration_weeks"] = forms.DecimalField(
            label="For how many weeks?", required=False, min_value=0, max_digits=6, decimal_places=1
        )
        f["intensity"] = forms.IntegerField(
            label="Pain now, 0 (none) to 10 (worst)", required=False, min_value=0, max_value=10
        )
        f["cause"] = forms.ChoiceField(
            label="How did it start?",
            required=False,
            choices=[
                ("", "Not given"),
                ("lifting", "Lifting"),
                ("trauma", "An injury"),
                ("fall", "A fall"),
                ("sport", "Sport"),
                ("posture", "Posture, long sitting"),
                ("stress", "Stress"),
                ("overuse", "Overuse"),
                ("unknown", "No clear cause"),
            ],
        )
        f["radiates_below_knee"] = tri_field("Does pain go down below the knee?")
        f["numbness"] = _regions_field("Numbness")
        f["weakness"] = _regions_field("Weakness")
        f["worse_at_night"] = tri_field("Pain at night that rest or moving does not ease?")
        f["new_or_changed"] = tri_field(
            "Is this pain new, or different from pain a doctor already knows about?"
        )
        f["morning_stiffness_minutes"] = forms.IntegerField(
            label="Morning stiffness (minutes)", required=False, min_value=0, max_value=1440
        )
        f.update(red_flag_fields())
        statuses = [
            ("", "Not said"),
            ("active", "Current"),
            ("controlled", "Controlled"),
            ("history", "In the past"),
            ("suspected", "Suspected"),
        ]
        for i in range(self.rows["condition"]):
            f[f"condition_{i}_id"] = forms.CharField(
                label=f"Condition {i + 1}",
                required=False,
                widget=forms.TextInput(attrs={"list": "conditions"}),
            )
            f[f"condition_{i}_status"] = forms.ChoiceField(
                label="Status", choices=statuses, required=False
            )
            f[f"condition_{i}_region"] = _row_regions(
                "Where is it?" if for_client else "Where (if local)"
            )
        f["medications"] = forms.CharField(
            label="Medicines, one per line (with doses if known)",
            required=False,
            widget=forms.Textarea(attrs={"rows": 3}),
        )
        f["names_checked"] = forms.BooleanField(
            label="The names are right as written (keep them even where a spelling was queried)",
            required=False,
        )
        for i in range(self.rows["procedure"]):
            f[f"procedure_{i}_kind"] = forms.ChoiceField(
                label=f"Procedure {i + 1}",
                required=False,
                choices=[
                    ("", "None"),
                    ("surgery", "Surgery"),
                    ("injection", "Injection"),
                    ("chemotherapy", "Chemotherapy"),
                    ("radiotherapy", "Radiotherapy"),
                ],
            )
            f[f"procedure_{i}_region"] = _row_regions("Where")
            f[f"procedure_{i}_date"] = forms.DateField(
                label="When",
                required=False,
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            )
        if not for_client:
            findings = [
                ("", "None"),
                ("bruise", "Bruise"),
                ("swelling", "Swelling"),
                ("open_wound", "Open wound"),
                ("rash", "Rash"),
                ("burn", "Burn"),
                ("inflamed", "Inflamed"),
                ("tender", "Tender"),
                ("varicose_vein", "Varicose vein"),
            ]
            for i in range(self.rows["skin"]):
                f[f"skin_{i}_finding"] = forms.ChoiceField(
                    label=f"Skin finding {i + 1}", choices=findings, required=False
                )
                f[f"skin_{i}_region"] = _row_regions("Where")
            f["temperature_c"] = forms.DecimalField(
                label="Temperature (°C)", required=False, max_digits=4, decimal_places=1
            )
            f["systolic"] = forms.IntegerField(label="Blood pressure, systolic", required=False)
            f["diastolic"] = forms.IntegerField(label="Blood pressure, diastolic", required=False)
        f["allergies"] = forms.CharField(
            label="Allergies (oils, lotions, latex...), one per line",
            required=False,
            widget=forms.Textarea(attrs={"rows": 2}),
        )
        f["pressure"] = forms.ChoiceField(
            label="Preferred pressure",
            required=False,
            choices=[
                ("", "No preference"),
                ("light", "Light"),
                ("medium", "Medium"),
                ("firm", "Firm"),
            ],
        )
        f["modalities"] = forms.MultipleChoiceField(
            label="Kinds of massage wanted",
            required=False,
            widget=forms.CheckboxSelectMultiple,
            choices=[(m.id, m.name) for m in kb.modalities.values()],
        )
        f["massage_experience"] = forms.ChoiceField(
            label="Massage before?",
            required=False,
            choices=[
                ("", "Not given"),
                ("none", "Never"),
                ("some", "A few times"),
                ("regular", "Regularly"),
            ],
        )
        f["session_minutes"] = forms.IntegerField(
            label="Preferred session length (minutes)", required=False, min_value=10, max_value=180
        )
        f["sessions_per_month"] = forms.IntegerField(
            label="Sessions a month you can come", required=False, min_value=1, max_value=31
        )
        f["goals"] = forms.CharField(
            label="What would you like to be able to do again?", required=False
        )
        f["notes"] = forms.CharField(
            label="Anything else you want your therapist to know"
            if for_client
            else "Anything else",
            required=False,
            widget=forms.Textarea(attrs={"rows": 2}),
        )
        if correcting:
            f["reason"] = forms.CharField(
                label="What changed, or what this corrects (kept with the new version)",
                required=False,
            )

    def to_intake(self) -> dict[str, Any]:
        """The cleaned fields as an intake of spec v1 (left-out answers are left out)."""
        d = self.cleaned_data
        intake: dict[str, Any] = {
            **({} if self.for_client else {"assessed_on": d["assessed_on"]}),
            "client": compact(
                {
                    "age": d["age"],
                    "sex": d["sex"],
                    "pregnant_weeks": d["pregnant_weeks"],
                    "pregnancy_complications": split_answer(d["pregnancy_complications"], ","),
                    "breastfeeding": yes_no(d["breastfeeding"]),
                    "occupation": d["occupation"],
                }
            ),
        }
        if d["has_pain"]:
            intake["pain"] = compact(
                {
                    "regions": d["pain_regions"],
                    "duration_weeks": float(d["duration_weeks"])
                    if d["duration_weeks"] is not None
                    else None,
                    "intensity": d["intensity"],
                    "cause": d["cause"],
                    "radiates_below_knee": yes_no(d["radiates_below_knee"]),
                    "numbness": d["numbness"],
                    "weakness": d["weakness"],
                    "worse_at_night": yes_no(d["worse_at_night"]),
                    "morning_stiffness_minutes": d["morning_stiffness_minutes"],
                    "new_or_changed": yes_no(d["new_or_changed"]),
                }
            )
        intake["red_flags"] = red_flag_answers(d)
        used = self.used_rows
        used["conditions"] = [
            i for i in range(self.rows["condition"]) if d[f"condition_{i}_id"].strip()
        ]
        intake["conditions"] = [
            compact(
                {
                    "id": d[f"condition_{i}_id"].strip(),
                    "status": d[f"condition_{i}_status"] or None,
                    "regions": d[f"condition_{i}_region"],
                }
            )
            for i in used["conditions"]
        ]
        intake["medications"] = split_answer(d["medications"], "\n")
        used["procedures"] = [i for i in range(self.rows["procedure"]) if d[f"procedure_{i}_kind"]]
        intake["procedures"] = [
            compact(
                {
                    "kind": d[f"procedure_{i}_kind"],
                    "date": d[f"procedure_{i}_date"],
                    "region": d[f"procedure_{i}_region"],
                }
            )
            for i in used["procedures"]
        ]
        if not self.for_client:
            used["skin"] = [i for i in range(self.rows["skin"]) if d[f"skin_{i}_finding"]]
            intake["skin"] = [
                {"finding": d[f"skin_{i}_finding"], "region": d[f"skin_{i}_region"]}
                for i in used["skin"]
            ]
            intake["vitals"] = compact(
                {
                    "temperature_c": float(d["temperature_c"])
                    if d["temperature_c"] is not None
                    else None,
                    "systolic": d["systolic"],
                    "diastolic": d["diastolic"],
                }
            )
        intake["allergies"] = split_answer(d["allergies"], "\n")
        intake["preferences"] = compact(
            {
                "pressure": d["pressure"],
                "modalities": d["modalities"],
                "massage_experience": d["massage_experience"],
                "session_minutes": d["session_minutes"],
                "sessions_per_month": d["sessions_per_month"],
                "goals": d["goals"],
            }
        )
        if d["notes"]:
            intake["notes"] = d["notes"]
        return intake

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for i in range(self.rows["skin"] if not self.for_client else 0):
            if data.get(f"skin_{i}_finding") and not data.get(f"skin_{i}_region"):
                self.add_error(f"skin_{i}_region", "say where the finding is")
        if not self.for_client:
            self._ask_where(data)
        if not data.get("names_checked"):
            self._query_spellings(data)
        return data

    def _ask_where(self, data: dict[str, Any]) -> None:
        """A local condition that limits the session needs its place, and so does a procedure
        whose site the screening keeps away from (surgery, injections, radiotherapy)."""
        kb = load_knowledge()
        for i in range(self.rows["condition"]):
            name = (data.get(f"condition_{i}_id") or "").strip()
            condition = kb.read_condition(name).condition if name else None
            if condition is None or data.get(f"condition_{i}_region"):
                continue
            status = data.get(f"condition_{i}_status") or "active"
            known = KnownCondition(condition, status, (), bool(data.get(f"condition_{i}_status")))
            if is_unplaced(known, kb):
                entry = kb.conditions[condition].name.lower()
                self.add_error(f"condition_{i}_region", f"say where the {entry} is")
        placed = {
            name.removesuffix(".regions")
            for compiled in kb.rules
            for name in compiled.rule.avoid_regions_from
        }
        for i in range(self.rows["procedure"]):
            kind = data.get(f"procedure_{i}_kind")
            if kind in placed and not data.get(f"procedure_{i}_region"):
                self.add_error(f"procedure_{i}_region", f"say where the {kind} was")

    def _query_spellings(self, data: dict[str, Any]) -> None:
        """Before saving, offer the known name for a near-miss spelling, so that it is corrected
        (or kept on purpose) while the client is still there."""
        kb = load_knowledge()
        for line in split_answer(data.get("medications") or "", "\n"):
            query = spelling_query(kb.read_medication(line))
            if query:
                self.has_spelling_queries = True
                self.add_error("medications", query)
        for i in range(self.rows["condition"]):
            name = (data.get(f"condition_{i}_id") or "").strip()
            query = spelling_query(kb.read_condition(name)) if name else None
            if query:
                self.has_spelling_queries = True
                self.add_error(f"condition_{i}_id", query)

    def row_fields(self, kind: str, names: tuple[str, ...]) -> list[list[Any]]:
        """The bound fields of each row of one kind, for the template."""
        return [[self[f"{kind}_{i}_{name}"] for name in names] for i in range(self.rows[kind])]

    def condition_rows(self) -> list[list[Any]]:
        return self.row_fields("condition", ("id", "status", "region"))

    def procedure_rows(self) -> list[list[Any]]:
        return self.row_fields("procedure", ("kind", "region", "date"))

    def skin_rows(self) -> list[list[Any]]:
        return self.row_fields("skin", ("finding", "region"))

    def _row_path(self, path: str) -> str:
        """conditions[1].id in the intake is the row that entry came from in the form."""
        match = re.match(r"^(conditions|procedures|skin)\[(\d+)\](.*)$", path)
        used = self.used_rows.get(match.group(1), []) if match else []
        if not match or int(match.group(2)) >= len(used):
            return path
        return f"{match.group(1)}[{used[int(match.group(2))]}]{match.group(3)}"

    def add_problems(self, problems: list[Problem]) -> None:
        """Show each contract problem on the field it concerns (or above the form)."""
        for problem in problems:
            field = _field_for(self._row_path(problem.path))
            if field in self.fields:
                self.add_error(field, problem.message)
            else:
                self.add_error(None, str(problem))


_PATHS = [
    (r"^client\.(\w+)$", "{0}"),
    (r"^pain\.regions$", "pain_regions"),
    (r"^pain\.(\w+)$", "{0}"),
    (r"^red_flags\.(\w+)$", "rf_{0}"),
    (r"^conditions\[(\d+)\]\.regions$", "condition_{0}_region"),
    (r"^conditions\[(\d+)\]\.(\w+)$", "condition_{0}_{1}"),
    (r"^procedures\[(\d+)\]\.(\w+)$", "procedure_{0}_{1}"),
    (r"^skin\[(\d+)\]\.(\w+)$", "skin_{0}_{1}"),
    (r"^vitals\.(\w+)$", "{0}"),
    (r"^preferences\.(\w+)(?:\[\d+\])?$", "{0}"),
    (r"^(assessed_on|medications|allergies|notes)(?:\[\d+\])?$", "{0}"),
]


def _field_for(path: str) -> str:
    for pattern, name in _PATHS:
        match = re.match(pattern, path)
        if match:
            return name.format(*match.groups())
    return ""

"""Every question of the intake, declared once (a ``Question`` says what each part means).

The therapist's form, the client's steps, the prefill of a correction and the labels of a
comparison are all made from these declarations, so a question is added here and nowhere else.
"""

from __future__ import annotations

from backcare.web.question import Question

STEPS = (
    ("about", "About you"),
    ("pain", "Your back pain"),
    ("warning", "Warning signs"),
    ("health", "Health conditions and operations"),
    ("medicines", "Medicines"),
    ("allergies", "Allergies and your massage"),
    ("consent", "Consent and privacy"),
    ("check", "Check and send"),
)
NOT_GIVEN = ("", "Not given")
RED_FLAG_HELP = (
    "If you are not sure, choose “I'm not sure”: it is not taken as a no, and your therapist "
    "will ask you about it before any massage."
)
RED_FLAGS: tuple[tuple[str, str, str], ...] = (
    # (flag, the therapist's label, the client's question)
    (
        "saddle_numbness",
        "Numbness or tingling between the legs or around the bottom (the 'saddle' area)?",
        "Do you have numbness or tingling between your legs or around your bottom?",
    ),
    (
        "bladder_or_bowel_change",
        "Any new problem passing or holding urine or stools, or loss of feeling there?",
        "Do you have a new problem passing or holding urine or stools, or less feeling there?",
    ),
    (
        "progressive_weakness",
        "Weakness in a leg that is getting worse?",
        "Is a leg getting weaker?",
    ),
    (
        "bilateral_leg_symptoms",
        "Pain, numbness or tingling in both legs?",
        "Do you have pain, numbness or tingling in both legs?",
    ),
    (
        "unexplained_weight_loss",
        "Weight loss without trying?",
        "Have you lost weight without trying?",
    ),
    ("history_of_cancer", "Have you ever had cancer?", "Have you ever had cancer?"),
    (
        "fever",
        "A fever, or feeling hot and shivery, now or in the last few days?",
        "Have you had a fever, or felt hot and shivery, now or in the last few days?",
    ),
    ("iv_drug_use", "Do you inject drugs?", "Do you inject drugs?"),
    (
        "immunosuppressed",
        "Is your immune system weakened (by illness or medicines)?",
        "Is your immune system weakened, by an illness or by medicines?",
    ),
    (
        "significant_trauma",
        "Did the pain start after a serious fall, accident or blow?",
        "Did your pain start after a serious fall, accident or blow?",
    ),
    (
        "pulsatile_abdominal_mass",
        "A lump in the belly that you can feel beating?",
        "Can you feel a lump in your belly that beats like a pulse?",
    ),
    (
        "calf_swelling_one_side",
        "A warm, painful, swollen calf on one side?",
        "Is one of your calves warm, painful and swollen?",
    ),
    (
        "chest_pain_or_breathlessness",
        "Chest pain, or sudden shortness of breath?",
        "Do you have chest pain, or have you suddenly become short of breath?",
    ),
)


def red_flag_name(flag: str) -> str:
    """The form field that asks one warning-sign question."""
    return f"rf_{flag}"


QUESTIONS: tuple[Question, ...] = (
    Question("assessed_on", "assessed_on", "date", "Date"),
    Question(
        "age",
        "client.age",
        "number",
        "Age (years)",
        "How old are you?",
        step="about",
        required=True,
    ),
    Question(
        "sex",
        "client.sex",
        "choice",
        "Sex",
        "What is your sex?",
        step="about",
        choices=(
            NOT_GIVEN,
            ("female", "Female"),
            ("male", "Male"),
            ("intersex", "Intersex"),
            ("unknown", "Prefer not to say"),
        ),
        client_choices=(
            ("female", "Female"),
            ("male", "Male"),
            ("intersex", "Intersex"),
            ("unknown", "I'd rather not say"),
        ),
    ),
    Question(
        "occupation",
        "client.occupation",
        "choice",
        "Work",
        "What kind of work do you do most days?",
        step="about",
        choices=(
            NOT_GIVEN,
            ("desk", "Desk work"),
            ("manual", "Manual work"),
            ("athlete", "Athlete"),
            ("other", "Other"),
        ),
        client_choices=(
            ("desk", "Mostly sitting, at a desk"),
            ("manual", "Physical work: lifting, standing, moving"),
            ("athlete", "I train or compete in sport"),
            ("other", "Something else"),
        ),
    ),
    Question(
        "pregnant_weeks",
        "client.pregnant_weeks",
        "number",
        "If pregnant: weeks of pregnancy",
        "If you are pregnant: how many weeks?",
        "Leave it empty if you are not pregnant.",
        step="about",
    ),
    Question(
        "pregnancy_complications",
        "client.pregnancy_complications",
        "lines",
        "Pregnancy complications (comma-separated)",
        "If you are pregnant: has your midwife or doctor told you of any complication?",
        "For example pre-eclampsia or a low-lying placenta. Separate them with commas.",
        step="about",
        separator=",",
    ),
    Question(
        "breastfeeding",
        "client.breastfeeding",
        "tri",
        "Breastfeeding?",
        "Are you breastfeeding?",
        step="about",
    ),
    Question(
        "has_pain",
        "pain",
        "flag",
        "Back pain now",
        "I have back pain now",
        "Leave it unticked if you are coming for a massage without back pain.",
        step="pain",
    ),
    Question(
        "pain_regions",
        "pain.regions",
        "choices",
        "Where is the pain?",
        "Where is the pain? Tick every place.",
        step="pain",
    ),
    Question(
        "duration_weeks",
        "pain.duration_weeks",
        "decimal",
        "For how many weeks?",
        "For how many weeks have you had this pain?",
        "Half weeks are fine, for example 1.5.",
        step="pain",
    ),
    Question(
        "intensity",
        "pain.intensity",
        "number",
        "Pain now, 0 (none) to 10 (worst)",
        "How bad is it now, from 0 (no pain) to 10 (the worst you can imagine)?",
        step="pain",
    ),
    Question(
        "cause",
        "pain.cause",
        "choice",
        "How did it start?",
        "How did it start?",
        step="pain",
        choices=(
            NOT_GIVEN,
            ("lifting", "Lifting"),
            ("trauma", "An injury"),
            ("fall", "A fall"),
            ("sport", "Sport"),
            ("posture", "Posture, long sitting"),
            ("stress", "Stress"),
            ("overuse", "Overuse"),
            ("unknown", "No clear cause"),
        ),
        client_choices=(
            ("lifting", "Lifting or bending"),
            ("trauma", "An accident or blow"),
            ("fall", "A fall"),
            ("sport", "Sport or exercise"),
            ("posture", "Long sitting or posture"),
            ("stress", "Stress"),
            ("overuse", "Overuse, at work or at home"),
            ("unknown", "No clear reason"),
        ),
    ),
    Question(
        "radiates_below_knee",
        "pain.radiates_below_knee",
        "tri",
        "Does pain go down below the knee?",
        "Does the pain go down your leg, below the knee?",
        step="pain",
    ),
    Question(
        "worse_at_night",
        "pain.worse_at_night",
        "tri",
        "Pain at night that rest or moving does not ease?",
        "Is it bad at night, even when you lie still or change position?",
        step="pain",
    ),
    Question(
        "new_or_changed",
        "pain.new_or_changed",
        "tri",
        "Is this pain new, or different from pain a doctor already knows about?",
        "Is this pain new, or different from back pain a doctor already knows about?",
        step="pain",
    ),
    Question(
        "morning_stiffness_minutes",
        "pain.morning_stiffness_minutes",
        "number",
        "Morning stiffness (minutes)",
        "If your back is stiff in the morning: for how many minutes?",
        step="pain",
    ),
    Question(
        "numbness",
        "pain.numbness",
        "choices",
        "Numbness",
        "Is any place numb? Tick every place.",
        step="pain",
        folded=True,
    ),
    Question(
        "weakness",
        "pain.weakness",
        "choices",
        "Weakness",
        "Is any place weak? Tick every place.",
        step="pain",
        folded=True,
    ),
    *(
        Question(
            red_flag_name(flag),
            f"red_flags.{flag}",
            "yes_no",
            label,
            ask,
            RED_FLAG_HELP,
            step="warning",
            required=True,
        )
        for flag, label, ask in RED_FLAGS
    ),
    Question(
        "id",
        "conditions[].id",
        "text",
        "Condition {n}",
        "Health condition {n}",
        "For example osteoporosis, high blood pressure or diabetes.",
        step="health",
        row="condition",
        suggestions="conditions",
    ),
    Question(
        "status",
        "conditions[].status",
        "choice",
        "Status",
        "Do you have it now?",
        step="health",
        row="condition",
        choices=(
            ("", "Not said"),
            ("active", "Current"),
            ("controlled", "Controlled"),
            ("history", "In the past"),
            ("suspected", "Suspected"),
        ),
        client_choices=(
            ("active", "I have it now"),
            ("history", "I had it in the past"),
            ("", "I'm not sure"),
        ),
    ),
    Question(
        "region",
        "conditions[].regions",
        "choices",
        "Where (if local)",
        "Where is it?",
        "Only if it is in one place, such as a hip.",
        step="health",
        row="condition",
        folded=True,
    ),
    Question(
        "kind",
        "procedures[].kind",
        "choice",
        "Procedure {n}",
        "Operation or treatment {n}",
        step="health",
        row="procedure",
        choices=(
            ("", "None"),
            ("surgery", "Surgery"),
            ("injection", "Injection"),
            ("chemotherapy", "Chemotherapy"),
            ("radiotherapy", "Radiotherapy"),
        ),
        client_choices=(
            ("surgery", "An operation"),
            ("injection", "An injection, such as a steroid injection"),
            ("chemotherapy", "Chemotherapy"),
            ("radiotherapy", "Radiotherapy"),
        ),
    ),
    Question(
        "region",
        "procedures[].region",
        "choices",
        "Where",
        "Where on your body?",
        step="health",
        row="procedure",
        folded=True,
    ),
    Question(
        "date",
        "procedures[].date",
        "date",
        "When",
        "When was it?",
        step="health",
        row="procedure",
    ),
    Question(
        "medications",
        "medications",
        "lines",
        "Medicines, one per line (with doses if known)",
        "Which medicines do you take? One a line, with the dose if you know it.",
        "Include pills, injections, patches and anything bought without a prescription, such as "
        "painkillers taken today.",
        step="medicines",
    ),
    Question(
        "finding",
        "skin[].finding",
        "choice",
        "Skin finding {n}",
        row="skin",
        choices=(
            ("", "None"),
            ("bruise", "Bruise"),
            ("swelling", "Swelling"),
            ("open_wound", "Open wound"),
            ("rash", "Rash"),
            ("burn", "Burn"),
            ("inflamed", "Inflamed"),
            ("tender", "Tender"),
            ("varicose_vein", "Varicose vein"),
        ),
    ),
    Question("region", "skin[].region", "choices", "Where", row="skin"),
    Question("temperature_c", "vitals.temperature_c", "decimal", "Temperature (°C)"),
    Question("systolic", "vitals.systolic", "number", "Blood pressure, systolic"),
    Question("diastolic", "vitals.diastolic", "number", "Blood pressure, diastolic"),
    Question(
        "allergies",
        "allergies",
        "lines",
        "Allergies (oils, lotions, latex...), one per line",
        "Are you allergic to anything? One a line.",
        "Oils (nut oils too), lotions, latex, plasters, scents: anything that touches the skin.",
        step="allergies",
    ),
    Question(
        "pressure",
        "preferences.pressure",
        "choice",
        "Preferred pressure",
        "What pressure do you like?",
        step="allergies",
        choices=(("", "No preference"), ("light", "Light"), ("medium", "Medium"), ("firm", "Firm")),
        client_choices=(
            ("light", "Light"),
            ("medium", "Medium"),
            ("firm", "Firm"),
            ("", "No preference"),
        ),
    ),
    Question(
        "modalities",
        "preferences.modalities",
        "choices",
        "Kinds of massage wanted",
        "Is there a kind of massage you would like?",
        step="allergies",
    ),
    Question(
        "massage_experience",
        "preferences.massage_experience",
        "choice",
        "Massage before?",
        "Have you had a massage before?",
        step="allergies",
        choices=(NOT_GIVEN, ("none", "Never"), ("some", "A few times"), ("regular", "Regularly")),
        client_choices=(("none", "Never"), ("some", "A few times"), ("regular", "Regularly")),
    ),
    Question(
        "session_minutes",
        "preferences.session_minutes",
        "number",
        "Preferred session length (minutes)",
        "How long would you like a session to be, in minutes?",
        step="allergies",
    ),
    Question(
        "sessions_per_month",
        "preferences.sessions_per_month",
        "number",
        "Sessions a month you can come",
        "How many times a month could you come?",
        step="allergies",
    ),
    Question(
        "goals",
        "preferences.goals",
        "text",
        "What would you like to be able to do again?",
        "What would you like to be able to do again?",
        "For example: sit through a work day, pick up my child, sleep through the night.",
        step="allergies",
    ),
    Question(
        "notes",
        "notes",
        "note",
        "Anything else",
        "Anything else you want your therapist to know?",
        step="allergies",
    ),
)


def in_step(step: str) -> tuple[Question, ...]:
    return tuple(q for q in QUESTIONS if q.step == step)


def by_path(path: str) -> Question | None:
    """The question whose answer goes at ``path`` (a row's field as ``conditions[].id``)."""
    return next((q for q in QUESTIONS if q.path == path), None)


RED_FLAG_QUESTIONS = {flag: label for flag, label, _ in RED_FLAGS}

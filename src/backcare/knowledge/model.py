"""The shapes of knowledge-base entries, as read from the YAML files in ``data/``.

Every entry that states a clinical fact carries ``sources``: ids from ``sources.yaml``.
Cross-references (sources, regions, techniques, modalities, conditions) are checked by the
loader after all files are read, so these models only check each entry's own shape.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_.\-]*$")]
SourceIds = Annotated[list[Id], Field(min_length=1)]


class Decision(IntEnum):
    """Decisions, least to most severe (intake spec v1)."""

    proceed = 0
    modify = 1
    postpone = 2
    clearance = 3
    refer = 4
    emergency = 5


DecisionName = Literal["proceed", "modify", "postpone", "clearance", "refer", "emergency"]
PressureName = Literal["light", "medium", "firm"]
Grade = Literal["supported", "weak", "unsupported", "contradicted", "unverified"]
Status = Literal["active", "controlled", "history", "suspected"]
BodyPosition = Literal["prone", "supine", "side_lying", "semi_reclined", "seated", "standing"]


class Entry(BaseModel):
    # defer_build: a model builds its validator when first used, so a start that takes the
    # knowledge base from its kept form (knowledge/compiled.py) never pays for it.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Source(Entry):
    id: Id
    ref: str | None = None
    authors: str | None = None
    title: str
    year: int | None = None
    url: str | None = None
    kind: Literal[
        "guideline",
        "systematic_review",
        "trial",
        "textbook",
        "article",
        "web",
        "consensus",
        "case_report",
        "standard",
        "seed",
        "dataset",
    ]
    quality: Literal["high", "moderate", "low"] = "moderate"
    file: str | None = None
    note: str = ""


class Modifications(Entry):
    """Changes to a standard session. Lists unite and the lowest pressure wins when merged."""

    max_pressure: PressureName | None = None
    avoid_regions: list[Id] = []
    avoid_techniques: list[Id] = []
    positioning: list[Id] = []
    max_session_minutes: int | None = Field(default=None, ge=5, le=180)
    notes: list[str] = []


class Position(Entry):
    says: str
    decision: DecisionName | None = None
    sources: SourceIds


class Disagreement(Entry):
    """Where sources disagree: both positions, which one the rule follows, and why."""

    topic: str
    positions: Annotated[list[Position], Field(min_length=2)]
    follows: str
    because: str


class Outcome(Entry):
    """What a rule or table row decides, and why; ``questions`` are for the therapist to ask."""

    decision: DecisionName
    title: str | None = None
    why: str
    action: str | None = None
    client_text: str | None = None
    questions: list[str] = []
    modifications: Modifications = Modifications()
    sources: SourceIds
    basis: Literal["source", "inference"] = "source"


class Condition(Entry):
    id: Id
    name: str
    synonyms: list[str] = []
    kind: Literal["back_pain_cause", "medical_condition", "indication", "systemic_state"]
    seeds: list[Id] = []
    summary: str = ""
    local: bool = False
    usual_regions: list[Id] = []
    episodic: bool = False
    passing: bool = False
    explains_back_pain: bool | None = None
    snomed: str | None = None
    icd10: str | None = None
    active: Outcome
    controlled: Outcome | None = None
    history: Outcome | None = None
    suspected: Outcome | None = None
    unstated: Outcome | None = None
    disagreements: list[Disagreement] = []

    @property
    def explains_pain(self) -> bool:
        """Whether, once diagnosed, this condition accounts for back pain (causes do)."""
        if self.explains_back_pain is None:
            return self.kind == "back_pain_cause"
        return self.explains_back_pain


class MedicationClass(Entry):
    id: Id
    name: str
    title: str
    decision: DecisionName
    why: str
    action: str | None = None
    client_text: str | None = None
    modifications: Modifications = Modifications()
    sources: SourceIds
    questions: list[str] = []
    names: list[str] = []
    lay_names: list[str] = []
    disagreements: list[Disagreement] = []

    @model_validator(mode="after")
    def _named(self) -> MedicationClass:
        if not self.names and not self.lay_names:
            raise ValueError("a medication class needs names (generics) or lay_names")
        return self


class DoseRule(Entry):
    """A medicine whose class depends on the dose: up to ``at_most_mg`` it is only ``only``."""

    name: str
    at_most_mg: float = Field(gt=0)
    low_dose_names: list[str] = []
    only: Annotated[list[Id], Field(min_length=1)]
    why: str
    sources: SourceIds


Generics = str | Annotated[list[str], Field(min_length=1)]


class DrugNames(Entry):
    """Brand and other names of generic medicines, each mapped to the generic a class lists, or
    to a list of them for a combination product (its classes are those of every ingredient).

    ``names`` and ``spellings`` are generated from a data set (scripts/drug_names.py):
    ``spellings`` are the data set's misspellings of a generic, read as a spelling to confirm.
    ``typed`` holds the names the data set lacks, typed by hand, which the script keeps."""

    sources: SourceIds
    note: str = ""
    typed: dict[str, Generics] = {}
    spellings: dict[str, str] = {}
    names: dict[str, Generics]


class RxNorm(Entry):
    """RxNorm ingredient codes (RxCUI) of generics, for exchange with health record systems."""

    sources: SourceIds
    note: str = ""
    codes: dict[str, Annotated[str, Field(pattern=r"^[0-9]{1,8}$")]]


class MatchingPolicy(Entry):
    """How near-miss spellings are read; a documented policy, not a clinical fact."""

    min_score: float = Field(ge=50, le=100)
    margin: float = Field(ge=0, le=50)
    min_length: int = Field(ge=3, le=20)
    suggest_score: float = Field(ge=40, le=100)
    medicine_suggest_score: float = Field(ge=40, le=100)
    ignore_words: list[str]
    note: str


class Rule(Entry):
    """A screening rule: a condition over intake facts (see ``rule.py``) and its outcome."""

    id: Id
    title: str
    group: Literal["red_flag", "combination", "screening", "skin", "procedure", "policy"]
    when: dict[str, Any]
    decision: DecisionName
    why: str
    action: str | None = None
    client_text: str | None = None
    questions: list[str] = []
    passing: bool = False
    modifications: Modifications = Modifications()
    avoid_regions_from: list[str] = []
    sources: SourceIds
    seeds: list[Id] = []
    basis: Literal["source", "inference"] = "source"
    disagreements: list[Disagreement] = []


class PressureRange(Entry):
    min: PressureName
    max: PressureName


class Suits(Entry):
    causes: list[str] = []
    chronicity: list[Literal["acute", "subacute", "chronic"]] = []
    conditions: list[Id] = []
    experience: list[Literal["none", "some", "regular"]] = []
    occupations: list[Literal["desk", "manual", "athlete"]] = []


class Modality(Entry):
    id: Id
    name: str
    snomed: str | None = None
    synonyms: list[str] = []
    seeds: list[Id] = []
    description: str
    client_text: str | None = None
    techniques: Annotated[list[Id], Field(min_length=1)]
    core_techniques: Annotated[list[Id], Field(min_length=1)]
    pressure: PressureRange
    suits: Suits
    cautions: str
    evidence: str
    claims: list[Id] = []
    sources: SourceIds


class Technique(Entry):
    id: Id
    name: str
    synonyms: list[str] = []
    seeds: list[Id] = []
    description: str
    pressure: PressureRange
    use: str
    cautions: str = ""
    sources: SourceIds


class Region(Entry):
    id: Id
    name: str
    side: Literal["left", "right", "midline"]
    shorthand: Id | None = None
    note: str = ""


class PressureLevel(Entry):
    id: PressureName
    rank: int
    walton_levels: list[int]
    description: str
    sources: SourceIds


class Chronicity(Entry):
    id: Literal["acute", "subacute", "chronic"]
    name: str
    min_weeks: float
    below_weeks: float | None
    sources: SourceIds


class PainCause(Entry):
    id: str
    name: str
    description: str
    conditions: list[Id] = []
    sources: SourceIds


class Classification(Entry):
    chronicity: list[Chronicity]
    causes: list[PainCause]
    non_specific: str
    sources: SourceIds
    disagreements: list[Disagreement] = []


class SelfCareCaution(Entry):
    when: dict[str, Any]
    note: str
    sources: SourceIds


class SelfCare(Entry):
    """A home routine. ``pressure`` runs from how gently it can be done to what it asks for at
    most (``None``: it presses nothing); ``techniques`` are the massage techniques it amounts to."""

    id: Id
    name: str
    kind: Literal["self_massage", "stretch", "activity", "comfort"]
    seeds: list[Id] = []
    regions: list[Id] = []
    pressure: PressureRange | None
    techniques: list[Id] = []
    steps: Annotated[list[str], Field(min_length=1)]
    minutes: int = Field(ge=1, le=60)
    how_often: str
    avoid: list[str] = []
    stop_if: str
    exclude_when: dict[str, Any] | None = None
    exclude_why: str = ""
    cautions: list[SelfCareCaution] = []
    positions: list[BodyPosition] = []
    sources: SourceIds


class Claim(Entry):
    id: Id
    text: str
    kind: Literal[
        "benefit",
        "mechanism",
        "frequency",
        "safety",
        "epidemiology",
        "definition",
        "guideline",
        "technique",
        "cause",
    ]
    seeds: Annotated[list[Id], Field(min_length=1)]
    grade: Grade
    myth: bool = False
    verdict: str
    sources: SourceIds


class Step(Entry):
    id: Id
    order: int
    name: str
    description: str
    backcare: str
    seeds: list[Id] = []
    sources: SourceIds


class CoverageItem(Entry):
    seed: Id
    item: str
    covered_by: Annotated[list[str], Field(min_length=1)]


class Schedule(Entry):
    chronicity: Literal["acute", "subacute", "chronic", "none"]
    sessions_per_week: float = Field(gt=0, le=7)
    total_sessions: int = Field(ge=1, le=52)
    reassess_after_sessions: int = Field(ge=1, le=52)
    why: str
    sources: SourceIds
    basis: Literal["source", "inference"] = "source"


class PainGoal(Entry):
    min_points: int = Field(ge=1, le=10)
    min_percent: int = Field(ge=1, le=100)
    why: str
    sources: SourceIds


class ReviewTrigger(Entry):
    id: Id
    text: str
    action: DecisionName
    sources: SourceIds


class PlanPolicy(Entry):
    standard_session: Outcome
    session_minutes: int = Field(ge=15, le=180)
    session_minutes_why: str
    session_minutes_sources: SourceIds
    short_session_note: str
    schedules: list[Schedule]
    pain_goal: PainGoal
    function_goal: str
    function_goal_sources: SourceIds
    active_care_note: str
    active_care_sources: SourceIds
    review_triggers: list[ReviewTrigger]
    frequency_preference_note: str
    disagreements: list[Disagreement] = []


class ScoringWeights(Entry):
    """How modalities are ranked; a documented policy, not a clinical fact."""

    cause: int
    chronicity: int
    condition: int
    experience: int
    occupation: int
    preferred_modality: int
    preferred_pressure: int
    gentle_when_intense: int
    intense_pain_from: int = Field(ge=0, le=10)
    note: str
    sources: SourceIds


class StatusDefaults(Entry):
    controlled: str
    history: str
    suspected: str


class PublicCheck(Entry):
    """What the public check shows. The ``client_text`` of a rule, an outcome or a medication
    class is the same finding told to the client: plain words, second person, what to do."""

    conditions: list[Id]
    urgent_signs: str
    urgent_sources: SourceIds
    not_this: str
    decisions: dict[DecisionName, str]
    unrecognised_medications: str
    unrecognised_conditions: str


class Meta(Entry):
    version: str
    released: str
    description: str
    policy: str
    status_defaults: StatusDefaults
    decisions: dict[DecisionName, str]
    public_check: PublicCheck


class Positioning(Entry):
    """How the client lies or sits. An entry that is a ``position`` says which regions can be
    worked in it (``reaches``) and whether the sides are worked one at a time; ``rules_out``
    names the body positions it excludes, in the session and in the home routines."""

    id: Id
    name: str
    description: str
    position: BodyPosition | None = None
    reaches: list[Id] = []
    one_side_at_a_time: bool = False
    lies_first_on: Literal["left", "right"] = "left"
    rules_out: list[BodyPosition] = []
    cue: str = ""
    sources: SourceIds


class ProtocolStep(Entry):
    """One part of a session outline: a technique over regions, for a share of the time."""

    technique: Id
    regions: Annotated[list[Id], Field(min_length=1)]
    share: float = Field(gt=0, le=1)
    cue: str
    focus: bool = False


class Protocol(Entry):
    """How a modality's session runs: an opening, a body of steps, a closing."""

    modality: Id
    opening: ProtocolStep
    body: Annotated[list[ProtocolStep], Field(min_length=1)]
    closing: ProtocolStep
    note: str = ""
    sources: SourceIds

    @property
    def id(self) -> str:
        return self.modality

    @property
    def name(self) -> str:
        return f"Session outline: {self.modality.replace('_', ' ')}"

"""Stored records. Every record belongs to a clinic; services query through the clinic.

Intakes and assessments are immutable once saved: a correction is a new intake version.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone

from backcare.errors import ImmutableRecord


class Clinic(models.Model):
    """A clinic; its details (set by a clinic admin) head the handouts its therapists print."""

    name = models.CharField(max_length=200)
    address = models.TextField(blank=True)
    phone = models.CharField(max_length=40, blank=True, help_text="The number clients call.")
    email = models.EmailField(blank=True)
    logo = models.BinaryField(blank=True, default=b"", help_text="A PNG or JPEG image.")
    logo_type = models.CharField(max_length=20, blank=True, help_text="image/png or image/jpeg")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    class Role(models.TextChoices):
        ADMIN = "admin", "Clinic admin"
        THERAPIST = "therapist", "Therapist"

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, null=True, related_name="users")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.THERAPIST)
    credentials = models.CharField(
        max_length=200, blank=True, help_text="Qualifications and licence, shown on reports."
    )

    @property
    def is_clinic_admin(self) -> bool:
        return self.role == self.Role.ADMIN


class Scoped(models.Model):
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT)

    class Meta:
        abstract = True


class Immutable(Scoped):
    """A record written once: saving it again or deleting it raises ImmutableRecord (and the
    database's triggers refuse it too, whatever asks: records/guards.py)."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and type(self)._default_manager.filter(pk=self.pk).exists():
            raise ImmutableRecord(f"{type(self).__name__} {self.pk} cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ImmutableRecord(f"{type(self).__name__} {self.pk} cannot be deleted")


class Client(Scoped):
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    date_of_birth = models.DateField(null=True, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    physician = models.CharField(max_length=200, blank=True, help_text="Name and contact")
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        # the client list in its order, a page without sorting the whole clinic; with every
        # column a search looks in, so counting a search's matches reads this index alone
        indexes = [
            models.Index(
                fields=["clinic", "last_name", "first_name", "email", "phone"],
                name="client_clinic_search",
            )
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def age_on(self, day: date) -> int | None:
        born = self.date_of_birth
        if born is None:
            return None
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class Intake(Immutable):
    class Source(models.TextChoices):
        THERAPIST = "therapist", "Therapist"
        SELF_SERVICE = "self_service", "Client (self-service link)"

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="intakes")
    version = models.PositiveIntegerField()
    data = models.JSONField(help_text="The intake of spec v1, validated and normalised.")
    source = models.CharField(max_length=20, choices=Source.choices)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    correction_of = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True)
    reason = models.CharField(max_length=300, blank=True)
    consent_name = models.CharField(
        max_length=200, blank=True, help_text="The client's typed name, consenting (self-service)."
    )
    consented_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-version"]
        indexes = [models.Index(fields=["client", "created_at"], name="intake_client_created")]
        constraints = [
            models.UniqueConstraint(fields=["client", "version"], name="one_intake_per_version")
        ]


class Assessment(Immutable):
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="assessments")
    intake = models.OneToOneField(Intake, on_delete=models.PROTECT, related_name="assessment")
    result = models.JSONField(help_text="The assessment JSON of spec v1.")
    decision = models.CharField(max_length=20)
    knowledge_version = models.CharField(max_length=20)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["client", "created_at"], name="assess_client_created")]


class Plan(Scoped):
    """The course of treatment: made from an assessment, edited by the therapist."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="plans")
    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="plans")
    active = models.BooleanField(default=True)
    modality = models.CharField(max_length=60)
    session_minutes = models.PositiveIntegerField()
    sessions_per_week = models.FloatField()
    total_sessions = models.PositiveIntegerField()
    reassess_after_sessions = models.PositiveIntegerField()
    max_pressure = models.CharField(max_length=10)
    details = models.JSONField(help_text="Avoid-lists, positioning, goals, home care, triggers.")
    pain_goal = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["clinic", "active"], name="plan_clinic_active")]


class PlanChange(Scoped):
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="changes")
    changed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(auto_now_add=True)
    field = models.CharField(max_length=60)
    old = models.JSONField(null=True)
    new = models.JSONField(null=True)
    reason = models.CharField(max_length=300)

    class Meta:
        ordering = ["-changed_at", "-pk"]


class SessionNote(Immutable):
    """One treatment session, in SOAP form, with the body chart and pain before and after.
    Written once: a correction is a dated addendum (``SessionAmendment``)."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="sessions")
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, null=True, blank=True)
    therapist = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    session_date = models.DateField()
    subjective = models.TextField(blank=True)
    objective = models.TextField(blank=True)
    analysis = models.TextField(blank=True, help_text="The A of SOAP: assessment of the session")
    next_steps = models.TextField(blank=True, help_text="The P of SOAP: plan for next time")
    techniques = models.JSONField(default=list)
    regions = models.JSONField(default=list)
    pressure = models.CharField(max_length=10)
    minutes = models.PositiveIntegerField()
    pain_before = models.PositiveSmallIntegerField(null=True, blank=True)
    pain_after = models.PositiveSmallIntegerField(null=True, blank=True)
    adverse_events = models.TextField(blank=True)
    deviation_reason = models.TextField(
        blank=True, help_text="Why regions or techniques the plan avoids were used anyway"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-session_date", "-pk"]
        indexes = [
            models.Index(fields=["clinic", "session_date"], name="session_clinic_date"),
            models.Index(fields=["plan", "session_date"], name="session_plan_date"),
        ]


class SessionAmendment(Immutable):
    """A dated addendum to a session note by its author; the note itself is never changed."""

    session = models.ForeignKey(SessionNote, on_delete=models.PROTECT, related_name="amendments")
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]


class ClientChange(Immutable):
    """One corrected client detail: the old and new value, who changed it, when and why."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="changes")
    changed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(auto_now_add=True)
    field = models.CharField(max_length=60)
    old = models.TextField(blank=True)
    new = models.TextField(blank=True)
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]


class AlertAcknowledgement(Immutable):
    """A therapist saw a dashboard alert and noted what was done. It holds for one situation
    only (``situation`` names it, e.g. the assessment); when that changes the alert returns."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=30)
    situation = models.CharField(max_length=120)
    note = models.TextField()
    acknowledged_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    acknowledged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-acknowledged_at", "-pk"]
        indexes = [models.Index(fields=["clinic", "kind", "situation"])]


def clearance_path(instance: Clearance, filename: str) -> str:
    """A new clearance document's place: its clinic's folder and a random name (see
    records/documents.py); only the extension, which the service sets from the content, is kept."""
    from django.utils import timezone

    from backcare.records.documents import stored_name

    extension = filename.rpartition(".")[2]
    return stored_name(clinic_id=instance.clinic_id, day=timezone.now(), extension=extension)


class Clearance(Scoped):
    """A physician's (or surgeon's, oncologist's, midwife's) written clearance, as received."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="clearances")
    received_from = models.CharField(max_length=200)
    received_on = models.DateField()
    note = models.TextField(blank=True)
    document = models.FileField(upload_to=clearance_path, blank=True, max_length=200)
    document_name = models.CharField(
        max_length=120, blank=True, help_text="The uploaded file's name, cleaned, to show."
    )
    document_type = models.CharField(
        max_length=40, blank=True, help_text="The media type read from the content."
    )
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_on", "-pk"]


class SelfServiceLink(Scoped):
    """A one-use link a client opens without logging in to fill their own intake.

    The token is never stored: only its hash (to look it up) and a random nonce from which,
    with the server's secret key, the clinic can show the link again while it is active.
    """

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="links")
    token_hash = models.CharField(max_length=64, unique=True)
    nonce = models.CharField(max_length=64, blank=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True, help_text="First opened")
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]


class IntakeDraft(Scoped):
    """A client's answers from a self-service link, waiting for the therapist to merge them.

    While the client goes through the steps it is ``filling``: each step's answers are kept, as
    typed, in ``progress``; sending makes it ``pending``. Only the therapist's merge makes a new
    intake version (``intake``) and its assessment.
    """

    class State(models.TextChoices):
        FILLING = "filling", "Being filled in by the client"
        PENDING = "pending", "Waiting to be merged"
        MERGED = "merged", "Merged"
        DISCARDED = "discarded", "Discarded"

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="drafts")
    link = models.OneToOneField(SelfServiceLink, on_delete=models.PROTECT, related_name="draft")
    based_on = models.ForeignKey(
        Intake, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answers = models.JSONField(help_text="The client-editable parts of the intake, as sent.")
    client_note = models.TextField(blank=True)
    progress = models.JSONField(
        default=dict, blank=True, help_text="Each step's answers as the client typed them."
    )
    unsure = models.JSONField(
        default=list, blank=True, help_text="Intake paths the client answered 'not sure'."
    )
    consent_name = models.CharField(
        max_length=200, blank=True, help_text="The client's typed name, consenting."
    )
    consented_at = models.DateTimeField(null=True, blank=True)
    preview_decision = models.CharField(
        max_length=20, blank=True, help_text="The decision if every proposed change is taken."
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.PENDING)
    accepted = models.JSONField(
        null=True, blank=True, help_text="The item keys the therapist chose to take."
    )
    take_note = models.BooleanField(default=True)
    decided_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    intake = models.OneToOneField(
        Intake, on_delete=models.PROTECT, null=True, blank=True, related_name="draft"
    )

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        indexes = [models.Index(fields=["clinic", "state"])]


class FirstSetup(models.Model):
    """The one-time setup was done: at most one row (id 1), written in the same transaction as
    the first clinic and its admin, so setups sent at the same moment make one clinic, not two."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    done_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="one_first_setup")]


class AuditEvent(models.Model):
    """Who saw or changed what of a client's record, and when. Never changed or deleted.

    Each clinic's events form a hash chain (records/chain.py): ``seq`` numbers them 1, 2, 3 ...
    and ``hash`` covers the event's content and ``prev_hash``, the hash of the event before.
    """

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, null=True)
    user = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, null=True, related_name="+")
    action = models.CharField(max_length=60)
    target = models.CharField(max_length=120, blank=True)
    detail = models.JSONField(default=dict)
    at = models.DateTimeField(default=timezone.now, help_text="Set once, as hashed; kept on copy.")
    actor = models.CharField(
        max_length=150, blank=True, help_text="The user's name when it was written; hashed."
    )
    seq = models.PositiveBigIntegerField(help_text="Its number in the clinic's chain, from 1.")
    prev_hash = models.CharField(max_length=64, help_text="The hash of the event before.")
    hash = models.CharField(max_length=64, help_text="sha256 over its content and prev_hash.")

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["clinic", "-at"])]
        constraints = [
            models.UniqueConstraint(fields=["clinic", "seq"], name="one_audit_event_per_link")
        ]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ImmutableRecord("audit events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ImmutableRecord("audit events cannot be deleted")


class Referral(Scoped):
    """A referral or prescription for massage: who sent the client, for what, and how many
    visits it authorises until when. Visits used are the client's sessions since ``referred_on``."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="referrals")
    referrer = models.CharField(max_length=200, help_text="Who referred: name and role.")
    referrer_contact = models.CharField(max_length=200, blank=True, help_text="Phone or email.")
    referred_on = models.DateField(help_text="The date of the referral.")
    diagnosis = models.CharField(max_length=300, help_text="The diagnosis, as written.")
    icd10 = models.CharField(max_length=10, blank=True, help_text="ICD-10 code, where known.")
    frequency = models.CharField(
        max_length=100, blank=True, help_text="How often, as written (e.g. twice a week)."
    )
    visits_authorised = models.PositiveIntegerField(help_text="Number of visits authorised.")
    expires_on = models.DateField(null=True, blank=True, help_text="Last day it is valid.")
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-referred_on", "-pk"]


class Measure(Immutable):
    """One outcome measure of a client on one day: a score on an instrument of the knowledge base
    (``knowledge/data/instruments.yaml``), the answers it was scored from, and when in the course
    it was taken. Pain before and after each session stays on the session note.

    ``score`` is None when the answers were too incomplete to score (``result["incomplete"]``
    says why); ``result`` holds what scoring derived besides the score (a STarT Back risk group
    and subscore, the number of items answered). Written once: a mistake is put right by a new
    measure that names it in ``correction_of``, with the reason; the first stays on record.
    """

    class Point(models.TextChoices):
        BASELINE = "baseline", "Baseline"
        SESSION = "session", "At a session"
        REASSESSMENT = "reassessment", "Reassessment"
        DISCHARGE = "discharge", "Discharge"

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="measures")
    session = models.ForeignKey(
        SessionNote, on_delete=models.PROTECT, null=True, blank=True, related_name="measures"
    )
    instrument = models.CharField(max_length=40, help_text="An instrument id of the knowledge base")
    measured_on = models.DateField()
    point = models.CharField(max_length=20, choices=Point.choices, default=Point.SESSION)
    score = models.FloatField(null=True, blank=True)
    answers = models.JSONField(default=dict, help_text="The items as entered")
    result = models.JSONField(default=dict, help_text="What scoring derived besides the score")
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    correction_of = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrected_by"
    )
    reason = models.CharField(max_length=300, blank=True, help_text="Why it was corrected")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["measured_on", "pk"]
        indexes = [
            models.Index(fields=["client", "instrument", "measured_on"]),
            models.Index(fields=["clinic", "instrument"]),
        ]


class PainLogLink(Scoped):
    """A link a client keeps to log pain and sleep between visits, without logging in.

    Like the self-service intake link, only the token's hash and a nonce are stored. Unlike it,
    the link works many times until it expires or is revoked; entries per day are limited.
    """

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="pain_log_links")
    token_hash = models.CharField(max_length=64, unique=True)
    nonce = models.CharField(max_length=64)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]


class PainLogEntry(Immutable):
    """One between-visit entry from the client's pain log link: pain today and last night's
    sleep, in the client's words."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="pain_log")
    link = models.ForeignKey(PainLogLink, on_delete=models.PROTECT, related_name="entries")
    logged_on = models.DateField()
    pain = models.PositiveSmallIntegerField(help_text="Pain today, 0 (none) to 10 (worst)")
    sleep_hours = models.FloatField(null=True, blank=True, help_text="Hours slept last night")
    sleep_disturbed = models.BooleanField(
        null=True, blank=True, help_text="Pain woke the client or kept them awake"
    )
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["logged_on", "pk"]
        indexes = [models.Index(fields=["client", "logged_on"])]


class TrustedIssuer(models.Model):
    """A CDS Hooks client (an EHR) allowed to call backcare's CDS services: its JWT ``iss``, the
    public key its tokens are checked with, and the clinic its calls and feedback belong to."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="cds_issuers")
    issuer = models.CharField(max_length=255, unique=True, help_text="The tokens' iss claim.")
    public_key = models.TextField(help_text="PEM, or a JWK or JWK Set as JSON.")
    added_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.issuer


class SeenToken(models.Model):
    """A CDS Hooks client token already used, kept until it expires, so that it is used once."""

    issuer = models.CharField(max_length=255)
    jti = models.CharField(max_length=255)
    expires_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["issuer", "jti"], name="one_use_per_token")]
        indexes = [models.Index(fields=["expires_at"])]


class ApiToken(models.Model):
    """A user's key to the REST API (records/api_tokens.py). Only the SHA-256 hash of the secret
    is kept; the short public prefix finds the row, and shows which token is which."""

    class Scope(models.TextChoices):
        READ = "read", "Read"
        WRITE = "write", "Read and write"

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What the token is for.")
    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.READ)
    prefix = models.CharField(max_length=16, unique=True, help_text="Public part, for lookup.")
    secret_hash = models.CharField(max_length=64, help_text="sha256 of the secret part.")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.prefix


class BatchJob(models.Model):
    """A register of intakes a clinic admin uploaded, screened in the background; its files
    live under the data directory (records/batch_jobs.py) until they expire."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Screening"
        DONE = "done", "Done"
        FAILED = "failed", "Could not be screened"
        EXPIRED = "expired", "Files removed"

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    folder = models.CharField(max_length=64, unique=True, help_text="Random; its files' folder.")
    source_name = models.CharField(max_length=120, help_text="The uploaded file's name, cleaned.")
    source_format = models.CharField(max_length=10)
    result_format = models.CharField(max_length=10)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    rows_total = models.PositiveIntegerField(default=0, help_text="About how many rows.")
    rows_done = models.PositiveIntegerField(default=0)
    screened = models.PositiveIntegerField(default=0)
    refused = models.PositiveIntegerField(default=0)
    summary = models.JSONField(default=dict, help_text="Decisions and the top findings' counts.")
    message = models.TextField(blank=True, help_text="Why it failed, in words.")
    heartbeat = models.DateTimeField(null=True, blank=True, help_text="Last sign of progress.")
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["clinic", "-created_at"])]

from __future__ import annotations

import datetime
from collections.abc import Collection

from django.conf import settings
from django.db import models
from django.db.models import F
from django.db.models.functions import Coalesce, Lower, Upper
from django.urls import reverse
from django.utils import timezone

from hiring_leaders.models import ContactQuerySet, HiringLeader, Requisition, validate_phone


class CandidateSource(models.TextChoices):
    REFERRAL = "referral", "Referral"
    LINKEDIN = "linkedin", "LinkedIn"
    JOB_BOARD = "job_board", "Job board"
    CAREERS_SITE = "careers_site", "Careers site"
    DATABASE = "database", "Our database"
    EVENT = "event", "Event"
    OTHER = "other", "Other"


class Stage(models.TextChoices):
    SOURCED = "sourced", "Sourced"
    CONTACTED = "contacted", "Contacted"
    SCREENED = "screened", "Screened"
    SUBMITTED = "submitted", "Submitted"
    INTERVIEWING = "interviewing", "Interviewing"
    OFFER = "offer", "Offer"
    HIRED = "hired", "Hired"


class Outcome(models.TextChoices):
    ACTIVE = "active", "Active"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"


class ActivityKind(models.TextChoices):
    CALL = "call", "Call"
    EMAIL = "email", "Email"
    MEETING = "meeting", "Meeting"
    NOTE = "note", "Note"
    MESSAGE = "message", "Message sent"
    STAGE_CHANGE = "stage_change", "Stage change"
    COMMITMENT = "commitment", "Commitment"
    PLACEMENT = "placement", "Placement"
    REQUISITION = "requisition", "Requisition update"


# "Never contacted" sorts as the longest silence: the list's last-contacted order and its index
# read a missing time as this one, so the keyset can compare plain values instead of NULLs.
NEVER_CONTACTED = datetime.datetime(1900, 1, 1, tzinfo=datetime.UTC)


def contacted_sort_key() -> Coalesce:
    """The value the candidate list sorts "last contacted" by; the keyset indexes hold it too."""
    return Coalesce("last_contacted_at", models.Value(NEVER_CONTACTED))


class Tag(models.Model):
    """A recruiter's label for candidates ("python", "relocating", "silver medallist")."""

    name = models.CharField(max_length=50)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="tag_name_ci_unique")]

    def __str__(self):
        return self.name


class Candidate(models.Model):
    """A person a recruiter is in touch with about one or more roles."""

    Source = CandidateSource

    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True, validators=[validate_phone])
    # Digits only, so "+1 (555) 010-2000" and "15550102000" are recognised as the same phone.
    phone_digits = models.CharField(max_length=40, blank=True, editable=False)
    headline = models.CharField(max_length=200, blank=True)
    location = models.CharField(max_length=200, blank=True)
    time_zone = models.CharField(max_length=64, blank=True)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.OTHER)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="candidates"
    )
    opted_out_at = models.DateTimeField(null=True, blank=True)
    last_contacted_at = models.DateTimeField(null=True, blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="candidates")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name", "pk"]
        indexes = [
            models.Index(fields=["owner", "last_contacted_at"], name="candidate_owner_contacted"),
            models.Index(fields=["last_contacted_at"], name="candidate_last_contacted"),
            # One index per sort of the candidate list, with the id as the last key, so a page
            # is a range scan that starts where the previous one ended (keyset pagination):
            # never a count, never an OFFSET, however many candidates there are.
            # The name index also holds what a search reads (candidates/search.py): the email
            # and headline, so a walk of it never visits the table, and each column
            # upper-cased, the form the search compares, so the walk compares stored values
            # rather than upper-casing four columns of every entry it passes. PostgreSQL reads
            # `UPPER(first_name::text) LIKE 'MAR%'` from the index's own column in an
            # index-only scan. "mar" passes 11,000 entries before its first page is full:
            # 32 ms with the table visited, 22 ms index-only, 4 ms with the stored upper-case
            # values, at 1,000,000 candidates (the index is 206 MB where it was 75).
            models.Index(
                F("last_name"),
                F("first_name"),
                F("id"),
                Upper("first_name"),
                Upper("last_name"),
                Upper("email"),
                Upper("headline"),
                name="candidate_name_keyset",
                include=["email", "headline"],
            ),
            # The opted-out few (3 in 100) in name order: their list and its count read a
            # small index instead of walking the name index past 33 others for each.
            models.Index(
                fields=["last_name", "first_name", "id"],
                name="candidate_opted_out_name",
                condition=models.Q(opted_out_at__isnull=False),
            ),
            models.Index(fields=["created_at", "id"], name="candidate_added_keyset"),
            models.Index(contacted_sort_key(), "id", name="candidate_silence_keyset"),
            # The same three within one owner, for "mine".
            models.Index(
                fields=["owner", "last_name", "first_name", "id"], name="candidate_owner_name"
            ),
            models.Index(fields=["owner", "created_at", "id"], name="candidate_owner_added"),
            models.Index("owner", contacted_sort_key(), "id", name="candidate_owner_silence"),
            models.Index(
                fields=["phone_digits"],
                name="candidate_phone_digits",
                condition=~models.Q(phone_digits=""),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="candidate_email_ci_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(source__in=CandidateSource.values),
                name="candidate_source_valid",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("candidates:candidate_detail", args=[self.pk])

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def opted_out(self) -> bool:
        return self.opted_out_at is not None


class Application(models.Model):
    """A candidate in one requisition's pipeline."""

    Stage = Stage

    Outcome = Outcome

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="applications")
    requisition = models.ForeignKey(
        Requisition, on_delete=models.CASCADE, related_name="applications"
    )
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.SOURCED)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.ACTIVE)
    close_reason = models.TextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Set when the application reaches "hired"; only reopening clears it, so a hire can never
    # silently slide back down the pipeline.
    hired_at = models.DateTimeField(null=True, blank=True)
    stage_changed_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now)
    # The candidate's name as the candidate list sorts by it, kept here so that one pipeline
    # or one stage lists in name order from an index of applications: a requisition's 2,000
    # candidates lie scattered through a million names, and walking the candidates' name index
    # to gather them read 29,000 entries. Written with the application and on every rename
    # (candidates/services.py: application_names_follow).
    candidate_last_name = models.CharField(max_length=100, editable=False)
    candidate_first_name = models.CharField(max_length=100, editable=False)

    class Meta:
        ordering = ["-stage_changed_at"]
        indexes = [
            models.Index(
                fields=["requisition", "stage"],
                name="application_pipeline",
                condition=models.Q(outcome="active"),
            ),
            models.Index(fields=["candidate", "outcome"], name="application_candidate"),
            # The candidate list's "at stage X" filter across all requisitions.
            models.Index(
                fields=["stage", "candidate"],
                name="application_stage_candidate",
                condition=models.Q(outcome="active"),
            ),
            # The candidate list filtered to one pipeline or one stage, in name order (the
            # candidate list's name sort: last name, first name, id), each page a range of it.
            models.Index(
                fields=["requisition", "candidate_last_name", "candidate_first_name", "candidate"],
                name="application_pipeline_names",
                condition=models.Q(outcome="active"),
            ),
            models.Index(
                fields=["stage", "candidate_last_name", "candidate_first_name", "candidate"],
                name="application_stage_names",
                condition=models.Q(outcome="active"),
            ),
            # A requisition's pipeline board: its counts by outcome and stage read from the
            # index alone, and each stage's latest cards as a short backward scan.
            models.Index(
                # The candidate last, after the unique id: carried, never sorted by.
                fields=["requisition", "outcome", "stage", "stage_changed_at", "id", "candidate"],
                name="application_board",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["candidate", "requisition"],
                condition=models.Q(outcome="active"),
                name="application_one_active_per_requisition",
            ),
            models.CheckConstraint(
                condition=models.Q(stage__in=Stage.values),
                name="application_stage_valid",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(outcome="active", closed_at__isnull=True, close_reason="")
                    | (
                        models.Q(outcome__in=["rejected", "withdrawn"], closed_at__isnull=False)
                        & ~models.Q(close_reason="")
                    )
                ),
                name="application_closed_with_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(hired_at__isnull=True) | models.Q(stage="hired"),
                name="application_hire_not_moved_back",
            ),
        ]

    def __str__(self):
        return f"{self.candidate} → {self.requisition.title} ({self.get_stage_display()})"

    @property
    def is_active(self) -> bool:
        return self.outcome == self.Outcome.ACTIVE

    @classmethod
    def stage_rank(cls, stage: str) -> int:
        return cls.Stage.values.index(stage)


class ApplicationStageChange(models.Model):
    """One step of an application's history; never edited, only appended."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="stage_changes"
    )
    from_stage = models.CharField(max_length=20, choices=Application.Stage.choices, blank=True)
    to_stage = models.CharField(max_length=20, choices=Application.Stage.choices)
    outcome = models.CharField(
        max_length=20, choices=Application.Outcome.choices, default=Application.Outcome.ACTIVE
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    changed_at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["changed_at", "pk"]
        indexes = [
            # An application's history in order; with the stages carried, a requisition's
            # effort per week (the leader's progress page) reads this index alone, not a few
            # thousand history rows scattered over the table.
            models.Index(
                fields=["application", "changed_at"],
                include=["from_stage", "to_stage", "outcome"],
                name="stage_change_app_steps",
            )
        ]

    def __str__(self):
        return f"{self.from_stage or '—'} → {self.to_stage}"


class Activity(models.Model):
    """Something that happened with a person; together they form the relationship timeline."""

    Kind = ActivityKind

    # Kinds that are a real conversation with the person, so they count as contact.
    CONTACT_KINDS = (
        ActivityKind.CALL,
        ActivityKind.EMAIL,
        ActivityKind.MEETING,
        ActivityKind.MESSAGE,
    )

    kind = models.CharField(max_length=20, choices=Kind.choices)
    candidate = models.ForeignKey(
        Candidate, on_delete=models.CASCADE, null=True, blank=True, related_name="activities"
    )
    hiring_leader = models.ForeignKey(
        HiringLeader, on_delete=models.CASCADE, null=True, blank=True, related_name="activities"
    )
    requisition = models.ForeignKey(
        Requisition, on_delete=models.CASCADE, null=True, blank=True, related_name="activities"
    )
    application = models.ForeignKey(
        Application, on_delete=models.SET_NULL, null=True, blank=True, related_name="activities"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    occurred_at = models.DateTimeField(default=timezone.now)
    summary = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    # Written for the hiring leader to read on the role's progress page (and in their digest).
    # Everything else on a timeline is the recruiters' own and never shown to a leader.
    shared_with_leader = models.BooleanField(default=False)

    class Meta:
        verbose_name_plural = "activities"
        ordering = ["-occurred_at", "-pk"]
        indexes = [
            models.Index(fields=["candidate", "-occurred_at"], name="activity_candidate_timeline"),
            models.Index(fields=["hiring_leader", "-occurred_at"], name="activity_leader_timeline"),
            models.Index(fields=["requisition", "-occurred_at"], name="activity_requisition"),
            # What happened to a role itself (not to each candidate in it): a handful of rows
            # among a big requisition's thousands.
            models.Index(
                fields=["requisition", "-occurred_at", "-id"],
                name="activity_requisition_itself",
                condition=models.Q(candidate__isnull=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(candidate__isnull=False)
                | models.Q(hiring_leader__isnull=False)
                | models.Q(requisition__isnull=False),
                name="activity_is_about_someone",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=ActivityKind.values),
                name="activity_kind_valid",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.summary}"

    @staticmethod
    def details_updated(model: type[models.Model], changed: Collection[str]) -> str:
        """The timeline's line for an edit: the fields in words ("first name, email"), in the
        order the record lists them, not as the code spells them."""
        shown = [str(f.verbose_name) for f in model._meta.concrete_fields if f.name in changed]
        return f"Details updated: {', '.join(shown)}"


class Commitment(models.Model):
    """A promise with a due date, made to a candidate or a hiring leader."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        KEPT = "kept", "Kept"

    recruiter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="commitments"
    )
    candidate = models.ForeignKey(
        Candidate, on_delete=models.CASCADE, null=True, blank=True, related_name="commitments"
    )
    hiring_leader = models.ForeignKey(
        HiringLeader, on_delete=models.CASCADE, null=True, blank=True, related_name="commitments"
    )
    requisition = models.ForeignKey(
        Requisition, on_delete=models.SET_NULL, null=True, blank=True, related_name="commitments"
    )
    description = models.CharField(max_length=300)
    due_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    kept_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_at", "pk"]
        indexes = [
            models.Index(
                fields=["recruiter", "due_at"],
                name="commitment_recruiter_due",
                condition=models.Q(status="open"),
            ),
            # Today's health line counts each recruiter's promises due in a span, kept or not
            # and kept on time or late: an index-only probe of this one (0.8 -> 0.1 ms), where
            # the open-only index above cannot see the kept ones.
            models.Index(
                fields=["recruiter", "due_at"],
                include=["status", "kept_at"],
                name="commitment_recruiter_due_all",
            ),
        ]
        constraints = [
            # A promise is made to exactly one person.
            models.CheckConstraint(
                condition=(
                    models.Q(candidate__isnull=False, hiring_leader__isnull=True)
                    | models.Q(candidate__isnull=True, hiring_leader__isnull=False)
                ),
                name="commitment_to_one_person",
            ),
            models.CheckConstraint(
                condition=models.Q(status="open", kept_at__isnull=True)
                | models.Q(status="kept", kept_at__isnull=False),
                name="commitment_kept_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.description} (due {self.due_at:%Y-%m-%d})"

    @property
    def person(self):
        return self.candidate or self.hiring_leader

    @property
    def is_late(self) -> bool:
        if self.status == self.Status.KEPT:
            return self.kept_at > self.due_at
        return timezone.now() > self.due_at


class Placement(models.Model):
    """A hire. Its start date starts the post-hire check-in cadence."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="placement"
    )
    start_date = models.DateField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    fell_through_at = models.DateTimeField(null=True, blank=True)
    fell_through_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-start_date"]
        indexes = [models.Index(fields=["start_date"], name="placement_start")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(fell_through_at__isnull=True)
                | ~models.Q(fell_through_reason=""),
                name="placement_fell_through_with_reason",
            ),
        ]

    def __str__(self):
        return f"{self.application.candidate} starts {self.start_date:%Y-%m-%d}"


class CandidateImport(models.Model):
    """A CSV of candidates a recruiter uploaded: previewed first, then written all at once.

    Its rows wait in CandidateImportRow until the recruiter confirms; the counts here are what
    the preview and the result pages show without counting those rows again.
    """

    class Status(models.TextChoices):
        CHECKING = "checking", "Checking the rows"
        PREVIEW = "preview", "Waiting for your confirmation"
        QUEUED = "queued", "Importing"
        DONE = "done", "Imported"
        FAILED = "failed", "Failed, nothing imported"

    class MatchAction(models.TextChoices):
        UPDATE = "update", "Update"
        SKIP = "skip", "Skip"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="candidate_imports"
    )
    file_name = models.CharField(max_length=255)
    # A large file's text, kept only until a worker has checked its rows.
    source = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREVIEW)
    # What happens to rows matching someone on file, unless the recruiter chose row by row.
    match_action = models.CharField(
        max_length=10, choices=MatchAction.choices, default=MatchAction.SKIP
    )
    row_count = models.PositiveIntegerField(default=0)
    new_count = models.PositiveIntegerField(default=0)
    match_count = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    # Rows written so far by a running import; written outside the import's own transaction so
    # the progress bar can read it.
    progress = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    skipped_count = models.PositiveIntegerField(default=0)
    failure = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="candidate_import_owner")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["checking", "preview", "queued", "done", "failed"]),
                name="candidate_import_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status="failed") | models.Q(failure=""),
                name="candidate_import_failure_only_when_failed",
            ),
        ]

    def __str__(self):
        return f"{self.file_name} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("imports:detail", args=[self.pk])


class CandidateImportRow(models.Model):
    """One row of an uploaded file, checked and matched, waiting for the import to be confirmed."""

    class Kind(models.TextChoices):
        NEW = "new", "New candidate"
        MATCH = "match", "Matches someone on file"
        ERROR = "error", "Has errors"

    # Rows are written 100,000 at a time: no database-level foreign keys to check on each of
    # them (Django still cascades a deleted import), and only the index the pages read.
    candidate_import = models.ForeignKey(
        CandidateImport,
        on_delete=models.CASCADE,
        related_name="rows",
        db_index=False,
        db_constraint=False,
    )
    # As a spreadsheet numbers it: the header is row 1.
    row_number = models.PositiveIntegerField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # The cleaned values to write; for a row with errors, the cells as read.
    values = models.JSONField(default=dict)
    # [[column, why], …] for a row with errors.
    errors = models.JSONField(default=list)
    # A candidate deleted since the upload leaves a dangling id here: the preview shows them as
    # no longer on file and writing the import refuses, so nothing needs to follow deletions.
    match = models.ForeignKey(
        Candidate,
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    match_reason = models.CharField(max_length=40, blank=True)
    # Blank: the import's match_action decides.
    decision = models.CharField(
        max_length=10, choices=CandidateImport.MatchAction.choices, blank=True
    )

    class Meta:
        ordering = ["row_number"]
        indexes = [
            models.Index(fields=["candidate_import", "kind", "row_number"], name="import_row_kind"),
        ]

    def __str__(self):
        return f"Row {self.row_number} ({self.get_kind_display()})"


class PassReason(models.TextChoices):
    """Why a hiring leader passes on a submitted candidate: a reason the recruiter can act on
    (source differently, brief again). Internal: the candidate never hears it in these words."""

    SKILLS = "skills", "Skills or experience do not fit"
    LEVEL = "level", "Wrong level for the role"
    SALARY = "salary", "Salary expectations out of range"
    LOCATION = "location", "Location or working pattern"
    TEAM = "team", "Not right for the team"
    STRONGER = "stronger", "Stronger candidates ahead"
    OTHER = "other", "Something else"


class LeaderFeedback(models.Model):
    """What a hiring leader said about a candidate submitted to them: advance to interview,
    pass (with a reason), or a question for the recruiter."""

    class Kind(models.TextChoices):
        ADVANCE = "advance", "Advance to interview"
        PASS = "pass", "Pass"
        QUESTION = "question", "Question"

    Reason = PassReason

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="leader_feedback"
    )
    hiring_leader = models.ForeignKey(
        HiringLeader, on_delete=models.CASCADE, related_name="feedback_given"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    reason = models.CharField(max_length=20, choices=PassReason.choices, blank=True)
    # The leader's own words: for the recruiter, never sent to the candidate.
    text = models.TextField(blank=True)
    given_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-given_at", "-pk"]
        indexes = [
            models.Index(fields=["application", "-given_at"], name="leader_feedback_application"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["advance", "pass", "question"]),
                name="leader_feedback_kind_valid",
            ),
            # A pass says why, from the list and in words; a question asks something.
            models.CheckConstraint(
                condition=~models.Q(kind="pass") | (~models.Q(reason="") & ~models.Q(text="")),
                name="leader_feedback_pass_has_reason",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="question") | ~models.Q(text=""),
                name="leader_feedback_question_has_text",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.application_id} by {self.hiring_leader_id}"


# ---------- interviews and scorecards (issue 9) ----------


class Interview(models.Model):
    """One interview of a candidate for a requisition: a round of its kit, held at a time, by
    panel members who each owe a scorecard."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="interviews"
    )
    round = models.ForeignKey(
        "hiring_leaders.KitRound",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="interviews",
    )
    starts_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_at", "pk"]
        indexes = [models.Index(fields=["application", "starts_at"], name="interview_application")]

    def __str__(self):
        return f"Interview of {self.application.candidate} at {self.starts_at:%Y-%m-%d %H:%M}"


class Scorecard(models.Model):
    """What one panel member thought of one interview, criterion by criterion. The row exists
    from the moment the interview is booked (owed, not yet submitted), so a missing scorecard is
    a row without submitted_at."""

    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="scorecards")
    interviewer = models.ForeignKey(
        "hiring_leaders.PanelMember", on_delete=models.CASCADE, related_name="scorecards"
    )
    notes = models.TextField(blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # When the interviewer (and the recruiter's queue) was reminded of a missing scorecard.
    reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["interview", "interviewer__name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["interview", "interviewer"], name="scorecard_once_per_interviewer"
            ),
        ]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(submitted_at__isnull=True, reminded_at__isnull=True),
                name="scorecard_owed",
            ),
        ]

    def __str__(self):
        return f"Scorecard by {self.interviewer} for {self.interview}"


class ScorecardRating(models.Model):
    """One criterion rated on a four-point scale with no neutral middle."""

    class Rating(models.IntegerChoices):
        STRONG_NO = 1, "Strong no"
        NO = 2, "No"
        YES = 3, "Yes"
        STRONG_YES = 4, "Strong yes"

    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="ratings")
    criterion = models.ForeignKey(
        "hiring_leaders.KitCriterion", on_delete=models.CASCADE, related_name="ratings"
    )
    rating = models.PositiveSmallIntegerField(choices=Rating.choices)
    notes = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scorecard", "criterion"], name="scorecard_rating_once_per_criterion"
            ),
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=4), name="scorecard_rating_1_to_4"
            ),
        ]

    def __str__(self):
        return f"{self.criterion}: {self.get_rating_display()}"

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from candidates.models import Application, Candidate, Commitment, Placement
from hiring_leaders.models import HiringLeader, Requisition


class Audience(models.TextChoices):
    CANDIDATE = "candidate", "Candidate"
    NEW_HIRE = "new_hire", "New hire"
    HIRING_LEADER = "hiring_leader", "Hiring leader"
    RECRUITER = "recruiter", "Owning recruiter"


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    TASK = "task", "Task in the recruiter's queue"


class Trigger(models.TextChoices):
    STAGE_ENTERED = "stage_entered", "Candidate enters a stage"
    APPLICATION_CLOSED = "application_closed", "Application rejected or withdrawn"
    REQUISITION_ON_HOLD = "requisition_on_hold", "Requisition put on hold"
    REQUISITION_REOPENED = "requisition_reopened", "Requisition reopened"
    REQUISITION_FILLED = "requisition_filled", "Requisition filled"
    REQUISITION_CANCELLED = "requisition_cancelled", "Requisition cancelled"
    PLACEMENT_STARTED = "placement_started", "Placement starts"
    REQUISITION_OPEN_WEEKLY = "requisition_open_weekly", "Requisition open (weekly)"
    CANDIDATE_UNTOUCHED = "candidate_untouched", "Candidate in a pipeline not contacted for N days"
    COMMITMENT_DUE = "commitment_due", "Commitment due"


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"


class FollowUpState(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"
    SKIPPED = "skipped", "Skipped"
    # A task the recruiter dealt with.
    DONE = "done", "Done"


class TemplateKind(models.TextChoices):
    # The same words as Channel: an email step takes an email template, a task step a task one.
    EMAIL = "email", "Email to a person"
    TASK = "task", "Task for the recruiter"


class Reader(models.TextChoices):
    """Whom an email template's words are written to. A candidate's "nothing has gone wrong with
    your application" does not read true to a hiring leader, nor a leader's "the search is past
    my estimate" to a candidate; blank is an email either could read."""

    ANYONE = "", "Anyone"
    CANDIDATES = "candidates", "Candidates and new hires"
    HIRING_LEADERS = "hiring_leaders", "Hiring leaders"


# The step audiences a template written for each reader may be sent to.
READER_AUDIENCES = {
    Reader.CANDIDATES: (Audience.CANDIDATE, Audience.NEW_HIRE),
    Reader.HIRING_LEADERS: (Audience.HIRING_LEADER,),
}


class MessageTemplate(models.Model):
    """Subject and body with named placeholders such as {{ candidate.first_name }}."""

    Kind = TemplateKind
    Reader = Reader

    name = models.CharField(max_length=200)
    # An email is written to the person who reads it; a task tells the recruiter what to do.
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.EMAIL)
    # Emails only: a task is written to the recruiter.
    written_for = models.CharField(max_length=20, choices=Reader.choices, blank=True, default="")
    # A task is its subject alone, the line the recruiter reads in their queue.
    subject = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="template_name_ci_unique"),
            models.CheckConstraint(
                condition=models.Q(kind__in=TemplateKind.values), name="template_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(written_for__in=Reader.values)
                & (models.Q(kind=TemplateKind.EMAIL) | models.Q(written_for="")),
                name="template_written_for_valid",
            ),
        ]

    def __str__(self):
        return self.name


class Cadence(models.Model):
    """What happens, and to whom, after something happens in a pipeline."""

    name = models.CharField(max_length=200)
    trigger = models.CharField(max_length=40, choices=Trigger.choices)
    enabled = models.BooleanField(default=True)
    # Only for "candidate enters a stage"; empty means every move to another stage.
    stage = models.CharField(max_length=20, choices=Application.Stage.choices, blank=True)
    # Only for "application closed"; empty means rejected or withdrawn. A candidate who withdrew
    # must not be told we are "not moving forward".
    outcome = models.CharField(
        max_length=20,
        choices=[c for c in Application.Outcome.choices if c[0] != Application.Outcome.ACTIVE],
        blank=True,
    )
    # Only for the weekly leader update.
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices, null=True, blank=True)
    # Only for "not contacted for N days".
    quiet_days = models.PositiveSmallIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(trigger__in=Trigger.values), name="cadence_trigger_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(trigger="requisition_open_weekly", weekday__isnull=False)
                | (~models.Q(trigger="requisition_open_weekly") & models.Q(weekday__isnull=True)),
                name="cadence_weekday_only_for_weekly",
            ),
            models.CheckConstraint(
                condition=models.Q(outcome="") | models.Q(trigger="application_closed"),
                name="cadence_outcome_only_for_closed",
            ),
            models.CheckConstraint(
                condition=models.Q(trigger="candidate_untouched", quiet_days__gte=1)
                | (~models.Q(trigger="candidate_untouched") & models.Q(quiet_days__isnull=True)),
                name="cadence_quiet_days_only_for_untouched",
            ),
        ]

    def __str__(self):
        return self.name


class CadenceStep(models.Model):
    """One touch of a cadence: when (offset and local send time), to whom, how, and what."""

    cadence = models.ForeignKey(Cadence, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(default=0)
    offset_days = models.PositiveSmallIntegerField(default=0)
    # Local time of day in the recipient's time zone, on a business day. Empty: right away.
    send_time = models.TimeField(null=True, blank=True)
    audience = models.CharField(max_length=20, choices=Audience.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    template = models.ForeignKey(MessageTemplate, on_delete=models.PROTECT, related_name="steps")
    # When the recipient has opted out of email, put a task in the recruiter's queue instead.
    task_if_opted_out = models.BooleanField(default=False)

    class Meta:
        ordering = ["cadence", "position", "offset_days", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(audience__in=Audience.values), name="step_audience_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(channel__in=Channel.values), name="step_channel_valid"
            ),
            # Recruiters get tasks, not emails about their own work.
            models.CheckConstraint(
                condition=~models.Q(audience="recruiter", channel="email"),
                name="step_recruiter_gets_tasks",
            ),
        ]

    def __str__(self):
        when = f"day {self.offset_days}"
        if self.send_time:
            when += f" at {self.send_time:%H:%M}"
        return f"{when}: {self.get_channel_display()} to {self.get_audience_display()}"


# What Today reads of a scheduled row to file it in a section (see the indexes below).
QUEUE_COLUMNS = ["key", "audience", "candidate", "hiring_leader"]


class FollowUp(models.Model):
    """One durable scheduled touch. The database, not the broker, is the schedule."""

    State = FollowUpState

    OPEN_STATES = (State.SCHEDULED, State.SENDING)

    # The same trigger can never schedule the same step twice: this key says which trigger.
    key = models.CharField(max_length=200, unique=True)
    cadence_step = models.ForeignKey(
        CadenceStep, on_delete=models.SET_NULL, null=True, blank=True, related_name="followups"
    )
    template = models.ForeignKey(
        MessageTemplate, on_delete=models.PROTECT, null=True, blank=True, related_name="followups"
    )
    audience = models.CharField(max_length=20, choices=Audience.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    # Who it goes to (one of these), and the recruiter who owns the relationship.
    candidate = models.ForeignKey(
        Candidate, on_delete=models.CASCADE, null=True, blank=True, related_name="followups"
    )
    hiring_leader = models.ForeignKey(
        HiringLeader, on_delete=models.CASCADE, null=True, blank=True, related_name="followups"
    )
    recruiter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="followups"
    )
    # What it is about.
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, null=True, blank=True, related_name="followups"
    )
    requisition = models.ForeignKey(
        Requisition, on_delete=models.CASCADE, null=True, blank=True, related_name="followups"
    )
    placement = models.ForeignKey(
        Placement, on_delete=models.CASCADE, null=True, blank=True, related_name="followups"
    )
    commitment = models.ForeignKey(
        Commitment, on_delete=models.CASCADE, null=True, blank=True, related_name="followups"
    )
    # A task written by the system (a failure, a flag) rather than from a template.
    task_title = models.CharField(max_length=300, blank=True)
    # What was true when the trigger fired (e.g. the stage entered), for the message to say.
    facts = models.JSONField(default=dict, blank=True)

    due_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.SCHEDULED)
    attempts = models.PositiveSmallIntegerField(default=0)
    # While sending, the row belongs to one worker until this time; after it, it is reclaimed.
    lease_until = models.DateTimeField(null=True, blank=True)
    # Each claim gets a fresh token; a send task holding an older one finds it stale and stops,
    # so a reclaimed row is never sent by two workers from two queued messages.
    claim_token = models.UUIDField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_at", "pk"]
        indexes = [
            # The dispatcher's only read: due email rows. Future rows sit past the range scan's
            # end, so finding due work does not grow with the size of the schedule.
            models.Index(
                fields=["due_at"],
                name="followup_due_email",
                condition=models.Q(state="scheduled", channel="email"),
            ),
            # Due rows whose last attempt timed out, which the dispatcher sends a few at a time:
            # found without walking a backlog of other due rows.
            models.Index(
                fields=["due_at"],
                name="followup_due_timed_out",
                condition=models.Q(
                    state="scheduled", channel="email", last_error__startswith="TimeoutError:"
                ),
            ),
            models.Index(
                fields=["lease_until"],
                name="followup_sending_lease",
                condition=models.Q(state="sending"),
            ),
            # Both carry what Today reads of a row, so its sections are counted and ranked
            # from the index alone, and are probed per cadence step, so a recruiter's thousands
            # of quiet candidates are not read to find their few other rows
            # (followups/queue/selectors.py).
            models.Index(
                fields=["recruiter", "cadence_step", "due_at", "id"],
                name="followup_recruiter_tasks",
                condition=models.Q(state="scheduled", channel="task"),
                include=QUEUE_COLUMNS,
            ),
            # What a hiring leader will be sent next (Today says when their digest goes).
            models.Index(
                fields=["hiring_leader", "due_at"],
                name="followup_leader_scheduled",
                condition=models.Q(state="scheduled", channel="email", audience="hiring_leader"),
            ),
            # The queue's "bad news waiting": a recruiter's emails still to go.
            models.Index(
                fields=["recruiter", "cadence_step", "due_at", "id"],
                name="followup_recruiter_emails",
                condition=models.Q(state="scheduled", channel="email"),
                include=QUEUE_COLUMNS,
            ),
            # The outbox's pages, read by keyset on (due_at, id) in either direction: a state's
            # rows, and everything at once (what just happened, then what is coming).
            models.Index(fields=["state", "due_at", "id"], name="followup_outbox_state"),
            models.Index(fields=["due_at", "id"], name="followup_outbox_all"),
            # What a hiring leader was sent, newest first (their progress pages' timeline): a
            # short backward scan, where the leader's every follow-up was read and sorted.
            models.Index(
                fields=["hiring_leader", "-sent_at", "-id"],
                name="followup_leader_sent",
                condition=models.Q(state="sent", channel="email", audience="hiring_leader"),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=FollowUpState.values), name="followup_state_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(channel="email")
                | models.Q(candidate__isnull=False)
                | models.Q(hiring_leader__isnull=False),
                name="followup_email_has_recipient",
            ),
            models.CheckConstraint(
                condition=~models.Q(channel="email") | models.Q(template__isnull=False),
                name="followup_email_has_template",
            ),
            models.CheckConstraint(
                condition=models.Q(template__isnull=False) | ~models.Q(task_title=""),
                name="followup_says_something",
            ),
            models.CheckConstraint(
                condition=~models.Q(state="sending") | models.Q(lease_until__isnull=False),
                name="followup_sending_has_lease",
            ),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} to {self.get_audience_display()} due {self.due_at}"

    @property
    def person(self):
        """Who an email goes to: the person its audience names. A recruiter's task has none,
        though it may be about a candidate and a hiring leader at once."""
        if self.audience == Audience.HIRING_LEADER:
            return self.hiring_leader
        if self.audience in (Audience.CANDIDATE, Audience.NEW_HIRE):
            return self.candidate
        return None

    @property
    def message_id(self) -> str:
        """The same follow-up always carries the same Message-ID, so a resend is recognisable."""
        digest = hashlib.sha256(self.key.encode()).hexdigest()[:32]
        return f"<followup.{self.pk}.{digest}@{settings.MESSAGE_ID_DOMAIN}>"


class SuppressedAddress(models.Model):
    """An address that refused mail permanently; nothing more is sent to it."""

    # Stored lower-case (checked below) so the per-message lookup is a plain index hit.
    email = models.EmailField(unique=True)
    reason = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "suppressed addresses"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(email=Lower("email")), name="suppressed_email_lower_case"
            )
        ]

    def __str__(self):
        return self.email


class ConcernTheme(models.TextChoices):
    ONBOARDING = "onboarding", "Onboarding"
    ROLE_MISMATCH = "role_mismatch", "Role mismatch"
    MANAGER = "manager", "Manager"
    PAY = "pay", "Pay"
    OTHER = "other", "Other"


# The themes as (value, label) pairs for the review forms, read once: `ConcernTheme.choices`
# builds its list afresh on every read, and Today and the candidate page ask on every visit.
CONCERN_THEME_CHOICES = tuple(ConcernTheme.choices)


class SolvedProblem(models.TextChoices):
    YES = "yes", "Yes"
    PARTLY = "partly", "Partly"
    NO = "no", "No"


class CheckInResponse(models.Model):
    """The answer to a post-hire check-in, given through a signed link."""

    followup = models.OneToOneField(FollowUp, on_delete=models.CASCADE, related_name="response")
    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="checkins")
    audience = models.CharField(max_length=20, choices=Audience.choices)
    score = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True)
    is_concern = models.BooleanField(default=False)
    # The recruiter's reading of a flagged answer, tagged when they review it.
    concern_theme = models.CharField(max_length=20, choices=ConcernTheme.choices, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The 90-day leader check-in asks whether the hire solved the problem stated at intake.
    solved_problem = models.CharField(max_length=10, choices=SolvedProblem.choices, blank=True)
    # The timeline entry the answer wrote; a changed answer updates it rather than adding more.
    activity = models.OneToOneField(
        "candidates.Activity", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    LOW_SCORE = 2

    class Meta:
        ordering = ["-answered_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5), name="checkin_score_1_to_5"
            ),
        ]

    def __str__(self):
        return f"{self.score}/5 from {self.get_audience_display()}"

    @property
    def raises_flag(self) -> bool:
        return self.score <= self.LOW_SCORE or self.is_concern


class Snooze(models.Model):
    """A row of a recruiter's daily queue put aside until a later day: a promise, a quiet
    candidate, a requisition whose leader is owed an update. (A task snoozes by moving its due
    time; these are not tasks, and putting them aside must not change the promise's due date.)"""

    class Kind(models.TextChoices):
        COMMITMENT = "commitment", "Promise"
        REQUISITION = "requisition", "Requisition owing a leader update"

    recruiter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="snoozes"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    object_id = models.BigIntegerField()
    until = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["recruiter", "kind", "object_id"], name="snooze_one_per_row"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=["commitment", "requisition"]),
                name="snooze_kind_valid",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.object_id} until {self.until:%Y-%m-%d}"


class BookHealth(models.Model):
    """How a recruiter's own book stands: their candidates in open pipelines and how many heard
    from us in the last 7 days. Counted by beat every few minutes (the count reads every such
    candidate, tens of milliseconds for a big book), read by "Today" and the team view."""

    recruiter = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="book_health"
    )
    active = models.PositiveIntegerField(default=0)
    heard_from = models.PositiveIntegerField(default=0)
    counted_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "book health"

    def __str__(self):
        return f"{self.recruiter}: {self.heard_from}/{self.active} heard from"


class HoldAnswer(models.Model):
    """A hiring leader's answer to the question their digest asks every two weeks about a role
    on hold. The recruiter acts on it: a status change tells candidates, so it stays theirs."""

    class Choice(models.TextChoices):
        REOPEN = "reopen", "Reopen it"
        KEEP = "keep", "Keep it on hold"
        CANCEL = "cancel", "Cancel it"

    digest = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="hold_answers")
    requisition = models.ForeignKey(
        Requisition, on_delete=models.CASCADE, related_name="hold_answers"
    )
    hiring_leader = models.ForeignKey(
        HiringLeader, on_delete=models.CASCADE, related_name="hold_answers"
    )
    answer = models.CharField(max_length=10, choices=Choice.choices)
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-answered_at", "-pk"]
        indexes = [
            models.Index(fields=["requisition", "-answered_at"], name="hold_answer_requisition")
        ]
        constraints = [
            # Answering the same question again changes the answer.
            models.UniqueConstraint(fields=["digest", "requisition"], name="hold_answer_once"),
            models.CheckConstraint(
                condition=models.Q(answer__in=["reopen", "keep", "cancel"]),
                name="hold_answer_valid",
            ),
        ]

    def __str__(self):
        return f"{self.get_answer_display()} ({self.requisition_id})"


class DigestVisit(models.Model):
    """A hiring leader opened a requisition's progress page from the link in a digest: the
    recruiter sees that the update was read, and when."""

    digest = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="visits")
    requisition = models.ForeignKey(
        Requisition, on_delete=models.CASCADE, related_name="digest_visits"
    )
    first_seen_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["requisition", "-last_seen_at"], name="digest_visit_requisition")
        ]
        constraints = [
            models.UniqueConstraint(fields=["digest", "requisition"], name="digest_visit_once"),
        ]

    def __str__(self):
        return f"Digest {self.digest_id} seen for {self.requisition_id}"


class RecurringSweep(models.Model):
    """Where beat's walk over the candidates for one "gone quiet" cadence stopped when its run
    ran out of time, so the next run carries on from there instead of starting over. A sweep
    that reaches the last candidate deletes its row: the next run starts from the first.

    Only a shortcut: a candidate already reminded is skipped by the expansion's anti-join
    whatever this says, so a lost or stale row costs time, never a duplicate or a miss."""

    cadence = models.OneToOneField(Cadence, on_delete=models.CASCADE, related_name="sweep")
    after_candidate_id = models.BigIntegerField()
    started_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.cadence}: after candidate {self.after_candidate_id}"


# ---------- panel mail and the recruiter's reading of scorecards (issue 9) ----------


class PanelEmail(models.Model):
    """One email to an interview panel member: the kit, the scorecard link for an interview just
    booked, or a reminder of a missing scorecard.

    Panel members are often colleagues of the leader with no record of their own, so these are
    not follow-ups (which go to a candidate or a leader): the row is written in the same
    transaction as the change that owes it and sent by a task after commit; beat sends any row
    a lost broker left behind. Its `sent_at` is what the kit page shows as sent."""

    class Kind(models.TextChoices):
        KIT = "kit", "Interview kit"
        SCORECARD = "scorecard", "Scorecard link"
        SCORECARD_REMINDER = "scorecard_reminder", "Scorecard reminder"

    panel_member = models.ForeignKey(
        "hiring_leaders.PanelMember", on_delete=models.CASCADE, related_name="emails"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    scorecard = models.ForeignKey(
        "candidates.Scorecard",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="emails",
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(sent_at__isnull=True),
                name="panel_email_unsent",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="kit", scorecard__isnull=True)
                | models.Q(kind__in=["scorecard", "scorecard_reminder"], scorecard__isnull=False),
                name="panel_email_reminder_has_scorecard",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.panel_member_id}"

    @property
    def message_id(self) -> str:
        # The same Message-ID on a resend, so a duplicate after a worker's death reads as one.
        return f"<panel-email-{self.pk}@{settings.MESSAGE_ID_DOMAIN}>"


class ScorecardRead(models.Model):
    """When the recruiter first read a submitted scorecard: from then on the interviewer's link
    shows it as read instead of letting them change what the recruiter already saw."""

    scorecard = models.OneToOneField(
        "candidates.Scorecard", on_delete=models.CASCADE, related_name="read"
    )
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    read_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"Scorecard {self.scorecard_id} read at {self.read_at}"

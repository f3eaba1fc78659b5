from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse

MIN_PHONE_DIGITS = 5


def validate_phone(value: str) -> None:
    """A phone is kept as it was written ("+44 20 7946 0000", "(555) 010-2000"), but it must
    have enough digits to dial: "12" or "n/a" is a slip, and search by phone would never find
    it."""
    if value and len(re.sub(r"\D", "", value)) < MIN_PHONE_DIGITS:
        raise ValidationError(
            f"“{value}” is not a phone number: it has fewer than {MIN_PHONE_DIGITS} digits.",
            code="phone",
        )


class ContactQuerySet(models.QuerySet):
    """For people we talk to: candidates and hiring leaders."""

    def contacted(self, when) -> int:
        # Only ever move forward: logging last week's call must not hide yesterday's email.
        return self.filter(
            models.Q(last_contacted_at__isnull=True) | models.Q(last_contacted_at__lt=when)
        ).update(last_contacted_at=when)


class Company(models.Model):
    """A client organisation; an agency has many, an in-house team has one."""

    name = models.CharField(max_length=200)
    website = models.URLField(blank=True)
    time_zone = models.CharField(max_length=64, default="UTC")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "companies"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="company_name_ci_unique"),
        ]

    def __str__(self):
        return self.name


class HiringLeader(models.Model):
    """A person at a company who owns requisitions; may have a login."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="hiring_leaders")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hiring_leader",
    )
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    email = models.EmailField()
    phone = models.CharField(max_length=40, blank=True, validators=[validate_phone])
    job_title = models.CharField(max_length=200, blank=True)
    time_zone = models.CharField(max_length=64, blank=True)
    opted_out_at = models.DateTimeField(null=True, blank=True)
    last_contacted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="hiring_leader_email_ci_unique"),
        ]

    def __str__(self):
        return f"{self.name} ({self.company})"

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class RoleFamily(models.TextChoices):
    ENGINEERING = "engineering", "Engineering"
    DATA = "data", "Data and analytics"
    PRODUCT = "product", "Product"
    DESIGN = "design", "Design"
    SALES = "sales", "Sales"
    MARKETING = "marketing", "Marketing"
    CUSTOMER = "customer", "Customer success and support"
    OPERATIONS = "operations", "Operations"
    FINANCE = "finance", "Finance"
    PEOPLE = "people", "People and HR"
    OTHER = "other", "Other"


class Seniority(models.TextChoices):
    JUNIOR = "junior", "Junior"
    MID = "mid", "Mid-level"
    SENIOR = "senior", "Senior"
    LEAD = "lead", "Lead / principal"
    MANAGER = "manager", "Manager"
    EXECUTIVE = "executive", "Director and above"


class Requisition(models.Model):
    """An open role at a company, owned by one recruiter and one hiring leader."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ON_HOLD = "on_hold", "On hold"
        FILLED = "filled", "Filled"
        CANCELLED = "cancelled", "Cancelled"

    title = models.CharField(max_length=200)
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="requisitions")
    hiring_leader = models.ForeignKey(
        HiringLeader, on_delete=models.PROTECT, related_name="requisitions"
    )
    recruiter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="requisitions"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    # Why it is on hold or cancelled, in words candidates and the leader may be told.
    status_reason = models.TextField(blank=True)
    # The recruiters' own note on the same change: never sent, never shown to a leader.
    status_note = models.TextField(blank=True)
    location = models.CharField(max_length=200, blank=True)
    # What the time-to-fill forecast compares a requisition against in the agency's history.
    role_family = models.CharField(max_length=20, choices=RoleFamily.choices, blank=True)
    seniority = models.CharField(max_length=20, choices=Seniority.choices, blank=True)
    openings = models.PositiveSmallIntegerField(default=1)
    opened_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)
    target_fill_date = models.DateField(null=True, blank=True)
    intake_notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-opened_on", "title"]
        indexes = [
            models.Index(fields=["recruiter", "status"], name="requisition_recruiter_status"),
            models.Index(fields=["hiring_leader", "status"], name="requisition_leader_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["open", "on_hold", "filled", "cancelled"]),
                name="requisition_status_valid",
            ),
            # Filled and cancelled roles carry the day they closed; open and on-hold ones do not.
            models.CheckConstraint(
                condition=(
                    models.Q(status__in=["filled", "cancelled"], closed_on__isnull=False)
                    | models.Q(status__in=["open", "on_hold"], closed_on__isnull=True)
                ),
                name="requisition_closed_on_matches_status",
            ),
            models.CheckConstraint(
                condition=models.Q(closed_on__isnull=True)
                | models.Q(closed_on__gte=models.F("opened_on")),
                name="requisition_closes_after_opening",
            ),
            models.CheckConstraint(
                condition=models.Q(openings__gte=1), name="requisition_has_openings"
            ),
        ]

    def __str__(self):
        return f"{self.title} — {self.company}"

    def get_absolute_url(self):
        return reverse("hiring_leaders:requisition_detail", args=[self.pk])

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.OPEN, self.Status.ON_HOLD)


# ---------- intake, forecast and interview kit (issue 9) ----------


class Intake(models.Model):
    """What the hiring leader told us at kick-off: why the role exists and what would make the
    hire a success. One per requisition; every change after kick-off is kept as an
    IntakeVersion, so what was agreed can always be read back."""

    class WhyOpen(models.TextChoices):
        GROWTH = "growth", "Growth: a new seat"
        BACKFILL = "backfill", "Backfill: someone left"
        RESTRUCTURE = "restructure", "Restructure: the team is changing shape"

    class PayVsMarket(models.TextChoices):
        BELOW = "below", "Below market"
        AT = "at", "At market"
        ABOVE = "above", "Above market"

    requisition = models.OneToOneField(Requisition, on_delete=models.CASCADE, related_name="intake")
    why_open = models.CharField(max_length=20, choices=WhyOpen.choices, blank=True)
    team_short_of = models.TextField(blank=True, help_text="What the team is short of, and why.")
    retention_problems = models.TextField(blank=True)
    success_30_days = models.TextField(blank=True)
    success_60_days = models.TextField(blank=True)
    success_90_days = models.TextField(blank=True)
    # One criterion per line: the interview kit's criteria are generated from these lines.
    must_haves = models.TextField(blank=True)
    nice_to_haves = models.TextField(blank=True)
    compensation_min = models.PositiveIntegerField(null=True, blank=True)
    compensation_max = models.PositiveIntegerField(null=True, blank=True)
    compensation_currency = models.CharField(max_length=3, default="EUR")
    interview_panel = models.TextField(blank=True, help_text="Who interviews, one per line.")
    niche_skills = models.TextField(blank=True)
    location_difficulty = models.TextField(blank=True)
    pay_vs_market = models.CharField(max_length=10, choices=PayVsMarket.choices, blank=True)
    # Set when the kick-off conversation is over; changes after it are versioned.
    kicked_off_at = models.DateTimeField(null=True, blank=True)
    # When the leader last filled their part through their progress page.
    leader_updated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(compensation_min__isnull=True)
                | models.Q(compensation_max__isnull=True)
                | models.Q(compensation_max__gte=models.F("compensation_min")),
                name="intake_compensation_range_ordered",
            ),
        ]

    def __str__(self):
        return f"Intake for {self.requisition}"

    @staticmethod
    def lines(text: str) -> list[str]:
        return [line.strip(" -*•\t") for line in text.splitlines() if line.strip(" -*•\t")]

    @property
    def must_have_list(self) -> list[str]:
        return self.lines(self.must_haves)

    @property
    def nice_to_have_list(self) -> list[str]:
        return self.lines(self.nice_to_haves)


class IntakeVersion(models.Model):
    """One saved state of an intake after kick-off: the answers as they stood, who changed
    them (a recruiter or the leader) and when."""

    intake = models.ForeignKey(Intake, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    answers = models.JSONField()
    changed_fields = models.JSONField(default=list)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_by_leader = models.ForeignKey(
        HiringLeader, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField()

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["intake", "number"], name="intake_version_number"),
        ]

    def __str__(self):
        return f"{self.intake} v{self.number}"


class TimeToFillForecast(models.Model):
    """A time-to-fill range the recruiter gave the leader, in days from the requisition's
    opening. The first one is the promise made at intake and the one calibration judges; later
    ones are re-forecasts and are kept too."""

    requisition = models.ForeignKey(Requisition, on_delete=models.CASCADE, related_name="forecasts")
    low_days = models.PositiveIntegerField()
    high_days = models.PositiveIntegerField()
    reason = models.TextField()
    # What the app suggested from the agency's history when this was recorded (null: none).
    suggested_low_days = models.PositiveIntegerField(null=True, blank=True)
    suggested_high_days = models.PositiveIntegerField(null=True, blank=True)
    history_count = models.PositiveIntegerField(null=True, blank=True)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    made_at = models.DateTimeField()
    # When the queue's "past its forecast" prompt was answered with a reset or dismissed.
    overrun_handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["made_at", "pk"]
        indexes = [models.Index(fields=["requisition", "made_at"], name="forecast_requisition")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(low_days__gte=1), name="forecast_low_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(high_days__gte=models.F("low_days")),
                name="forecast_range_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.low_days} to {self.high_days} days for {self.requisition}"


class PanelMember(models.Model):
    """Someone who interviews for a requisition: often the hiring leader, often a colleague of
    theirs without an account. They receive the kit and fill scorecards through signed links."""

    requisition = models.ForeignKey(
        Requisition, on_delete=models.CASCADE, related_name="panel_members"
    )
    name = models.CharField(max_length=200)
    email = models.EmailField()
    # Set when the panel member is the leader (or another leader with a login), so their
    # scorecards can also be filled on the progress page.
    hiring_leader = models.ForeignKey(
        HiringLeader, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                "requisition", Lower("email"), name="panel_member_email_once_per_requisition"
            ),
        ]

    def __str__(self):
        return self.name


class InterviewKit(models.Model):
    """How a requisition's candidates are interviewed: the criteria from the intake's
    must-haves, questions per criterion and the rounds."""

    requisition = models.OneToOneField(
        Requisition, on_delete=models.CASCADE, related_name="interview_kit"
    )
    # The intake version the criteria were generated from (null: before kick-off).
    generated_from = models.ForeignKey(
        IntakeVersion, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    shared_with_leader_at = models.DateTimeField(null=True, blank=True)
    sent_to_panel_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Interview kit for {self.requisition}"


class KitCriterion(models.Model):
    kit = models.ForeignKey(InterviewKit, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=300)
    what_good_looks_like = models.TextField(blank=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return self.name


class KitQuestion(models.Model):
    criterion = models.ForeignKey(KitCriterion, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    text = models.TextField()

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return self.text


class KitRound(models.Model):
    kit = models.ForeignKey(InterviewKit, on_delete=models.CASCADE, related_name="rounds")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=200)
    minutes = models.PositiveSmallIntegerField(default=45)
    interviewers = models.ManyToManyField(PanelMember, blank=True, related_name="rounds")
    # Which criteria this round assesses (empty: all of them).
    criteria = models.ManyToManyField(KitCriterion, blank=True, related_name="rounds")

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(minutes__gte=5), name="kit_round_at_least_five_minutes"
            ),
        ]

    def __str__(self):
        return self.name

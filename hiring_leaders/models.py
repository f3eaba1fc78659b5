from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse


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
    phone = models.CharField(max_length=40, blank=True)
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

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models

# Session auth hashes worked out in this process, by (password hash, secret key).
_SESSION_AUTH_HASHES: dict[tuple[str, str], str] = {}


class User(AbstractUser):
    """Everyone who signs in: recruiters, hiring leaders (linked to a HiringLeader) and admins."""

    class Role(models.TextChoices):
        RECRUITER = "recruiter", "Recruiter"
        HIRING_LEADER = "hiring_leader", "Hiring leader"
        ADMIN = "admin", "Admin"

    role = models.CharField(max_length=20, choices=Role.choices, default=Role.RECRUITER)
    time_zone = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=["recruiter", "hiring_leader", "admin"]),
                name="user_role_valid",
            ),
        ]

    def __str__(self):
        return self.get_full_name() or self.username

    @property
    def is_recruiter(self) -> bool:
        return self.role == self.Role.RECRUITER

    @property
    def is_hiring_leader(self) -> bool:
        return self.role == self.Role.HIRING_LEADER

    @property
    def is_admin(self) -> bool:
        return self.role == self.Role.ADMIN

    @property
    def name(self) -> str:
        return str(self)

    def get_session_auth_hash(self) -> str:
        """Django's own (an HMAC of the password hash), worked out once per password hash and
        secret key: every signed-in request checks it against the session, and computing it
        cold was a twentieth of a millisecond."""
        key = (self.password, settings.SECRET_KEY)
        found = _SESSION_AUTH_HASHES.get(key)
        if found is None:
            if len(_SESSION_AUTH_HASHES) >= 1_000:
                _SESSION_AUTH_HASHES.clear()
            found = _SESSION_AUTH_HASHES[key] = super().get_session_auth_hash()
        return found


class Heartbeat(models.Model):
    """When a background process last proved it was alive (one row per process kind)."""

    class Process(models.TextChoices):
        WORKER = "worker", "Celery worker"
        BEAT = "beat", "Celery beat"

    process = models.CharField(max_length=20, choices=Process.choices, unique=True)
    last_seen_at = models.DateTimeField()
    hostname = models.CharField(max_length=255, blank=True)

    def __str__(self):
        return f"{self.get_process_display()} seen {self.last_seen_at:%Y-%m-%d %H:%M:%S}"

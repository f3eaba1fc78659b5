"""Every write that matters to candidates, their pipelines, timelines and promises.

Each function is transactional and records the Activity a recruiter would expect to see on the
timeline. Views, admin actions, tasks and commands call these; none re-implements a workflow.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, When
from django.utils import timezone

# The pipeline's services live in pipeline.py; other apps call them from here.
from candidates.feedback import leader_feedback_give as leader_feedback_give
from candidates.models import (
    Activity,
    Application,
    Candidate,
    Commitment,
    Tag,
)
from candidates.pipeline import application_close as application_close
from candidates.pipeline import application_create as application_create
from candidates.pipeline import application_move as application_move
from candidates.pipeline import application_move_undo as application_move_undo
from candidates.pipeline import application_reopen as application_reopen
from candidates.pipeline import placement_fall_through as placement_fall_through
from candidates.pipeline import placement_record as placement_record
from candidates.selectors import (
    candidate_duplicates,
    message_needs_role,
    message_problems,
    phone_digits,
)
from followups.models import MessageTemplate
from followups.services import (
    followups_on_commitment_kept,
    followups_on_commitment_made,
    followups_on_commitment_unkept,
    followups_on_contact,
    message_send,
    message_untrue,
)
from hiring_leaders.models import HiringLeader, Requisition
from recruitcrm.models import User

CANDIDATE_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "headline",
    "location",
    "time_zone",
    "source",
    "owner",
)


class DuplicateCandidate(ValidationError):
    """The candidate looks like someone already on file; the caller decides what to do.

    `same_email` means an existing candidate already has this email address: two records can
    never share one (a message would reach the person twice, an opt-out only one record), so
    that cannot be saved anyway. A same-name-and-phone match can, once the recruiter confirms.
    """

    def __init__(self, matches: list[Candidate], *, same_email: bool = False):
        self.matches = matches
        self.same_email = same_email
        names = ", ".join(f"{c.name} (#{c.pk})" for c in matches[:3])
        if same_email:
            message = f"This email address already belongs to {names}."
        else:
            message = f"This looks like a candidate already on file: {names}."
        super().__init__(message, code="duplicate")


def _refuse_duplicates(
    *, candidate: Candidate, exclude_pk: int | None, accepted: Collection[int] | None
) -> None:
    """Refuse a record that matches someone on file, unless the recruiter accepted exactly
    these matches (`accepted` holds their ids; None means any)."""
    matches = list(
        candidate_duplicates(
            email=candidate.email,
            first_name=candidate.first_name,
            last_name=candidate.last_name,
            phone=candidate.phone,
            exclude_pk=exclude_pk,
        )[:5]
    )
    email = candidate.email.lower()
    same_email = [match for match in matches if email and match.email.lower() == email]
    if same_email:
        raise DuplicateCandidate(same_email, same_email=True)
    if matches and (accepted is not None and not {m.pk for m in matches} <= set(accepted)):
        raise DuplicateCandidate(matches)


def _accepted(allow_duplicate: bool, accept_duplicates: Collection[int]) -> Collection[int] | None:
    return None if allow_duplicate else accept_duplicates


@transaction.atomic
def candidate_create(
    *,
    by: User,
    allow_duplicate: bool = False,
    accept_duplicates: Collection[int] = (),
    tags: Iterable[str] | None = None,
    **fields,
) -> Candidate:
    """Add a candidate. A likely duplicate is refused with DuplicateCandidate unless the
    recruiter accepted those very matches (`accept_duplicates`, their ids) or any
    (`allow_duplicate`); someone else's email address is always refused."""
    unknown = set(fields) - set(CANDIDATE_FIELDS)
    if unknown:
        raise TypeError(f"candidate_create() got unexpected fields: {sorted(unknown)}")
    fields.setdefault("owner", by)
    candidate = Candidate(**fields)
    candidate.email = candidate.email.strip()
    candidate.phone_digits = phone_digits(candidate.phone)
    candidate.full_clean(validate_unique=False, validate_constraints=False)
    _refuse_duplicates(
        candidate=candidate,
        exclude_pk=None,
        accepted=_accepted(allow_duplicate, accept_duplicates),
    )
    candidate.save()
    Activity.objects.create(
        kind=Activity.Kind.NOTE,
        candidate=candidate,
        actor=by,
        summary=f"Added to RecruitCRM by {by} (source: {candidate.get_source_display()})",
    )
    if tags is not None:
        _set_tags(candidate, tags, by=by, note=False)
    return candidate


@transaction.atomic
def candidate_update(
    *,
    candidate: Candidate,
    by: User,
    allow_duplicate: bool = False,
    accept_duplicates: Collection[int] = (),
    tags: Iterable[str] | None = None,
    **fields,
) -> Candidate:
    """Change a candidate's details (and, given `tags`, their tags), noting what changed."""
    unknown = set(fields) - set(CANDIDATE_FIELDS)
    if unknown:
        raise TypeError(f"candidate_update() got unexpected fields: {sorted(unknown)}")
    changed = [name for name, value in fields.items() if getattr(candidate, name) != value]
    for name in changed:
        setattr(candidate, name, fields[name])
    candidate.email = candidate.email.strip()
    candidate.phone_digits = phone_digits(candidate.phone)
    candidate.full_clean(validate_unique=False, validate_constraints=False)
    if {"email", "phone", "first_name", "last_name"} & set(changed):
        _refuse_duplicates(
            candidate=candidate,
            exclude_pk=candidate.pk,
            accepted=_accepted(allow_duplicate, accept_duplicates),
        )
    candidate.save()
    if {"first_name", "last_name"} & set(changed):
        application_names_follow(candidate=candidate)
    if changed:
        Activity.objects.create(
            kind=Activity.Kind.NOTE,
            candidate=candidate,
            actor=by,
            summary=Activity.details_updated(Candidate, changed),
        )
    if tags is not None:
        _set_tags(candidate, tags, by=by)
    return candidate


def application_names_follow(*, candidate: Candidate) -> None:
    """Copy a renamed candidate's name onto their applications, which keep it for the
    candidate list's pipeline and stage filters (Application.candidate_last_name)."""
    Application.objects.filter(candidate=candidate).update(
        candidate_last_name=candidate.last_name, candidate_first_name=candidate.first_name
    )


# ---------------------------------------------------------------------------------------------
# Tags
# ---------------------------------------------------------------------------------------------

TAG_MAX_LENGTH = Tag._meta.get_field("name").max_length
TAGS_PER_CANDIDATE = 20


def tag_names_clean(names: Iterable[str]) -> list[str]:
    """Tag names as they will be stored: trimmed, inner spaces collapsed, each once whatever
    its case, in the order given. Refuses names that are too long or too many."""
    cleaned: dict[str, str] = {}
    for raw in names:
        name = " ".join(str(raw).split())
        if not name:
            continue
        if len(name) > TAG_MAX_LENGTH:
            raise ValidationError(
                f"“{name[:20]}…” is too long for a tag (at most {TAG_MAX_LENGTH} characters)."
            )
        cleaned.setdefault(name.lower(), name)
    if len(cleaned) > TAGS_PER_CANDIDATE:
        raise ValidationError(f"A candidate can have at most {TAGS_PER_CANDIDATE} tags.")
    return list(cleaned.values())


def tag_get_or_create(*, name: str) -> Tag:
    """The tag with this name whatever its case ("Python" is "python"), made if it is new."""
    existing = Tag.objects.filter(name__iexact=name).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return Tag.objects.create(name=name)
    except IntegrityError:
        # Someone created it a moment ago.
        return Tag.objects.get(name__iexact=name)


@transaction.atomic
def candidate_set_tags(*, candidate: Candidate, names: Iterable[str], by: User) -> list[Tag]:
    """Give the candidate exactly these tags, creating new ones by name."""
    return _set_tags(candidate, names, by=by)


def _set_tags(candidate: Candidate, names: Iterable[str], *, by: User, note: bool = True):
    tags = [tag_get_or_create(name=name) for name in tag_names_clean(names)]
    before = {tag.pk: tag for tag in candidate.tags.all()}
    candidate.tags.set(tags)
    added = [tag.name for tag in tags if tag.pk not in before]
    removed = [tag.name for pk, tag in before.items() if pk not in {t.pk for t in tags}]
    changes = []
    if added:
        changes.append(f"added {', '.join(added)}")
    if removed:
        changes.append(f"removed {', '.join(sorted(removed))}")
    if changes and note:
        Activity.objects.create(
            kind=Activity.Kind.NOTE,
            candidate=candidate,
            actor=by,
            summary=f"Tags {'; '.join(changes)}",
        )
    return tags


@transaction.atomic
def activity_log(
    *,
    kind: str,
    by: User | None,
    summary: str,
    body: str = "",
    candidate: Candidate | None = None,
    hiring_leader: HiringLeader | None = None,
    requisition: Requisition | None = None,
    occurred_at: datetime | None = None,
) -> Activity:
    """Log a call, email, meeting, note or message; contact updates last-contacted."""
    if candidate is None and hiring_leader is None:
        raise ValidationError("An activity is about a candidate or a hiring leader.")
    if not summary.strip():
        raise ValidationError("Say what happened.")
    occurred_at = occurred_at or timezone.now()
    if occurred_at > timezone.now() + timedelta(minutes=5):
        raise ValidationError("An activity cannot happen in the future; make a commitment.")
    activity = Activity.objects.create(
        kind=kind,
        candidate=candidate,
        hiring_leader=hiring_leader,
        requisition=requisition,
        actor=by,
        occurred_at=occurred_at,
        summary=summary.strip(),
        body=body,
    )
    if kind in Activity.CONTACT_KINDS:
        if candidate is not None:
            Candidate.objects.filter(pk=candidate.pk).contacted(occurred_at)
            followups_on_contact(candidate=candidate)
        if hiring_leader is not None:
            HiringLeader.objects.filter(pk=hiring_leader.pk).contacted(occurred_at)
    return activity


@transaction.atomic
def commitment_make(
    *,
    recruiter: User,
    description: str,
    due_at: datetime,
    candidate: Candidate | None = None,
    hiring_leader: HiringLeader | None = None,
    requisition: Requisition | None = None,
) -> Commitment:
    """Record a promise ("I'll call you Friday") so it stays visible until it is kept."""
    if (candidate is None) == (hiring_leader is None):
        raise ValidationError("A commitment is made to one candidate or one hiring leader.")
    if not description.strip():
        raise ValidationError("Say what you promised.")
    commitment = Commitment.objects.create(
        recruiter=recruiter,
        candidate=candidate,
        hiring_leader=hiring_leader,
        requisition=requisition,
        description=description.strip(),
        due_at=due_at,
    )
    Activity.objects.create(
        kind=Activity.Kind.COMMITMENT,
        candidate=candidate,
        hiring_leader=hiring_leader,
        requisition=requisition,
        actor=recruiter,
        summary=f"Promised: {commitment.description} (by {timezone.localtime(due_at):%a %d %b})",
    )
    followups_on_commitment_made(commitment=commitment)
    return commitment


KEPT_WHEN = {False: "on time", True: "late"}


@transaction.atomic
def commitment_keep(*, commitment: Commitment, by: User) -> Commitment:
    commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
    if commitment.status == Commitment.Status.KEPT:
        return commitment
    commitment.status = Commitment.Status.KEPT
    commitment.kept_at = timezone.now()
    commitment.save(update_fields=["status", "kept_at"])
    lateness = KEPT_WHEN[commitment.is_late]
    Activity.objects.create(
        kind=Activity.Kind.COMMITMENT,
        candidate=commitment.candidate,
        hiring_leader=commitment.hiring_leader,
        requisition=commitment.requisition,
        actor=by,
        summary=f"Kept ({lateness}): {commitment.description}",
    )
    followups_on_commitment_kept(commitment=commitment)
    return commitment


# ---------------------------------------------------------------------------------------------
# Taking something back: the "Undo" after an action in the recruiter's queue
# ---------------------------------------------------------------------------------------------


def _last_contact(*, candidate: Candidate | None, hiring_leader: HiringLeader | None):
    """When we were last in touch, from what the timeline still holds."""
    activities = Activity.objects.filter(kind__in=Activity.CONTACT_KINDS)
    if candidate is not None:
        activities = activities.filter(candidate=candidate)
    else:
        activities = activities.filter(hiring_leader=hiring_leader)
    return activities.order_by("-occurred_at").values_list("occurred_at", flat=True).first()


@transaction.atomic
def activity_withdraw(*, activity: Activity, by: User) -> None:
    """Take back an activity someone logged by mistake; last-contacted goes back to what the
    timeline still shows. Only the person who logged it may, and only calls, emails, meetings
    and notes (the rest is the system's record)."""
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    if activity.actor_id != by.pk:
        raise ValidationError("Only the person who logged this can take it back.")
    if activity.kind not in (
        Activity.Kind.CALL,
        Activity.Kind.EMAIL,
        Activity.Kind.MEETING,
        Activity.Kind.NOTE,
    ):
        raise ValidationError("Only a logged call, email, meeting or note can be taken back.")
    candidate, hiring_leader = activity.candidate, activity.hiring_leader
    activity.delete()
    if candidate is not None:
        Candidate.objects.filter(pk=candidate.pk).update(
            last_contacted_at=_last_contact(candidate=candidate, hiring_leader=None)
        )
    if hiring_leader is not None:
        HiringLeader.objects.filter(pk=hiring_leader.pk).update(
            last_contacted_at=_last_contact(candidate=None, hiring_leader=hiring_leader)
        )


@transaction.atomic
def commitment_withdraw(*, commitment: Commitment, by: User) -> None:
    """Take back a promise made by mistake (not one already kept): it leaves the ledger."""
    commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
    if commitment.recruiter_id != by.pk:
        raise ValidationError("Only the recruiter who made this promise can take it back.")
    if commitment.status == Commitment.Status.KEPT:
        raise ValidationError("This promise was kept; it stays on the record.")
    followups_on_commitment_kept(commitment=commitment)
    Activity.objects.filter(
        kind=Activity.Kind.COMMITMENT,
        summary__startswith=f"Promised: {commitment.description}",
        candidate=commitment.candidate,
        hiring_leader=commitment.hiring_leader,
        actor=by,
    ).delete()
    commitment.delete()


@transaction.atomic
def commitment_unkeep(*, commitment: Commitment, by: User) -> Commitment:
    """Mark a promise open again, when "kept" was clicked by mistake (the queue's Undo): as if
    it had not been clicked. The "Kept" line leaves the timeline, where it would read as a
    promise kept and then broken, and the reminders keeping it cancelled are back."""
    commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
    if commitment.status != Commitment.Status.KEPT:
        return commitment
    Activity.objects.filter(
        kind=Activity.Kind.COMMITMENT,
        candidate=commitment.candidate,
        hiring_leader=commitment.hiring_leader,
        requisition=commitment.requisition,
        summary__in=[f"Kept ({when}): {commitment.description}" for when in KEPT_WHEN.values()],
        occurred_at__gte=commitment.kept_at,
    ).delete()
    commitment.status = Commitment.Status.OPEN
    commitment.kept_at = None
    commitment.save(update_fields=["status", "kept_at"])
    followups_on_commitment_unkept(commitment=commitment)
    return commitment


# ---------------------------------------------------------------------------------------------
# Bulk actions on a selection of the candidate list. Each is all or nothing: one transaction,
# so a failure half-way leaves no one added, noted or messaged. People the action does not fit
# are skipped, never failed, and the outcome says who and why.
# ---------------------------------------------------------------------------------------------

BULK_LIMIT = 200


@dataclass
class BulkOutcome:
    done: list[Candidate] = field(default_factory=list)
    # (candidate, why), in the words a recruiter reads: "Ann Lee opted out of email."
    skipped: list[tuple[Candidate, str]] = field(default_factory=list)


def _selection(candidates: Iterable[Candidate]) -> list[Candidate]:
    selection = list(candidates)
    if not selection:
        raise ValidationError("Select at least one candidate.")
    if len(selection) > BULK_LIMIT:
        raise ValidationError(f"Select at most {BULK_LIMIT} candidates at a time.")
    return selection


@transaction.atomic
def candidates_add_to_requisition(
    *, candidates: Iterable[Candidate], requisition: Requisition, by: User
) -> BulkOutcome:
    """Add each candidate to the requisition's pipeline at "sourced"; skip those already in it,
    and those whose application to it was closed (reopened, not added twice)."""
    selection = _selection(candidates)
    # Someone closed for the role and since added again has both: "active" sorts last, and wins.
    in_role = dict(
        Application.objects.filter(requisition=requisition, candidate__in=selection)
        .order_by("-outcome")
        .values_list("candidate_id", "outcome")
    )
    outcome = BulkOutcome()
    for candidate in selection:
        was = in_role.get(candidate.pk)
        if was == Application.Outcome.ACTIVE:
            outcome.skipped.append((candidate, f"{candidate.name} is already in this pipeline."))
            continue
        if was is not None:
            said = Application.Outcome(was).label.lower()
            outcome.skipped.append(
                (candidate, f"{candidate.name} was {said} for this role: reopen it on their page.")
            )
            continue
        application_create(candidate=candidate, requisition=requisition, by=by)
        outcome.done.append(candidate)
    return outcome


@transaction.atomic
def candidates_log_note(
    *, candidates: Iterable[Candidate], summary: str, body: str = "", by: User
) -> BulkOutcome:
    """The same note on each candidate's timeline."""
    selection = _selection(candidates)
    outcome = BulkOutcome()
    for candidate in selection:
        activity_log(
            kind=Activity.Kind.NOTE, by=by, summary=summary, body=body, candidate=candidate
        )
        outcome.done.append(candidate)
    return outcome


@transaction.atomic
def candidates_send_message(
    *,
    candidates: Iterable[Candidate],
    template: MessageTemplate,
    by: User,
    requisition: Requisition | None = None,
) -> BulkOutcome:
    """Send an email template to each candidate (about `requisition`, and their application
    in it where they have one); skip anyone email must not reach, saying why."""
    selection = _selection(candidates)
    if template.kind != MessageTemplate.Kind.EMAIL:
        raise ValidationError(f"“{template.name}” is a task for the recruiter, not an email.")
    if requisition is None and message_needs_role(template):
        raise ValidationError(f"“{template.name}” talks about a role: choose which one.")
    applications = {}
    if requisition is not None:
        # Each one's application to the role, a closed one too (what "not selected" is news
        # of), the open one first.
        closed_last = Case(When(outcome=Application.Outcome.ACTIVE, then=0), default=1)
        for application in (
            Application.objects.filter(requisition=requisition, candidate__in=selection)
            .select_related("requisition__company", "requisition__hiring_leader")
            .order_by(closed_last, "-stage_changed_at", "-pk")
        ):
            applications.setdefault(application.candidate_id, application)
    problems = message_problems(candidates=selection, template=template, requisition=requisition)
    outcome = BulkOutcome()
    for candidate in selection:
        untrue = message_untrue(
            template=template,
            to=candidate,
            requisition=requisition,
            application=applications.get(candidate.pk),
        )
        if candidate.pk in problems or untrue:
            outcome.skipped.append((candidate, problems.get(candidate.pk) or untrue))
            continue
        message_send(
            template=template,
            to=candidate,
            by=by,
            requisition=requisition,
            application=applications.get(candidate.pk),
        )
        outcome.done.append(candidate)
    return outcome

"""Interview kits: generated from the intake's must-haves, then edited by the recruiter, shared
with the leader and sent to the panel.

Every write is here. Generation is deliberately plain: the criteria are the leader's own words
from the intake, the starting "what good looks like" and questions come from a few behavioural
patterns (ask for a real example, ask for a failure), and the recruiter is expected to sharpen
them. Regenerating after the intake changed keeps the recruiter's edits to every criterion whose
name is still a must-have.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from hiring_leaders.models import (
    Intake,
    IntakeVersion,
    InterviewKit,
    KitCriterion,
    KitQuestion,
    KitRound,
    PanelMember,
    Requisition,
)
from recruitcrm.models import User

# Behavioural questions ask for something that happened, not for an opinion of oneself. Each
# criterion gets two, in turn from this list, so a kit of five criteria does not ask the same
# sentence five times.
QUESTION_PATTERNS = (
    "Tell me about a recent piece of work where this mattered: “{c}”. What was the situation, "
    "what did you do yourself, and how did it turn out?",
    "Describe a time you fell short on “{c}”, or saw it go wrong. What happened, and what did "
    "you change afterwards?",
    "Walk me through the hardest example you have of “{c}”. What made it hard, and what would "
    "you do differently today?",
    "Who would you ask to vouch for you on “{c}”, and what would they say you did?",
    "Tell me about a time you had to learn or improve “{c}” quickly. How did you go about it?",
    "Give me an example of “{c}” where you disagreed with someone. How did you settle it?",
)

GOOD_LOOKS_LIKE = (
    "A specific, recent example of “{c}” from their own work: what they did themselves (not "
    "“we”), the result in numbers or consequences, and what they would do differently. Vague "
    "answers, or only what the team did, count against."
)

ROUNDS = (
    # (name, minutes, who): the shape most of our clients' processes have.
    ("Recruiter screen", 30, "recruiter"),
    ("Hiring leader interview", 45, "leader"),
    ("Panel / technical interview", 60, "panel"),
)

_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(\.[\w-]+)+")


@dataclass
class KitChanges:
    """What a (re)generation did, said to the recruiter after it."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    # No longer a must-have, but interviewers already rated it: kept so no rating is lost.
    kept_rated: list[str] = field(default_factory=list)
    panel_added: list[str] = field(default_factory=list)
    # Lines of the intake's panel without an email address: cannot receive the kit yet.
    panel_without_email: list[str] = field(default_factory=list)
    created: bool = False

    def message(self) -> str:
        if self.created:
            parts = [f"Generated the kit: {len(self.added)} criteria from the intake's must-haves."]
        elif not (self.added or self.removed or self.kept_rated):
            parts = ["Regenerated: the must-haves have not changed; your edits are as they were."]
        else:
            parts = ["Regenerated from the intake."]
            if self.added:
                parts.append("Added: " + "; ".join(self.added) + ".")
            if self.removed:
                parts.append("Removed (no longer a must-have): " + "; ".join(self.removed) + ".")
            if self.kept:
                parts.append(f"Kept your edits to {len(self.kept)} unchanged criteria.")
        if self.kept_rated:
            parts.append(
                "Kept, although no longer a must-have, because scorecards rate them: "
                + "; ".join(self.kept_rated)
                + "."
            )
        if self.panel_added:
            parts.append("Panel from the intake: " + ", ".join(self.panel_added) + ".")
        if self.panel_without_email:
            parts.append(
                "No email address in the intake for "
                + ", ".join(self.panel_without_email)
                + ": add them to the panel below."
            )
        return " ".join(parts)


def suggested_questions(name: str, index: int) -> list[str]:
    first = QUESTION_PATTERNS[(2 * index) % len(QUESTION_PATTERNS)]
    second = QUESTION_PATTERNS[(2 * index + 1) % len(QUESTION_PATTERNS)]
    return [first.format(c=name), second.format(c=name)]


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _latest_version(intake: Intake | None) -> IntakeVersion | None:
    if intake is None:
        return None
    return intake.versions.order_by("-number").first()


@transaction.atomic
def interview_kit_generate(*, requisition: Requisition, by: User | None = None) -> KitChanges:
    """Create the kit from the intake, or bring an existing one up to date with it."""
    intake = Intake.objects.filter(requisition=requisition).first()
    must_haves = intake.must_have_list if intake else []
    if not must_haves:
        raise ValidationError(
            "The intake has no must-haves yet. Write them in the intake (one per line) first: "
            "the kit's criteria are made from them."
        )
    kit, created = InterviewKit.objects.select_for_update().get_or_create(requisition=requisition)
    changes = KitChanges(created=created)
    criteria = _criteria_from(kit, must_haves, changes)
    _panel_from_intake(requisition, intake, changes)
    if created:
        _rounds_for(kit, requisition, criteria)
    kit.generated_from = _latest_version(intake)
    kit.save(update_fields=["generated_from", "updated_at"])
    return changes


def _criteria_from(kit: InterviewKit, must_haves: list[str], changes: KitChanges):
    existing = {_key(c.name): c for c in kit.criteria.all()}
    wanted: list[KitCriterion] = []
    seen: set[str] = set()
    for name in must_haves:
        key = _key(name)
        if key in seen:
            continue
        seen.add(key)
        criterion = existing.pop(key, None)
        if criterion is None:
            criterion = KitCriterion.objects.create(
                kit=kit,
                position=len(wanted),
                name=name[:300],
                what_good_looks_like=GOOD_LOOKS_LIKE.format(c=name),
            )
            KitQuestion.objects.bulk_create(
                KitQuestion(criterion=criterion, position=i, text=text)
                for i, text in enumerate(suggested_questions(name, len(wanted)))
            )
            changes.added.append(name)
        else:
            changes.kept.append(criterion.name)
        wanted.append(criterion)
    for criterion in existing.values():
        if criterion.ratings.exists():
            changes.kept_rated.append(criterion.name)
            wanted.append(criterion)
        else:
            changes.removed.append(criterion.name)
            criterion.delete()
    for position, criterion in enumerate(wanted):
        criterion.position = position
    KitCriterion.objects.bulk_update(wanted, ["position"])
    return wanted


def _panel_from_intake(requisition: Requisition, intake: Intake, changes: KitChanges) -> None:
    """The leader always interviews; the intake's panel lines with an address join them."""
    leader = requisition.hiring_leader
    if not requisition.panel_members.filter(email__iexact=leader.email).exists():
        PanelMember.objects.create(
            requisition=requisition, name=leader.name, email=leader.email, hiring_leader=leader
        )
        changes.panel_added.append(leader.name)
    for line in Intake.lines(intake.interview_panel):
        found = _EMAIL.search(line)
        if not found:
            changes.panel_without_email.append(line)
            continue
        email = found.group(0)
        name = line.replace(email, "").strip(" ,;:<>()-\t") or email
        if not requisition.panel_members.filter(email__iexact=email).exists():
            PanelMember.objects.create(requisition=requisition, name=name[:200], email=email)
            changes.panel_added.append(name)


def _rounds_for(kit: InterviewKit, requisition: Requisition, criteria: list[KitCriterion]):
    panel = list(requisition.panel_members.all())
    leader_members = [m for m in panel if m.hiring_leader_id == requisition.hiring_leader_id]
    others = [m for m in panel if m.hiring_leader_id != requisition.hiring_leader_id]
    for position, (name, minutes, who) in enumerate(ROUNDS):
        kit_round = KitRound.objects.create(kit=kit, position=position, name=name, minutes=minutes)
        if who == "leader":
            kit_round.interviewers.set(leader_members)
        elif who == "panel":
            kit_round.interviewers.set(others or leader_members)
        else:
            # The screen checks the first few must-haves; the later rounds go deep on all.
            kit_round.criteria.set(criteria[: max(1, (len(criteria) + 1) // 2)])


# ---------- the recruiter's edits ----------


def _next_position(rows) -> int:
    top = rows.aggregate(top=Max("position"))["top"]
    return 0 if top is None else top + 1


def _touch(kit: InterviewKit) -> None:
    kit.save(update_fields=["updated_at"])


@transaction.atomic
def kit_criterion_save(
    *,
    kit: InterviewKit,
    name: str,
    what_good_looks_like: str,
    criterion: KitCriterion | None = None,
) -> KitCriterion:
    name = " ".join(name.split())
    clash = kit.criteria.filter(name__iexact=name)
    if criterion is not None:
        clash = clash.exclude(pk=criterion.pk)
    if clash.exists():
        raise ValidationError({"name": f"The kit already has a criterion called “{name}”."})
    if criterion is None:
        criterion = KitCriterion(kit=kit, position=_next_position(kit.criteria))
    criterion.name = name
    criterion.what_good_looks_like = what_good_looks_like.strip()
    criterion.save()
    _touch(kit)
    return criterion


@transaction.atomic
def kit_criterion_remove(*, criterion: KitCriterion) -> None:
    if criterion.ratings.exists():
        raise ValidationError(
            f"Scorecards already rate “{criterion.name}”: removing it would lose those ratings."
        )
    kit = criterion.kit
    criterion.delete()
    _touch(kit)


def _move(rows, item, direction: str) -> None:
    """Swap an item with its neighbour above or below (positions renumbered 0..n first, so
    gaps and ties left by removals never make a move do nothing)."""
    items = list(rows.select_for_update())
    for position, row in enumerate(items):
        row.position = position
    index = next(i for i, row in enumerate(items) if row.pk == item.pk)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(items):
        items[index].position, items[other].position = other, index
    type(item).objects.bulk_update(items, ["position"])


@transaction.atomic
def kit_criterion_move(*, criterion: KitCriterion, direction: str) -> None:
    _move(criterion.kit.criteria.all(), criterion, direction)


@transaction.atomic
def kit_question_save(
    *, criterion: KitCriterion, text: str, question: KitQuestion | None = None
) -> KitQuestion:
    if question is None:
        question = KitQuestion(criterion=criterion, position=_next_position(criterion.questions))
    question.text = text.strip()
    question.save()
    _touch(criterion.kit)
    return question


@transaction.atomic
def kit_question_remove(*, question: KitQuestion) -> None:
    kit = question.criterion.kit
    question.delete()
    _touch(kit)


@transaction.atomic
def kit_question_move(*, question: KitQuestion, direction: str) -> None:
    _move(question.criterion.questions.all(), question, direction)


@transaction.atomic
def kit_round_save(
    *,
    kit: InterviewKit,
    name: str,
    minutes: int,
    interviewers: list[PanelMember],
    criteria: list[KitCriterion],
    kit_round: KitRound | None = None,
) -> KitRound:
    if any(m.requisition_id != kit.requisition_id for m in interviewers) or any(
        c.kit_id != kit.pk for c in criteria
    ):
        raise ValidationError("Choose interviewers and criteria of this requisition's kit.")
    if kit_round is None:
        kit_round = KitRound(kit=kit, position=_next_position(kit.rounds))
    kit_round.name = name.strip()
    kit_round.minutes = minutes
    kit_round.save()
    kit_round.interviewers.set(interviewers)
    kit_round.criteria.set(criteria)
    _touch(kit)
    return kit_round


@transaction.atomic
def kit_round_remove(*, kit_round: KitRound) -> None:
    kit = kit_round.kit
    # Interviews already held in this round keep their scorecards (Interview.round is SET_NULL).
    kit_round.delete()
    _touch(kit)


@transaction.atomic
def panel_member_save(
    *,
    requisition: Requisition,
    name: str,
    email: str,
    is_leader: bool = False,
    member: PanelMember | None = None,
) -> PanelMember:
    clash = requisition.panel_members.filter(email__iexact=email)
    if member is not None:
        clash = clash.exclude(pk=member.pk)
    if clash.exists():
        raise ValidationError({"email": f"{email} is already on this panel."})
    if member is None:
        member = PanelMember(requisition=requisition)
    member.name = name.strip()
    member.email = email.strip()
    member.hiring_leader = requisition.hiring_leader if is_leader else None
    member.save()
    return member


@transaction.atomic
def panel_member_remove(*, member: PanelMember) -> None:
    if member.scorecards.exists():
        raise ValidationError(
            f"{member.name} has scorecards for interviews already booked: they stay on the panel."
        )
    member.delete()


@transaction.atomic
def interview_kit_share(*, kit: InterviewKit, share: bool = True) -> InterviewKit:
    kit.shared_with_leader_at = timezone.now() if share else None
    kit.save(update_fields=["shared_with_leader_at", "updated_at"])
    return kit


@transaction.atomic
def interview_kit_send_to_panel(*, kit: InterviewKit, by: User) -> list:
    """An email to each panel member with the kit and their rounds, sent after commit."""
    # Imported here: followups depends on hiring_leaders, not the other way round.
    from followups.panel_mail import panel_emails_queue

    members = list(kit.requisition.panel_members.all())
    if not members:
        raise ValidationError("The panel is empty: add the people who interview first.")
    if not kit.criteria.exists():
        raise ValidationError("The kit has no criteria yet: generate it from the intake first.")
    emails = panel_emails_queue(members=members, kind="kit", by=by)
    kit.sent_to_panel_at = timezone.now()
    kit.save(update_fields=["sent_to_panel_at", "updated_at"])
    return emails

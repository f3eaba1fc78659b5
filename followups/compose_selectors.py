"""The reads behind the message composer: who the message is for, and what it may be about."""

from __future__ import annotations

from django.db.models import Case, Exists, OuterRef, Q, QuerySet, When
from django.shortcuts import get_object_or_404

from candidates.models import Application, Candidate
from followups.models import READER_AUDIENCES, CadenceStep, MessageTemplate, Reader, Trigger
from hiring_leaders.models import HiringLeader, Requisition

# A leader's roles offered as what a message is about, most recent first.
LEADER_ROLES_SHOWN = 50
# A candidate's applications offered likewise: every active one, then the latest closed ones.
APPLICATIONS_SHOWN = 50


def candidate_and_pipelines(pk: int) -> tuple[Candidate, list[Application]]:
    """The candidate (404 if none) and their applications, active ones first, each group the
    latest move first. Closed ones too: "not selected" is news about a closed application, and
    a promise made about a role outlives its pipeline."""
    candidate = get_object_or_404(Candidate, pk=pk)
    closed_last = Case(When(outcome=Application.Outcome.ACTIVE, then=0), default=1)
    pipelines = list(
        Application.objects.filter(candidate=candidate)
        .select_related("requisition__company")
        .order_by(closed_last, "-stage_changed_at", "-pk")[:APPLICATIONS_SHOWN]
    )
    return candidate, pipelines


def leader_and_roles(pk: int) -> tuple[HiringLeader, list[Requisition]]:
    """The hiring leader (404 if none) and their roles: open ones first, then those on hold,
    then filled and cancelled ones, each group the newest first."""
    leader = get_object_or_404(HiringLeader, pk=pk)
    still_open = Case(
        When(status=Requisition.Status.OPEN, then=0),
        When(status=Requisition.Status.ON_HOLD, then=1),
        default=2,
    )
    roles = list(
        Requisition.objects.filter(hiring_leader=leader).order_by(still_open, "-opened_on", "-pk")[
            :LEADER_ROLES_SHOWN
        ]
    )
    return leader, roles


def message_about(value: str) -> tuple[Application | None, Requisition | None]:
    """(application, requisition) for the composer's "about": "a<id>", "r<id>" or ""."""
    if value.startswith("a"):
        application = Application.objects.select_related("requisition__company").get(pk=value[1:])
        return application, application.requisition
    if value.startswith("r"):
        return None, Requisition.objects.select_related("company").get(pk=value[1:])
    return None, None


# Which reader a person is.
_READERS = {"candidate": Reader.CANDIDATES, "hiring_leader": Reader.HIRING_LEADERS}


# The one trigger whose message reads true whenever it is sent: "here is where things stand".
_SENT_ANY_TIME = (Trigger.CANDIDATE_UNTOUCHED,)


def templates_to_send(*, to: str) -> QuerySet[MessageTemplate]:
    """The email templates a recruiter may send a candidate (to="candidate") or a hiring leader,
    by name: those written for people like this one, or for anyone, that no cadence sends or
    that a cadence sends to such people on no particular occasion. A cadence's own message is
    written for the moment its trigger brings (a move, a hold, a hire, a check-in with its
    link, the week's digest): sent from the composer it would tell of a moment that did not
    happen ("your profile is with …", "how is … settling in?")."""
    return MessageTemplate.objects.filter(_offered_to(_READERS[to])).order_by("name")


def offered_by_hand() -> Q:
    """Whether the composer offers a template to anyone, candidate or hiring leader: what the
    template pages say of a template no cadence sends, rather than calling it unused."""
    return _offered_to(Reader.CANDIDATES) | _offered_to(Reader.HIRING_LEADERS)


def _offered_to(reader: Reader) -> Q:
    steps = CadenceStep.objects.filter(template=OuterRef("pk"))
    occasional = steps.exclude(cadence__trigger__in=_SENT_ANY_TIME)
    to_such_people = steps.filter(audience__in=READER_AUDIENCES[reader])
    return (
        Q(kind=MessageTemplate.Kind.EMAIL, written_for__in=(Reader.ANYONE, reader))
        & ~Exists(occasional)
        & (Exists(to_such_people) | ~Exists(steps))
    )


# Shown first: the messages a recruiter most often puts off writing.
RESET_PREFIX = "Expectation reset:"


def template_menu(templates: list[MessageTemplate]) -> list[tuple[str, list[tuple[int, str]]]]:
    """The choices of a message menu: the expectation resets first, by what they say ("Slower
    than I estimated"), then every other message by name; each group only when it has any."""
    resets = [(t.pk, _reset_label(t.name)) for t in templates if t.name.startswith(RESET_PREFIX)]
    others = [(t.pk, t.name) for t in templates if not t.name.startswith(RESET_PREFIX)]
    groups = [("Expectation resets", resets), ("Other messages", others)]
    return [group for group in groups if group[1]]


def _reset_label(name: str) -> str:
    """ "Expectation reset: slower than I estimated" as the menu lists it: "Slower than I
    estimated" (str.capitalize() would lower the "I")."""
    label = name.removeprefix(RESET_PREFIX).strip()
    return label[:1].upper() + label[1:]

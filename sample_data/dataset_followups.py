"""The follow-up engine's rows in the large data set: what its cadences would have scheduled,
sent and been answered over the data set's history, so Today and the Outbox are timed full.

Drawn alongside the people (sample_data/dataset.py calls in as it writes each application,
placement, promise and candidate), from a random stream of its own so the people stay the same
as before follow-ups existed. The keys are the ones the services write, so a service that runs
over the data set later (a check-in answer, the recurring expansion) finds these rows as its own.

What a data set of a million candidates gets (about 720,000 rows):

- a status email for an application's latest move past "sourced" in the last RECENT_DAYS (sent;
  a few failed, skipped for want of an address, or cancelled), and the "not moving forward" note
  after a rejection (sent, or still waiting when the rejection is days old: bad news waiting);
- the kind close a filled or cancelled role sends its other candidates;
- every post-hire check-in (sent, or scheduled ahead), about half of them answered
  (CheckInResponse), a low score raising a flag in the recruiter's queue;
- weekly updates to the leader of every open role: the last WEEKLY_HISTORY weeks sent, the next
  one scheduled;
- recruiter1's candidates gone quiet, each with their recruiter task and the automatic note
  ahead (other recruiters' quiet candidates are left to the recurring expansion, which
  `make bench` times on them as its first run);
- a recruiter's own tasks, tasks for failed emails, and snoozed promises and requisitions.

Due times are taken in UTC ("10:00" is 10:00 UTC): close enough for the queries' shape.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from candidates.models import Application
from followups.models import (
    Audience,
    CadenceStep,
    Channel,
    CheckInResponse,
    FollowUp,
    Snooze,
    Trigger,
)

DAY = 86_400
WEEK = 7 * DAY
# How far back application status emails reach; older ones would be there in a real system
# too, but the pages only ever read the recent end, and the data set should stay buildable.
RECENT_DAYS = 160
WEEKLY_HISTORY = 4
# The default "gone quiet" cadence: 7 days of silence, shown two days ahead (recurring.py).
QUIET_DAYS = 7
QUIET_LOOKAHEAD = 2 * DAY
FLAG_DAYS = 21  # a low check-in score answered this recently is still an open flag
ERRORS = (
    "550 5.1.1 The email account that you tried to reach does not exist",
    "552 5.2.2 Mailbox full",
    "421 4.7.0 Try again later, closing connection",
    "timed out after 15 s waiting for the server's reply to RCPT",
)
COMMENTS = (
    "",
    "",
    "Settling in well, the team is great.",
    "Onboarding was a bit rushed.",
    "Not what was described in the interviews.",
    "Very happy so far.",
)
STATE = FollowUp.State
FOLLOWUP_COLUMNS = (
    "id",
    "key",
    "cadence_step_id",
    "template_id",
    "audience",
    "channel",
    "candidate_id",
    "hiring_leader_id",
    "recruiter_id",
    "application_id",
    "requisition_id",
    "placement_id",
    "commitment_id",
    "task_title",
    "facts",
    "due_at",
    "state",
    "attempts",
    "lease_until",
    "claim_token",
    "last_error",
    "sent_at",
    "note",
    "created_at",
    "updated_at",
)
CHECKIN_COLUMNS = (
    "id",
    "followup_id",
    "placement_id",
    "audience",
    "score",
    "comment",
    "is_concern",
    "concern_theme",
    "reviewed_at",
    "reviewed_by_id",
    "solved_problem",
    "activity_id",
    "answered_at",
    "updated_at",
)
# Reviewed concerns, by theme: what new hires most often raise.
THEMES = ("onboarding",) * 4 + ("role_mismatch",) * 3 + ("manager",) * 2 + ("pay", "other")
SOLVED = ("yes",) * 6 + ("partly",) * 3 + ("no",)
SNOOZE_COLUMNS = ("id", "recruiter_id", "kind", "object_id", "until", "created_at")
# One slot per 5%: most answers are good.
SCORES = (5,) * 8 + (4,) * 7 + (3,) * 3 + (2,) + (1,)


@dataclass(frozen=True)
class _Step:
    id: int
    template_id: int
    audience: str
    offset_days: int
    send_at: int | None  # seconds after midnight, or None: right away


@dataclass
class AppFacts:
    """What the follow-ups of one application need to know of it."""

    id: int
    role: object  # dataset._Role
    moments: list[int]
    change_ids: list[int]
    reached: int
    outcome: str
    closes: int | None
    close_change_id: int | None


class _Steps:
    """The shipped cadences' steps, as migrations left them in this database."""

    def __init__(self):
        self.by_stage: dict[str, _Step] = {}
        self.by_trigger: dict[str, list[_Step]] = {}
        self.quiet_cadence: int | None = None
        steps = CadenceStep.objects.filter(cadence__enabled=True).select_related("cadence")
        for step in steps.order_by("cadence__pk", "position", "offset_days", "pk"):
            cadence = step.cadence
            send_at = None
            if step.send_time is not None:
                send_at = step.send_time.hour * 3600 + step.send_time.minute * 60
            found = _Step(step.pk, step.template_id, step.audience, step.offset_days, send_at)
            if cadence.trigger == Trigger.STAGE_ENTERED and cadence.stage:
                self.by_stage.setdefault(cadence.stage, found)
            elif cadence.trigger == Trigger.APPLICATION_CLOSED and cadence.outcome not in (
                "",
                Application.Outcome.REJECTED,
            ):
                continue
            else:
                self.by_trigger.setdefault(cadence.trigger, []).append(found)
            if cadence.trigger == Trigger.CANDIDATE_UNTOUCHED and cadence.quiet_days == QUIET_DAYS:
                self.quiet_cadence = cadence.pk

    def of(self, trigger: str) -> list[_Step]:
        return self.by_trigger.get(trigger, [])


class FollowUpRows:
    """Draws the follow-up engine's rows for the people `dataset._Generator` writes."""

    def __init__(self, generator, *, seed: int):
        self.g = generator
        self.rng = random.Random(seed * 7919 + 17)
        self.clock = generator.clock
        self.steps = _Steps()
        self.busy_recruiter: int | None = None
        self.open_promises: list[tuple[int, int, int]] = []  # (id, recruiter, due)

    # Helpers -------------------------------------------------------------------------------

    def _stamp(self, seconds: int | None) -> str | None:
        return None if seconds is None else self.clock.stamp(seconds)

    def _at(self, moment: int, step: _Step, *, days: int | None = None) -> int:
        """When a step anchored at `moment` is due: its offset, then its time of day."""
        due = moment + (step.offset_days if days is None else days) * DAY
        if step.send_at is None:
            return due
        at = due - due % DAY + step.send_at
        return at if at >= due else at + DAY

    def _row(self, rows, key: str, step: _Step | None, *, recruiter: int, due: int, **fields):
        """One FollowUp row; `fields` name the rest (state, candidate_id, …)."""
        now = self.clock.now
        created = fields.pop("created_at", due - (step.offset_days * DAY if step else 0))
        due = fields.pop("retry_due", due)
        state = fields.get("state") or (STATE.SENT if due <= now - 600 else STATE.SCHEDULED)
        sent = fields.get("sent_at")
        if state == STATE.SENT and sent is None:
            sent = min(due + self.rng.randint(5, 900), now - 60)
        attempts = fields.get("attempts", 1 if state in (STATE.SENT, STATE.FAILED) else 0)
        created = min(created, now)
        updated = sent if sent is not None else min(max(due, created), now)
        followup_id = self.g._id(FollowUp)
        rows[FollowUp].append(
            (
                followup_id,
                key,
                step.id if step else None,
                step.template_id if step else None,
                step.audience if step else Audience.RECRUITER,
                fields.get("channel", Channel.EMAIL if step else Channel.TASK),
                fields.get("candidate_id"),
                fields.get("hiring_leader_id"),
                recruiter,
                fields.get("application_id"),
                fields.get("requisition_id"),
                fields.get("placement_id"),
                fields.get("commitment_id"),
                fields.get("task_title", ""),
                fields.get("facts", "{}"),
                self._stamp(due),
                state,
                attempts,
                None,
                None,
                fields.get("last_error", ""),
                self._stamp(sent),
                fields.get("note", ""),
                self._stamp(created),
                self._stamp(updated),
            )
        )
        return followup_id, state

    def _email_outcome(self, reachable: bool) -> dict:
        """How an email that came due went: mostly sent."""
        if not reachable:
            return {"state": STATE.SKIPPED, "attempts": 0, "note": "No email address to send to"}
        roll = self.rng.random()
        if roll < 0.003:
            # The dispatcher is behind on these: one attempt failed, the retry is due.
            return {
                "state": STATE.SCHEDULED,
                "attempts": 1,
                "last_error": ERRORS[2],
                "retry_due": self.clock.now - self.rng.randint(60, 7200),
            }
        if roll < 0.008:
            return {"state": STATE.FAILED, "attempts": 8, "last_error": self.rng.choice(ERRORS)}
        if roll < 0.03:
            return {"state": STATE.CANCELLED, "attempts": 0, "note": "Told them in person"}
        return {}

    def _failed_task(self, rows, followup_id: int, *, recruiter: int, due: int, **about):
        """The recruiter's task for an email that failed for good (delivery.py's shape)."""
        now = self.clock.now
        open_ = due > now - 14 * DAY
        self._row(
            rows,
            f"failed:{followup_id}",
            None,
            recruiter=recruiter,
            due=due + 3600,
            state=STATE.SCHEDULED if open_ else STATE.DONE,
            task_title="An email could not be sent: reach them another way",
            **about,
        )

    # Per candidate --------------------------------------------------------------------------

    def candidate(self, rows, *, candidate_id: int, owner: int, reachable: bool, apps, contacted):
        """A candidate's status emails and closing notes; recruiter1's quiet ones; a task."""
        now = self.clock.now
        for app in apps:
            self._application(rows, candidate_id, reachable, app)
        if owner == self.busy_recruiter:
            self._quiet(rows, candidate_id, owner, reachable, apps, contacted)
        task_rate = 0.02 if owner == self.busy_recruiter else 0.004
        if self.rng.random() < task_rate:
            due = now + self.rng.randint(-4 * DAY, 3 * DAY)
            done = due < now - 2 * DAY
            self._row(
                rows,
                f"task:{self.g.tag}:c{candidate_id}",
                None,
                recruiter=owner,
                due=due,
                created_at=due - 3 * DAY,
                state=STATE.DONE if done else STATE.SCHEDULED,
                candidate_id=candidate_id,
                task_title="Call about their notice period and salary expectations",
            )

    def _application(self, rows, candidate_id: int, reachable: bool, app: AppFacts) -> None:
        now, role = self.clock.now, app.role
        about = {
            "candidate_id": candidate_id,
            "application_id": app.id,
            "requisition_id": role.id,
        }
        last = app.reached
        step = self.steps.by_stage.get(Application.Stage.values[last]) if last else None
        if step is not None and app.moments[last] > now - RECENT_DAYS * DAY:
            moment = app.moments[last]
            outcome = self._email_outcome(reachable)
            followup_id, state = self._row(
                rows,
                f"stage:{app.change_ids[last]}:step{step.id}",
                step,
                recruiter=role.recruiter,
                due=moment,
                created_at=moment,
                **about,
                **outcome,
            )
            if state == STATE.FAILED:
                self._failed_task(rows, followup_id, recruiter=role.recruiter, due=moment, **about)
        if app.closes is None or app.closes < now - RECENT_DAYS * DAY or not app.reached:
            return
        if app.outcome == Application.Outcome.REJECTED and app.close_change_id is not None:
            by_role = role.status in ("filled", "cancelled") and app.closes == role.ends
            trigger = (
                (
                    Trigger.REQUISITION_FILLED
                    if role.status == "filled"
                    else Trigger.REQUISITION_CANCELLED
                )
                if by_role
                else Trigger.APPLICATION_CLOSED
            )
            for step in self.steps.of(trigger):
                key = (
                    f"req-{role.status}:{role.id}:app{app.id}:step{step.id}"
                    if by_role
                    else f"closed:{app.close_change_id}:step{step.id}"
                )
                due = self._at(app.closes, step)
                outcome = self._email_outcome(reachable) if due <= now else {}
                self._row(
                    rows,
                    key,
                    step,
                    recruiter=role.recruiter,
                    due=due,
                    created_at=app.closes,
                    **about,
                    **outcome,
                )

    def _quiet(self, rows, candidate_id, owner, reachable, apps, contacted) -> None:
        """The recurring expansion's rows for a quiet candidate, as recurring.py keys them."""
        if self.steps.quiet_cadence is None:
            return
        now = self.clock.now
        live = [
            a
            for a in apps
            if a.outcome == Application.Outcome.ACTIVE
            and a.role.status == "open"
            and a.reached != Application.Stage.values.index(Application.Stage.HIRED)
        ]
        if not live or (contacted is None and all(a.reached == 0 for a in live)):
            return
        latest = max(live, key=lambda a: (a.moments[a.reached], a.id))
        moved = latest.moments[latest.reached]
        silent = max(contacted if contacted is not None else moved, moved)
        if silent >= now + QUIET_LOOKAHEAD - QUIET_DAYS * DAY:
            return
        reminder = (now + QUIET_LOOKAHEAD - silent) // (QUIET_DAYS * DAY)
        anchor = max(silent + reminder * QUIET_DAYS * DAY, now)
        since = self.clock.stamp(silent)
        mark = since[:4] + since[5:7] + since[8:10] + since[11:13] + since[14:16]
        base = f"untouched:{self.steps.quiet_cadence}:c{candidate_id}:{mark}:{reminder}"
        facts = f'{{"quiet_days": {(anchor - silent) // DAY}}}'
        for step in self.steps.of(Trigger.CANDIDATE_UNTOUCHED):
            if step.audience == Audience.CANDIDATE and not reachable:
                continue
            self._row(
                rows,
                f"{base}:step{step.id}",
                step,
                recruiter=owner,
                due=self._at(anchor, step),
                created_at=now,
                state=STATE.SCHEDULED,
                channel=Channel.TASK if step.audience == Audience.RECRUITER else Channel.EMAIL,
                candidate_id=candidate_id,
                application_id=latest.id,
                requisition_id=latest.role.id,
                hiring_leader_id=latest.role.leader
                if step.audience == Audience.RECRUITER
                else None,
                facts=facts,
            )

    # Placements, roles, promises -----------------------------------------------------------

    def placement(self, rows, *, placement_id, candidate_id, reachable, app: AppFacts, start):
        """The check-ins of one hire; past ones sent and about half of those answered."""
        now, role, leader_id, app_id = self.clock.now, app.role, app.role.leader, app.id
        for step in self.steps.of(Trigger.PLACEMENT_STARTED):
            to_leader = step.audience == Audience.HIRING_LEADER
            due = self._at(start, step)
            outcome = self._email_outcome(reachable or to_leader) if due <= now else {}
            followup_id, state = self._row(
                rows,
                f"placement:{placement_id}:step{step.id}",
                step,
                recruiter=role.recruiter,
                due=due,
                created_at=start,
                candidate_id=candidate_id,
                hiring_leader_id=leader_id if to_leader else None,
                application_id=app_id,
                requisition_id=role.id,
                placement_id=placement_id,
                **outcome,
            )
            if state == STATE.SENT and self.rng.random() < 0.45:
                self._answer(
                    rows, followup_id, placement_id, step, due, role, candidate_id, leader_id
                )

    def _answer(self, rows, followup_id, placement_id, step, sent, role, candidate_id, leader_id):
        now, rng = self.clock.now, self.rng
        answered = min(sent + rng.randint(600, 5 * DAY), now - 60)
        score = SCORES[rng.randrange(len(SCORES))]
        comment = COMMENTS[rng.randrange(len(COMMENTS))]
        concern = score <= 2 and rng.random() < 0.5
        flagged = score <= 2 or concern
        # A flag older than FLAG_DAYS was reviewed by the recruiter, who tagged its theme.
        reviewed = flagged and answered <= now - FLAG_DAYS * DAY
        to_leader = step.audience == Audience.HIRING_LEADER
        rows[CheckInResponse].append(
            (
                self.g._id(CheckInResponse),
                followup_id,
                placement_id,
                step.audience,
                score,
                comment,
                concern,
                THEMES[rng.randrange(len(THEMES))] if reviewed else "",
                self._stamp(answered + 2 * DAY) if reviewed else None,
                role.recruiter if reviewed else None,
                SOLVED[rng.randrange(len(SOLVED))] if to_leader and step.offset_days == 90 else "",
                None,
                self._stamp(answered),
                self._stamp(answered),
            )
        )
        if flagged:
            open_ = not reviewed
            self._row(
                rows,
                f"checkin-flag:{followup_id}",
                None,
                recruiter=role.recruiter,
                due=answered,
                created_at=answered,
                state=STATE.SCHEDULED if open_ else STATE.DONE,
                candidate_id=candidate_id,
                hiring_leader_id=leader_id if step.audience == Audience.HIRING_LEADER else None,
                requisition_id=role.id,
                placement_id=placement_id,
                task_title=f"Check-in flag: scored {score}/5"
                + (f" — “{comment}”" if comment else ""),
            )

    def open_role(self, rows, *, role, leader_id: int) -> None:
        """Weekly updates to an open role's leader: the last few sent, the next one waiting."""
        now = self.clock.now
        for step in self.steps.of(Trigger.REQUISITION_OPEN_WEEKLY):
            # Fridays: the data set's day 0 is a known date, so find the weekday from it.
            today = self.clock.day(now)
            friday = now - ((today.weekday() - 4) % 7) * DAY
            for weeks_back in range(-1, WEEKLY_HISTORY):
                day = friday - weeks_back * WEEK
                if day < role.opens + WEEK:
                    break
                due = self._at(day, step, days=0)
                year, week, _ = self.clock.day(day).isocalendar()
                self._row(
                    rows,
                    f"weekly:{role.id}:l{leader_id}:{year}-W{week:02d}:step{step.id}",
                    step,
                    recruiter=role.recruiter,
                    due=due,
                    created_at=due - WEEK,
                    hiring_leader_id=leader_id,
                    requisition_id=role.id,
                )

    def promise(self, *, commitment_id: int, recruiter: int, due: int, kept: bool) -> None:
        if not kept and due < self.clock.now:
            self.open_promises.append((commitment_id, recruiter, due))

    def snoozes(self, rows) -> None:
        """Some overdue promises put aside for a day or three."""
        now = self.clock.now
        for commitment_id, recruiter, _due in self.open_promises:
            if self.rng.random() < 0.1:
                until = now + self.rng.randint(1, 3) * DAY + 8 * 3600
                rows[Snooze].append(
                    (
                        self.g._id(Snooze),
                        recruiter,
                        "commitment",
                        commitment_id,
                        self._stamp(until),
                        self._stamp(now - 3600),
                    )
                )
        self.open_promises = []

    def snooze_roles(self, rows, busy_roles) -> None:
        """Two of recruiter1's roles whose leader is owed an update, put aside until tomorrow."""
        now = self.clock.now
        for role in busy_roles[-2:]:
            rows[Snooze].append(
                (
                    self.g._id(Snooze),
                    role.recruiter,
                    "requisition",
                    role.id,
                    self._stamp(now + DAY + 8 * 3600),
                    self._stamp(now - 7200),
                )
            )

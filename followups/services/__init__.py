"""The follow-up engine's writes, one module per responsibility:

- `triggers`: what each change in a pipeline schedules or cancels (the `followups_on_*` entry
  points the base apps' services call inside their own transaction);
- `recurring`: time-based triggers expanded by beat (weekly updates, candidates gone quiet);
- `delivery`: claim due rows, send each outside any transaction, record the outcome;
- `answers`: check-in answers and opting out;
- `reviews`: the recruiter tags a flagged check-in's concern theme, closing the flag;
- `leaders`: what hiring leaders tell us (feedback, the on-hold answer, a digest read);
- `one_off`: a message a recruiter sends from a template to one person, with an undo window;
- `outbox` and `configuration`: what admins do (retry, cancel, cadences, templates);
- `rows`, `recipients`, `recruiter_tasks`: what the others share.

Other apps import from here, never from the modules, so the engine can be rearranged freely.
No Celery ETA is ever used: scheduling writes rows, and the dispatcher sends them.
"""

from followups.services.answers import asks_whether_solved, checkin_answer, person_opt_out
from followups.services.configuration import (
    AUDIENCES_BY_TRIGGER,
    QUIET_DAYS_MOST,
    cadence_quiet_days_set,
    cadence_set_enabled,
    cadence_step_delete,
    cadence_step_problems,
    cadence_step_save,
    message_source_problems,
    message_template_problems,
    message_template_save,
)
from followups.services.delivery import (
    Claim,
    followup_deliver,
    followups_claim_due,
    followups_deliver_claimed,
    followups_due_ids,
)
from followups.services.leaders import (
    digest_visit_record,
    followups_on_leader_feedback,
    hold_answer_give,
)
from followups.services.one_off import (
    ONE_OFF_KEY,
    Promise,
    message_preview,
    message_promise,
    message_send,
    message_send_problem,
    message_unsend,
    message_untrue,
)
from followups.services.outbox import followup_cancel, followup_retry, followup_retry_refusal
from followups.services.recruiter_tasks import recruiter_task_create
from followups.services.recurring import (
    followups_schedule_recurring,
    followups_schedule_weekly_update,
)
from followups.services.reviews import ReviewBefore, checkin_review, checkin_review_restore
from followups.services.triggers import (
    PlannedTouches,
    followups_count_requisition_change,
    followups_on_application_closed,
    followups_on_commitment_kept,
    followups_on_commitment_made,
    followups_on_commitment_unkept,
    followups_on_contact,
    followups_on_imported_pipelines,
    followups_on_move_undone,
    followups_on_opt_out,
    followups_on_placement,
    followups_on_placement_fell_through,
    followups_on_requisition_change,
    followups_on_requisition_reassigned,
    followups_on_stage_change,
    followups_on_stage_changes,
    followups_plan_requisition_change,
    held_back_from_candidate,
)

__all__ = [
    "AUDIENCES_BY_TRIGGER",
    "ONE_OFF_KEY",
    "QUIET_DAYS_MOST",
    "Claim",
    "PlannedTouches",
    "Promise",
    "ReviewBefore",
    "asks_whether_solved",
    "cadence_quiet_days_set",
    "cadence_set_enabled",
    "cadence_step_delete",
    "cadence_step_problems",
    "cadence_step_save",
    "checkin_answer",
    "checkin_review",
    "checkin_review_restore",
    "digest_visit_record",
    "followup_cancel",
    "followup_deliver",
    "followup_retry",
    "followup_retry_refusal",
    "followups_claim_due",
    "followups_count_requisition_change",
    "followups_deliver_claimed",
    "followups_due_ids",
    "followups_on_application_closed",
    "followups_on_commitment_kept",
    "followups_on_commitment_made",
    "followups_on_commitment_unkept",
    "followups_on_contact",
    "followups_on_imported_pipelines",
    "followups_on_leader_feedback",
    "followups_on_move_undone",
    "followups_on_opt_out",
    "followups_on_placement",
    "followups_on_placement_fell_through",
    "followups_on_requisition_change",
    "followups_on_requisition_reassigned",
    "followups_on_stage_change",
    "followups_on_stage_changes",
    "followups_plan_requisition_change",
    "followups_schedule_recurring",
    "followups_schedule_weekly_update",
    "held_back_from_candidate",
    "hold_answer_give",
    "message_preview",
    "message_promise",
    "message_send",
    "message_send_problem",
    "message_source_problems",
    "message_template_problems",
    "message_template_save",
    "message_unsend",
    "message_untrue",
    "person_opt_out",
    "recruiter_task_create",
]

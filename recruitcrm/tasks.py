from celery import shared_task

from recruitcrm.services import heartbeat_record


@shared_task
def record_worker_heartbeat() -> None:
    heartbeat_record(process="worker")

"""Started by every Python subprocess a test launches through tests.services.clean_environ()
(its folder is put first on PYTHONPATH): moves the process's clock to the test's "now", ticking
normally, before anything else reads it. A real Celery worker then agrees with the test about
what is due."""

import os

_start = os.environ.get("RECRUITCRM_FAKE_CLOCK_START")
if _start:
    import datetime

    import time_machine

    time_machine.travel(datetime.datetime.fromisoformat(_start), tick=True).start()

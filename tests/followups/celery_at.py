"""Run `celery …` with the clock moved FAKE_CLOCK_OFFSET_DAYS ahead, ticking normally.

Lets a scheduling test travel the clock of a real worker and beat, not only its own: schedule
a placement today, start the processes "31 days later", and see the day-30 check-ins go out.
"""

import datetime
import os
import sys

import time_machine

offset = datetime.timedelta(days=float(os.environ.get("FAKE_CLOCK_OFFSET_DAYS", "0")))
time_machine.travel(datetime.datetime.now(datetime.UTC) + offset, tick=True).start()

from celery.__main__ import main  # noqa: E402 - the clock must move before Celery reads it

sys.argv[0] = "celery"
sys.exit(main())

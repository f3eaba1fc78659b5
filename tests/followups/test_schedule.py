import datetime
import random
import zoneinfo

from followups import schedule

LONDON = zoneinfo.ZoneInfo("Europe/London")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
UTC = datetime.UTC


def test_a_day_30_check_in_lands_at_ten_local_time_on_a_weekday():
    start = datetime.date(2026, 10, 1)  # a Thursday; day 30 is Saturday 31 October
    now = datetime.datetime(2026, 10, 1, 12, 0, tzinfo=UTC)
    due = schedule.step_due_at(
        anchor=start, offset_days=30, send_time=datetime.time(10), tz=NEW_YORK, now=now
    )
    assert due.astimezone(NEW_YORK) == datetime.datetime(2026, 11, 2, 10, 0, tzinfo=NEW_YORK)
    assert due.astimezone(NEW_YORK).weekday() == 0  # moved from Saturday to Monday


def test_the_same_step_lands_at_each_recipients_own_ten_oclock():
    now = datetime.datetime(2026, 11, 2, 0, 0, tzinfo=UTC)
    anchor = datetime.date(2026, 11, 2)
    tokyo = schedule.step_due_at(
        anchor=anchor, offset_days=3, send_time=datetime.time(10), tz=TOKYO, now=now
    )
    london = schedule.step_due_at(
        anchor=anchor, offset_days=3, send_time=datetime.time(10), tz=LONDON, now=now
    )
    assert tokyo.astimezone(UTC).hour == 1
    assert london.astimezone(UTC).hour == 10


def test_ten_oclock_survives_the_clocks_going_back():
    # UK clocks go back on 25 October 2026: 10:00 is UTC+1 before and UTC+0 after.
    now = datetime.datetime(2026, 10, 20, 8, 0, tzinfo=UTC)
    before = schedule.step_due_at(
        anchor=datetime.date(2026, 10, 20),
        offset_days=2,
        send_time=datetime.time(10),
        tz=LONDON,
        now=now,
    )
    after = schedule.step_due_at(
        anchor=datetime.date(2026, 10, 20),
        offset_days=7,
        send_time=datetime.time(10),
        tz=LONDON,
        now=now,
    )
    assert before.astimezone(UTC).hour == 9
    assert after.astimezone(UTC).hour == 10
    assert before.astimezone(LONDON).hour == after.astimezone(LONDON).hour == 10


def test_a_slot_already_past_today_moves_to_the_next_business_day():
    friday_afternoon = datetime.datetime(2026, 11, 6, 16, 0, tzinfo=UTC)
    due = schedule.step_due_at(
        anchor=friday_afternoon,
        offset_days=0,
        send_time=datetime.time(10),
        tz=LONDON,
        now=friday_afternoon,
    )
    assert due.astimezone(LONDON) == datetime.datetime(2026, 11, 9, 10, 0, tzinfo=LONDON)


def test_a_step_without_send_time_fires_offset_days_after_the_trigger():
    moment = datetime.datetime(2026, 11, 7, 22, 15, tzinfo=UTC)  # a Saturday night
    assert (
        schedule.step_due_at(anchor=moment, offset_days=0, send_time=None, tz=LONDON, now=moment)
        == moment
    )
    assert schedule.step_due_at(
        anchor=moment, offset_days=2, send_time=None, tz=LONDON, now=moment
    ) == moment + datetime.timedelta(days=2)


def test_next_weekday_is_always_ahead():
    thursday = datetime.datetime(2026, 11, 5, 12, 0, tzinfo=UTC)
    friday_3pm = schedule.next_weekday(weekday=4, at=datetime.time(15), tz=LONDON, now=thursday)
    assert friday_3pm == datetime.datetime(2026, 11, 6, 15, 0, tzinfo=LONDON)
    just_after = friday_3pm + datetime.timedelta(minutes=1)
    assert schedule.next_weekday(
        weekday=4, at=datetime.time(15), tz=LONDON, now=just_after
    ) == datetime.datetime(2026, 11, 13, 15, 0, tzinfo=LONDON)


def test_unknown_zone_names_fall_back_to_the_site_zone(settings):
    settings.TIME_ZONE = "Europe/London"
    assert schedule.zone("Atlantis/Lost") == LONDON
    assert schedule.zone("") == LONDON


def test_retry_delays_grow_exponentially_with_jitter_up_to_a_cap(settings):
    settings.FOLLOWUP_RETRY_BASE_SECONDS = 300
    settings.FOLLOWUP_RETRY_MAX_SECONDS = 3600
    rng = random.Random(7)
    delays = [schedule.retry_delay(attempts=n, rng=rng).total_seconds() for n in range(1, 8)]
    for attempt, delay in enumerate(delays, start=1):
        expected = min(3600, 300 * 2 ** (attempt - 1))
        assert 0.8 * expected <= delay <= 1.2 * expected
    assert max(delays) <= 3600 * 1.2

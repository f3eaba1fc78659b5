"""The parts each row of Today repeats, written without a template: escaped, and posting what
the views read."""

from __future__ import annotations

from types import SimpleNamespace

from markupsafe import Markup

from followups.queue import row_html

CSRF = Markup('<input type="hidden" name="csrfmiddlewaretoken" value="t">')


def test_a_snooze_menu_posts_its_choices_and_the_filter_to_the_rows_own_address():
    html = row_html.snooze_menu("/today/tasks/7/snooze/", "task-7", CSRF, "leaders")
    assert 'action="/today/tasks/7/snooze/"' in html
    assert 'data-hx-post="/today/tasks/7/snooze/"' in html
    assert html.count(str(CSRF)) == 1
    assert '<input type="hidden" name="who" value="leaders">' in html
    for value in ("tomorrow", "3days", "nextweek", "date"):
        assert f'name="until" value="{value}"' in html
    assert '<label for="task-7-date"' in html
    assert '<input type="date" name="date" id="task-7-date">' in html


def test_an_empty_filter_is_left_out_and_everything_given_is_escaped():
    html = row_html.snooze_menu('/x/"><b>/', 'r"1', CSRF, "")
    assert 'name="who"' not in html
    assert "<b>" not in html
    assert 'id="r&#34;1-date"' in html
    button = row_html.post_button("/a/", CSRF, '"x', "Told <them>", "t", title='Logs "it"')
    assert 'value="&#34;x"' in button
    assert "Told &lt;them&gt;</button>" in button
    assert 'title="Logs &#34;it&#34;"' in button


def test_the_talk_links_name_the_person_and_role_and_open_under_the_row():
    promise = SimpleNamespace(candidate_id=5, hiring_leader_id=None, requisition_id=9)
    html = row_html.talk_links(promise, "promise-3")
    assert 'href="/today/log/?candidate=5&amp;requisition=9&amp;kind=call"' in html
    assert 'data-hx-target="#promise-3-form"' in html
    assert 'id="promise-3-form"' in html
    assert "/messages/new/?candidate=5&amp;requisition=9&amp;next=/" in html
    task = SimpleNamespace(
        candidate_id=None, hiring_leader_id=4, requisition_id=None, application_id=None
    )
    html = row_html.talk_links(task, "task-8")
    assert 'href="/today/promise/?hiring_leader=4"' in html
    assert "/messages/new/?hiring_leader=4&amp;next=/" in html
    applied = SimpleNamespace(
        candidate_id=5, hiring_leader_id=None, requisition_id=9, application_id=11
    )
    assert "?candidate=5&amp;application=11&amp;next=/" in row_html.talk_links(applied, "t")

import pytest

from followups.messages import (
    TemplateProblem,
    render_message,
    sample_context,
    template_problems,
)


def test_known_placeholders_filters_and_if_are_fine():
    assert (
        template_problems(
            "Hi {{ recipient.first_name|default:'there' }}"
            "{% if placement.days_since_start %}, day {{ placement.days_since_start }}{% endif %}"
        )
        == []
    )


@pytest.mark.parametrize(
    "source",
    [
        "{{ candidate.salary }}",
        "{{ candidate.owner.password }}",
        "{{ secret }}",
        "{% if candidate.ssn %}x{% endif %}",
        "{{ recipient.first_name|default:candidate.email }}",
        "{{ checkin_link.extra }}",
    ],
)
def test_unknown_placeholders_are_named(source):
    (problem,) = template_problems(source)
    assert problem.startswith("Unknown placeholder")
    assert "recipient.first_name" in problem  # says what may be used instead


@pytest.mark.parametrize(
    "source",
    ["{% for x in y %}{% endfor %}", "{% load static %}", "{{ x|safe }}", "{% include 'a' %}"],
)
def test_tags_and_filters_beyond_the_safe_few_do_not_parse(source):
    (problem,) = template_problems(source)
    assert problem.startswith("The template does not parse")


def test_rendering_escapes_html_but_not_the_text_part():
    context = sample_context() | {"candidate": {"name": "Ada <b>", "first_name": "A"}}
    message = render_message(
        subject="About {{ candidate.name }}\n", body="Hello {{ candidate.name }}", context=context
    )
    assert message.subject == "About Ada <b>"
    assert message.text == "Hello Ada <b>"
    assert message.html == "Hello Ada &lt;b&gt;"


def test_the_admins_own_words_read_the_same_in_both_parts():
    body = (
        "Reply to <maya@agency.example> & press <Enter>."
        "{% if recipient.first_name %} Thanks, {{ recipient.first_name }}.{% endif %}"
    )
    message = render_message(subject="Hi", body=body, context=sample_context())
    assert message.text == "Reply to <maya@agency.example> & press <Enter>. Thanks, Ada."
    assert message.html == (
        "Reply to &lt;maya@agency.example&gt; &amp; press &lt;Enter&gt;. Thanks, Ada."
    )


def test_markup_in_a_template_reaches_the_html_part_as_text():
    message = render_message(
        subject="Hi", body="<script>alert(1)</script><b>bold</b>", context=sample_context()
    )
    assert message.html == "&lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;"


def test_a_broken_template_never_renders():
    with pytest.raises(TemplateProblem):
        render_message(subject="{{ nope }}", body="", context=sample_context())

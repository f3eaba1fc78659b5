import pytest
from django.http import QueryDict

from recruitcrm.jinja2 import querystring


def _as_django_writes_it(query: QueryDict, **changes) -> str:
    changed = query.copy()
    for key, value in changes.items():
        if value is None:
            changed.pop(key, None)
        else:
            changed[key] = value
    return f"?{changed.urlencode()}"


@pytest.mark.parametrize(
    ("query", "changes"),
    [
        ("", {"sort": "-name"}),
        ("q=mar&sort=name", {"sort": "-name", "after": None}),
        ("q=Zoë+O%27Brien&tag=c%2B%2B&tag=go", {"before": "end"}),
        ("q=a%26b%3Dc&after=eyJrIjoxfQ%3D%3D", {"after": None, "before": "x y/z"}),
        ("stage=interviewing&requisition=12", {"requisition": 40, "owner": None}),
        ("q=%E2%80%A6&q=second", {}),
    ],
)
def test_links_keep_the_page_query_with_the_changes_made(query, changes):
    page_query = QueryDict(query)
    assert querystring(page_query, **changes) == _as_django_writes_it(page_query, **changes)


def test_the_page_query_itself_is_left_as_it_was():
    page_query = QueryDict("q=mar&sort=name")
    assert querystring(page_query, sort="-name", q=None) == "?sort=-name"
    assert page_query.urlencode() == "q=mar&sort=name"

"""Rendering a page, or one fragment of it for htmx, with whichever engine holds the template.

`render(request, "followups/today.html#queue", context)` renders the block `queue` of a Jinja2
template, as `render(request, "x.html#name")` renders the `{% partialdef name %}` of a Django
template: an htmx request gets the fragment it swaps, and the fragment is defined inside the page
that shows it, so the two never drift apart.
"""

from __future__ import annotations

import functools

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render as django_render
from django.template import engines
from django.template.backends.utils import csrf_input_lazy, csrf_token_lazy
from jinja2 import TemplateNotFound


def render(
    request: HttpRequest, template_name: str, context: dict | None = None, status: int = 200
) -> HttpResponse:
    name, _, block = template_name.partition("#")
    if not _is_jinja(name):
        return django_render(request, template_name, context, status=status)
    if block:
        return HttpResponse(render_block(request, name, block, context or {}), status=status)
    # Straight to Jinja2: Django's loader would look among the Django templates first, and a
    # miss there costs an exception every request.
    template = engines["jinja2"].get_template(name)
    return HttpResponse(template.render(context, request), status=status)


def render_block(request: HttpRequest, name: str, block: str, context: dict) -> str:
    """One block of a Jinja2 template, with what a whole render would give it (the request,
    the CSRF token and the context processors)."""
    backend = engines["jinja2"]
    template = backend.env.get_template(name)
    full = {**context, "request": request}
    full["csrf_input"] = csrf_input_lazy(request)
    full["csrf_token"] = csrf_token_lazy(request)
    for processor in backend.template_context_processors:
        full.update(processor(request))
    return "".join(template.blocks[block](template.new_context(full)))


@functools.lru_cache(maxsize=1024)
def _is_jinja(name: str) -> bool:
    """Whether Jinja2 holds the template, worked out once per name: a template lives in one
    engine only, and the files do not move while the process runs."""
    try:
        engines["jinja2"].env.get_template(name)
    except TemplateNotFound:
        return False
    return True

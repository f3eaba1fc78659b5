from __future__ import annotations

from django.http import HttpResponse


def trivial(request):
    """The yardstick: what any page costs before it does anything of its own (every middleware,
    URL routing, a response). Mounted only when BENCH_TIMING is true."""
    return HttpResponse("ok", content_type="text/plain")

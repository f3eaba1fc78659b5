"""Who may open which page. A page someone may not see does not exist for them: 404."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404


def role_required(*roles: str, login_url: str | None = None):
    def decorator(view):
        @login_required(login_url=login_url)
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.user.role not in roles:
                raise Http404("Not found")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


recruiter_required = role_required("recruiter", "admin")
# Someone signed out who opens a leader's page (a link in a digest) is offered a fresh sign-in
# link by email there, or a password.
hiring_leader_required = role_required("hiring_leader", login_url="hiring_leaders:sign_in")
admin_required = role_required("admin")

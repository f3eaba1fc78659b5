"""Who may open which page. A page someone may not see does not exist for them: 404."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404


def role_required(*roles: str):
    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.user.role not in roles:
                raise Http404("Not found")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


recruiter_required = role_required("recruiter", "admin")
hiring_leader_required = role_required("hiring_leader")
admin_required = role_required("admin")

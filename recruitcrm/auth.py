"""Who is signed in, read from the cache instead of the database on every request.

Every page a signed-in person opens first reads their session and their user row: two queries
before the view does anything, paid by every page a recruiter keeps open all day. The session
comes from the cache (settings.SESSION_ENGINE is cached_db's, written through to the database,
read from the cache: recruitcrm.sessions) and the user comes from it here. Both are read by
`read_often`, which spares the local file cache re-reading an entry that has not changed.

A user saved or deleted is dropped from the cache at once (the signal receivers below), so
deactivating a login or changing its password takes effect on the very next request, as it
does without the cache; the timeout bounds how long a change made around the ORM (a bulk
`update()`) could go unseen.
"""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache

from recruitcrm.cache import read_often

KEY = "signed-in-user:{}"
TIMEOUT = 300


class CachedUserBackend(ModelBackend):
    def get_user(self, user_id):
        key = KEY.format(user_id)
        user = read_often(cache, key)
        if user is None:
            # None for a user who no longer exists or may not sign in (inactive).
            user = super().get_user(user_id)
            if user is None:
                return None
            cache.set(key, user, TIMEOUT)
        return user if self.user_can_authenticate(user) else None


def forget_user(sender, instance, **kwargs):
    cache.delete(KEY.format(instance.pk))

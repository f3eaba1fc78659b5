"""Sign-in and password-reset throttling, per account and per client IP address.

django-ratelimit counts each POST in the shared cache (settings.CACHES, see CACHE_URL) in fixed
windows of SIGN_IN_WINDOW_MINUTES that end by themselves: a throttled person, or one an attacker
is guessing for, waits out the window and is never locked out for good. Every attempt counts,
not only failed ones, because the count is taken atomically *before* the password is checked:
counting failures afterwards would let a burst of parallel guesses all pass a check that still
read zero.

The answer for a throttled password reset depends only on how often the address was submitted,
never on whether an account has it, so it tells nobody which addresses exist.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

import redis
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_ratelimit.core import get_usage

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limit:
    group: str
    field: str | None  # the POST field naming the account; None counts per IP address
    too_many: str  # what the person reads, before "Try again in about N minutes."

    @property
    def key(self):
        """django-ratelimit's key: its own "ip" (client_ip() through RATELIMIT_IP_META_KEY), or
        the account named in the form, lower-cased so "Maya" and "maya" count together."""
        if self.field is None:
            return "ip"
        return lambda group, request: self.field_value(request)

    def field_value(self, request: HttpRequest) -> str:
        return request.POST.get(self.field, "").strip().casefold()

    def applies(self, request: HttpRequest) -> bool:
        # A blank username is refused by the form anyway; it is nobody's account to protect.
        return self.field is None or bool(self.field_value(request))

    @property
    def rate(self) -> tuple[int, int]:
        if self.field is None:
            attempts = settings.SIGN_IN_ATTEMPTS_PER_IP
        else:
            attempts = settings.SIGN_IN_ATTEMPTS_PER_ACCOUNT
        return attempts, settings.SIGN_IN_WINDOW_MINUTES * 60


# /accounts/login/ and /admin/login/ share their counts: the same accounts sign in through both.
SIGN_IN = (
    Limit("sign-in:account", "username", "Too many sign-in attempts for this account."),
    Limit("sign-in:ip", None, "Too many sign-in attempts from your network."),
)
PASSWORD_RESET = (
    Limit("password-reset:address", "email", "Too many password reset requests for this address."),
    Limit("password-reset:ip", None, "Too many password reset requests from your network."),
)
# A hiring leader asking for a sign-in link by email: counted like a password reset.
LEADER_SIGN_IN_LINK = (
    Limit("leader-link:address", "email", "Too many sign-in links asked for this address."),
    Limit("leader-link:ip", None, "Too many sign-in links asked from your network."),
)


def client_ip(request: HttpRequest) -> str:
    """The address to count: REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT reverse proxies the entry
    the outermost trusted proxy added to X-Forwarded-For (entries further left are whatever the
    client chose to send, so counting them would let anyone pick a fresh address per guess)."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [
            hop.strip()
            for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if hop.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META["REMOTE_ADDR"]


def _usage(request: HttpRequest, limit: Limit) -> dict | None:
    try:
        return get_usage(
            request,
            group=limit.group,
            key=limit.key,
            rate=limit.rate,
            method="POST",
            increment=True,
        )
    except (OSError, redis.RedisError) as error:
        # A cache that is down must not take sign-in down with it: let the attempt through (the
        # password is still checked) and say so loudly.
        logger.error("sign-in throttling is off: the cache did not answer (%s)", error)
        return None


def refusal(request: HttpRequest, limits: tuple[Limit, ...]) -> HttpResponse | None:
    """Count this POST against each limit; the 429 page when one is exceeded, else None."""
    if request.method != "POST":
        return None
    exceeded = []
    for limit in limits:
        if not limit.applies(request):
            continue
        usage = _usage(request, limit)
        if usage is not None and usage["should_limit"]:
            exceeded.append((limit, usage))
    if not exceeded:
        return None
    limit, usage = max(exceeded, key=lambda hit: hit[1]["time_left"])
    seconds = max(usage["time_left"], 1)
    minutes = math.ceil(seconds / 60)
    response = render(
        request,
        "registration/throttled.html",
        {"too_many": limit.too_many, "minutes": minutes},
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response

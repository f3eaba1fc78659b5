"""Hiring leaders sign in with a link sent by email, as well as with a password.

A link works once, for LINK_LIFETIME, and only while the leader's login is active. It needs no
table: the token is signed (so it cannot be altered) and carries a digest of the login's state
(last sign-in, password, active), which using it changes. Signing in with it sets last_login,
so the same link, or any older one, no longer matches; deactivating the login or changing its
password kills every link outstanding. Like Django's password reset links, without their
three-day lifetime.

Opening a link only asks the leader to confirm ("Continue as Dana Kim"), from a page whose
address no longer holds the token: mail scanners open every link in an email, and a scanner's
visit must not spend the leader's link. The confirmation spends it.

Asking for a link gives the same answer in the same time whether or not the address belongs to
anyone: the request only queues the work (send_leader_sign_in_link), and the worker looks the
address up and sends the email, or does nothing.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.http import url_has_allowed_host_and_scheme

from followups.links import BadLink, absolute
from hiring_leaders.models import HiringLeader
from recruitcrm.models import User

logger = logging.getLogger(__name__)

LINK_SALT = "hiring_leaders.sign-in"
LINK_LIFETIME = datetime.timedelta(minutes=10)
# Where a link may lead: the leader's own pages, never somewhere else on the site or off it.
LEADER_PAGES = "/leader/"


def _state(user: User) -> str:
    """What using, deactivating or re-passwording the login changes."""
    last_login = "" if user.last_login is None else user.last_login.isoformat()
    value = f"{user.pk}|{user.password}|{last_login}|{user.is_active}"
    return salted_hmac(LINK_SALT, value, algorithm="sha256").hexdigest()[:32]


def sign_in_token(user: User, next_url: str = "") -> str:
    return signing.dumps(
        {"u": user.pk, "s": _state(user), "n": safe_next(next_url)}, salt=LINK_SALT
    )


def sign_in_link(user: User, next_url: str = "") -> str:
    return absolute(reverse("hiring_leaders:sign_in_link", args=[sign_in_token(user, next_url)]))


def safe_next(next_url: str | None) -> str:
    """A leader page on this site, or "" (their list of requisitions)."""
    if (
        next_url
        and next_url.startswith(LEADER_PAGES)
        and url_has_allowed_host_and_scheme(next_url, allowed_hosts=None)
    ):
        return next_url
    return ""


USED_OR_DEAD = "This sign-in link has already been used, or no longer works."


def leader_sign_in_check(*, token: str) -> tuple[User, str]:
    """The leader's login and where to go, for a link that is still good; BadLink otherwise.
    Spends nothing: opening a link only asks the person to confirm (mail scanners open links
    too, and must not use up the leader's)."""
    return _verified(token, User.objects.all())


@transaction.atomic
def leader_sign_in_exchange(*, token: str) -> tuple[User, str]:
    """As leader_sign_in_check; the caller signs them in inside this transaction's lock, which
    spends the link."""
    # Locked, so two confirmations at once cannot both get in: the second sees the first's.
    return _verified(token, User.objects.select_for_update())


def _verified(token: str, users) -> tuple[User, str]:
    try:
        data = signing.loads(token, salt=LINK_SALT, max_age=LINK_LIFETIME.total_seconds())
        user_id, state, next_url = int(data["u"]), str(data["s"]), str(data["n"])
    except signing.SignatureExpired:
        raise BadLink(
            "This sign-in link has expired: links work for 10 minutes.", expired=True
        ) from None
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise BadLink("This sign-in link is not valid.") from None
    user = users.filter(pk=user_id, role=User.Role.HIRING_LEADER, is_active=True).first()
    if user is None or not constant_time_compare(state, _state(user)):
        raise BadLink(USED_OR_DEAD)
    return user, safe_next(next_url)


def leader_sign_in_request(*, email: str, next_url: str = "") -> None:
    """Queue the link's email; what happens next depends on nobody's answer here."""
    from hiring_leaders.tasks import send_leader_sign_in_link

    def queue():
        try:
            send_leader_sign_in_link.delay(email.strip(), safe_next(next_url))
        except Exception:
            # The broker is down: the person is told to check their email all the same (the
            # answer must not differ); they can ask again. Logged for whoever runs the site.
            logger.exception("could not queue a leader sign-in link")

    transaction.on_commit(queue)


def leader_sign_in_send(*, email: str, next_url: str = "") -> bool:
    """Email a sign-in link to the hiring leader with this address, if there is one and their
    login is not switched off. A leader without a login gets one (no password: links only)."""
    leader = HiringLeader.objects.select_related("user").filter(email__iexact=email).first()
    if leader is None:
        return False
    user = leader.user or _login_for(leader)
    if not user.is_active or user.role != User.Role.HIRING_LEADER:
        return False
    _email_link(leader, user, next_url)
    return True


@transaction.atomic
def _login_for(leader: HiringLeader) -> User:
    leader = HiringLeader.objects.select_for_update().get(pk=leader.pk)
    if leader.user_id is not None:
        return leader.user
    username = leader.email.lower()
    if User.objects.filter(username__iexact=username).exists():
        username = f"leader-{leader.pk}"
    user = User.objects.create(
        username=username,
        email=leader.email,
        first_name=leader.first_name,
        last_name=leader.last_name,
        role=User.Role.HIRING_LEADER,
        password=make_password(None),
    )
    leader.user = user
    leader.save(update_fields=["user"])
    return user


def _email_link(leader: HiringLeader, user: User, next_url: str) -> None:
    context = {
        "leader": leader,
        "link": sign_in_link(user, next_url),
        "minutes": int(LINK_LIFETIME.total_seconds() // 60),
    }
    subject = render_to_string("emails/leader-sign-in-subject.txt", context).strip()
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("emails/leader-sign-in-body.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[leader.email],
    )
    message.attach_alternative(
        render_to_string("emails/leader-sign-in-body.html", context), "text/html"
    )
    message.send()

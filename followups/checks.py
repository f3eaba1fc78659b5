"""Deploy checks for what the follow-up engine needs to send mail people can act on."""

from email.utils import parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Tags, Warning, register

LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1", ""}


@register(Tags.security, deploy=True)
def check_site_url(app_configs, **kwargs):
    """Links in emails are opened on the recipient's phone: they must point at the real site."""
    url = urlsplit(settings.SITE_URL)
    problems = []
    if url.hostname in LOCAL_HOSTS or url.hostname is None:
        problems.append(
            Warning(
                f"SITE_URL is {settings.SITE_URL!r}: check-in and unsubscribe links in emails "
                "would point at this machine.",
                hint="Set SITE_URL to the address people use, e.g. https://crm.example.com.",
                id="followups.W001",
            )
        )
    elif settings.HTTPS and url.scheme != "https":
        problems.append(
            Warning(
                f"SITE_URL is {settings.SITE_URL!r} but the site is served over HTTPS.",
                hint="Start SITE_URL with https:// so email links are not redirected.",
                id="followups.W002",
            )
        )
    return problems


@register(Tags.security, deploy=True)
def check_from_address(app_configs, **kwargs):
    """Mail "from" a local address is refused or marked as spam by receiving servers, and
    replies to it go nowhere."""
    _, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    domain = address.rpartition("@")[2].strip("[]").lower()
    if domain in LOCAL_HOSTS or domain.endswith((".localhost", ".local", ".invalid")):
        return [
            Warning(
                f"DEFAULT_FROM_EMAIL is {settings.DEFAULT_FROM_EMAIL!r}: follow-up emails would "
                "come from an address on this machine.",
                hint="Set DEFAULT_FROM_EMAIL to an address at your own domain, e.g. "
                "'Acme Recruiting <recruiting@acme-recruiting.com>'.",
                id="followups.W003",
            )
        ]
    return []

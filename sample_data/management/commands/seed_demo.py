"""`manage.py seed_demo`: a believable recruiting agency to click around in, built once."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from sample_data import demo_data
from sample_data.demo_seed import DemoConflict, demo_exists, demo_logins, demo_seed


class Command(BaseCommand):
    help = (
        f"Build the {demo_data.AGENCY} demo agency: users, clients, requisitions in every state, "
        "hundreds of candidates with pipelines, timelines, promises and hires. Safe to run again: "
        "when the demo is already there it changes nothing and prints the logins."
    )

    def handle(self, *args, **options):
        try:
            exists = demo_exists()
        except DemoConflict as error:
            raise CommandError(str(error)) from error
        if exists:
            self.stdout.write(f"The {demo_data.AGENCY} demo is already there; nothing changed.")
        else:
            self.stdout.write(f"Building the {demo_data.AGENCY} demo agency…")
            started = time.monotonic()
            counts = demo_seed()
            summary = ", ".join(f"{count:,} {kind}" for kind, count in counts.items())
            self.stdout.write(self.style.SUCCESS(f"Done in {time.monotonic() - started:.1f}s."))
            self.stdout.write(f"The database now holds {summary}.")
        self._print_logins()

    def _print_logins(self) -> None:
        logins = demo_logins()
        width = max(len("username"), *(len(login.username) for login in logins)) + 2
        self.stdout.write("")
        self.stdout.write(
            "Start the app with ./bin/run (which runs this command first), open "
            f"{settings.SITE_URL.rstrip('/')}/ and sign in as any of these:"
        )
        self.stdout.write("")
        self.stdout.write(f"  {'username':<{width}}{'password':<17}{'role':<15}sees")
        for login in logins:
            role = login.role.replace("_", " ")
            self.stdout.write(
                f"  {login.username:<{width}}{demo_data.DEMO_PASSWORD:<17}{role:<15}{login.sees}"
            )

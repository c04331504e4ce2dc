"""`congdong demo`: a working system on this laptop in one command."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from congdong.accounts.phones import display_phone
from congdong.config import load
from congdong.core.links import site_url_serving
from congdong.worker.loop import start_in_thread
from congdong_tools.demo.build import build
from congdong_tools.demo.engagement import CITIZENS
from congdong_tools.demo.personas import CITIZEN, DEMO_PASSWORD


class Command(BaseCommand):
    help = "Migrate, import both unit structures, create the demo personas, print logins, serve."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-serve", action="store_true", help="Prepare only; do not serve.")
        parser.add_argument(
            "--addrport",
            default="127.0.0.1:8000",
            help="Address and port to serve on (default 127.0.0.1:8000; 0.0.0.0:8000 for the "
            "local network).",
        )
        parser.add_argument(
            "--citizens",
            type=int,
            default=CITIZENS,
            help=f"Demo citizens to create (default {CITIZENS}); fewer make a quicker demo.",
        )

    def handle(self, *args, no_serve: bool, addrport: str, citizens: int, **options) -> None:
        use_site_url(addrport)
        self.stdout.write("1/4 Database…")
        from_migrated_copy(self.stdout.write)
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("2/4 Units (2022 and 2025 structures)…")
        for code in ("2022", "2025"):
            call_command("units", "import", "--structure", code, stdout=self.stdout)
        self.stdout.write("3/4 Demo people and pages…")
        personas = build(self.stdout.write, import_units=False, citizens=citizens)
        self.stdout.write("4/4 Ready.\n")
        self.print_logins(personas)
        if not no_serve:
            # Scheduled posts are published by this process too: no other server to start.
            # The fake platforms live in this process too (their state is in memory).
            from congdong_tools.demo.channels import (
                converse_when_up,
                seed_conversations,
                start_fake_channels,
            )

            graph, zalo = start_fake_channels(self.stdout.write)
            # Citizens' comments and messages reach the inbox through the real webhooks once
            # the server below answers.
            talks = seed_conversations(graph, zalo)
            converse_when_up(graph, zalo, talks, settings.SITE_URL)
            if talks:
                self.stdout.write(
                    f"  {len(talks)} comments and messages from citizens on their way to the "
                    "inbox (lắng nghe)"
                )
            start_in_thread()
            self.stdout.write("  background worker running (publishes scheduled posts)")
            call_command("runserver", addrport, use_reloader=False)

    def print_logins(self, personas) -> None:
        url = settings.SITE_URL
        self.stdout.write(
            self.style.SUCCESS(f"Staff log in at {url}/dang-nhap/ with password {DEMO_PASSWORD}")
        )
        for persona, _user in personas:
            self.stdout.write(
                f"  {persona.username:<20} {persona.full_name:<18} {persona.description}"
            )
        self.stdout.write(f"  {'admin':<20} {'(Django admin)':<18} {url}/admin/")
        self.stdout.write(
            self.style.SUCCESS(
                f"Citizen: {url}/cong-dan/ with {display_phone(CITIZEN['phone'])} "
                f"({CITIZEN['full_name']}); the code is printed in this console."
            )
        )


def use_site_url(addrport: str) -> None:
    """Links in pages, mails and SMS point at the server this command starts, unless the
    operator set CONGDONG_SITE_URL (a proxy in front, say); its host is allowed either way."""
    if "site_url" not in load().model_fields_set:
        settings.SITE_URL = site_url_serving(addrport)
    host = urlsplit(settings.SITE_URL).hostname
    if host not in settings.ALLOWED_HOSTS and "*" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, host]


def from_migrated_copy(say) -> None:
    """A new SQLite demo starts from a copy of the database these same migrations made once on
    this machine (kept in the temporary folder, see bench/steps.py): a second demo, and every
    demo the tests build, skips 15 s of migrating. `migrate` after it finds nothing to do."""
    database = settings.DATABASES["default"]
    target = Path(database["NAME"])
    if not database["ENGINE"].endswith("sqlite3") or (target.exists() and target.stat().st_size):
        return
    from django.db import connection

    from congdong_tools.bench import steps

    connection.close()
    template = steps.migrated_sqlite(dict(os.environ), lambda text: say(f"   {text}"))
    steps.copy_sqlite(template, target)

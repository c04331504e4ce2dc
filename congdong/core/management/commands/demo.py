"""`congdong demo`: a working system on this laptop in one command."""

from __future__ import annotations

import os
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from congdong.accounts.phones import display_phone
from congdong.core.links import site_url_serving
from congdong.demo.breaches import ensure_breaches
from congdong.demo.campaigns import ensure_campaigns
from congdong.demo.engagement import CITIZENS, ensure_engagement
from congdong.demo.feedback import ensure_feedback
from congdong.demo.handbook import ensure_handbook
from congdong.demo.insights import ensure_history
from congdong.demo.moderation import ensure_moderation
from congdong.demo.pages import ensure_pages
from congdong.demo.personas import CITIZEN, DEMO_PASSWORD, ensure_personas
from congdong.demo.posts import ensure_posts
from congdong.demo.privacy import ensure_privacy
from congdong.demo.takedown import ensure_takedowns
from congdong.insights import events
from congdong.posts.default_regulation import ensure_default_regulation
from congdong.worker.loop import start_in_thread


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
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("2/4 Units (2022 and 2025 structures)…")
        for code in ("2022", "2025"):
            call_command("units", "import", "--structure", code, stdout=self.stdout)
        self.stdout.write("3/4 Demo people and pages…")
        # The set-up's actions record events (publications, follows …); the history step
        # replays every row as an event afterwards, so those are dropped rather than counted
        # twice — and no flusher thread writes figures beside the set-up (which made the
        # history step skip itself, or fail with "database is locked").
        with events.muted():
            personas = self.set_up(citizens)
        self.stdout.write(f"  {ensure_history(progress=self.stdout.write):,} events for insights")
        self.stdout.write("4/4 Ready.\n")
        self.print_logins(personas)
        if not no_serve:
            # Scheduled posts are published by this process too: no other server to start.
            start_in_thread()
            self.stdout.write("  background worker running (publishes scheduled posts)")
            call_command("runserver", addrport, use_reloader=False)

    def set_up(self, citizens: int) -> list:
        """Every demo row but the figures, each step once (a second run adds nothing)."""
        personas = ensure_personas()
        regulation = ensure_default_regulation()
        self.stdout.write(f"  information regulation: version {regulation.version}")
        for structure, count in ensure_pages().items():
            self.stdout.write(f"  {count} pages created in structure {structure}")
        self.stdout.write("  demo posts…")
        self.stdout.write(f"  {ensure_posts()} demo posts created (in every state)")
        self.stdout.write(f"  campaigns sent to {ensure_campaigns()} pages")
        made = ensure_engagement(citizens=citizens, progress=self.stdout.write)
        self.stdout.write(f"  engagement: {made}")
        self.stdout.write(f"  {ensure_feedback(progress=self.stdout.write)} feedback items")
        privacy = ensure_privacy()
        self.stdout.write(
            f"  personal data: {privacy['consents']} consents, {privacy['requests']} requests"
        )
        handbook = ensure_handbook()
        self.stdout.write(
            f"  handbook: {handbook['pages']} pages, board: {handbook['posts']} posts created"
        )
        self.stdout.write(f"  moderation: {ensure_moderation()}")
        self.stdout.write(f"  {ensure_takedowns()} takedown requests recorded")
        self.stdout.write(f"  {ensure_breaches()} personal data breaches, audit log rows")
        return personas

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
    if not os.environ.get("CONGDONG_SITE_URL"):
        settings.SITE_URL = site_url_serving(addrport)
    host = urlsplit(settings.SITE_URL).hostname
    if host not in settings.ALLOWED_HOSTS and "*" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, host]

"""The `congdong` command: congdong's own subcommands plus Django's management commands."""

from __future__ import annotations

import os
import sys

OWN_COMMANDS = {
    "demo": "Build the demo (same data every time), print logins, serve; --addrport HOST:PORT.",
    "worker": "Run background jobs (publish scheduled posts) every 30 s; --once runs one cycle.",
    "units": "Import the 2022/2025 unit trees (units import) or count them (units summary).",
    "report": "Coverage per level on a day (report coverage) or a page's figures (report page).",
    "bench": "Run a benchmark and print its figures (bench --list).",
    "scenario": "Re-create the 2022 conference report from raw events (scenario conference-2022).",
    "backup": "Back up the database and media into one file (backup PATH).",
    "restore": "Restore a backup into an empty installation (restore PATH [--force]).",
    "channels": "Linked Facebook Pages and Zalo OAs: channels list, channels check [--json].",
    "i18n": "Compile the translation catalogues (i18n compile); extract strings (i18n extract).",
    "migrate": "Create or update the database tables.",
    "runserver": "Serve the web app (development server).",
    "createsuperuser": "Create an account for the Django admin.",
    "check": "Check the configuration (add --deploy for production settings).",
    "settings-doc": "Print the table of environment variables (--output PATH writes it).",
}


def print_help() -> None:
    print("usage: congdong COMMAND [options]\n")
    print("Trang cộng đồng — community pages of the Vietnam Fatherland Front.\n")
    print("commands:")
    for name, text in OWN_COMMANDS.items():
        print(f"  {name:<17}{text}")
    print("\n`congdong COMMAND --help` shows a command's options; every other Django")
    print("management command works too (`congdong help --commands` lists them).")


def settings_doc(argv: list[str]) -> None:
    """docs/configuration.md, generated from congdong.config (no database, no Django setup)."""
    import argparse

    from congdong.config import markdown

    parser = argparse.ArgumentParser(prog="congdong settings-doc", description=__doc__)
    parser.add_argument("--output", help="write the table to this file instead of printing it")
    args = parser.parse_args(argv)
    text = markdown()
    if args.output:
        with open(args.output, "w", encoding="utf-8") as out:
            out.write(text)
    else:
        sys.stdout.write(text)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congdong.settings")
    argv = sys.argv[1:]
    if not argv or argv[0] in {"-h", "--help"}:
        print_help()
        return
    if argv[0] == "settings-doc":
        settings_doc(argv[1:])
        return
    from congdong.config import ConfigError, load

    try:  # a bad variable stops here, named, before any command runs
        load()
    except ConfigError as error:
        sys.exit(f"congdong: the configuration cannot be used:\n{error}")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["congdong", *argv])


if __name__ == "__main__":
    main()

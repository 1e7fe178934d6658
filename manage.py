#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""
import os
import sys

# Commands that only read the code and the migrations sign nothing, so they may run on a fresh checkout
# with no SECRET_KEY (settings then use a throwaway one). Everything else still refuses to start without it.
KEYLESS_COMMANDS = {"makemigrations", "showmigrations", "sqlmigrate"}


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnership_portal.settings")
    if len(sys.argv) > 1 and sys.argv[1] in KEYLESS_COMMANDS and not os.environ.get("SECRET_KEY"):
        os.environ["PORTAL_THROWAWAY_SECRET_KEY"] = "1"
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()

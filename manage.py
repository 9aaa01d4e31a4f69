#!/usr/bin/env python
"""Django's command-line utility for the archive."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as error:
        # A setting the archive cannot start without: its sentence says what to set, without a
        # traceback through Django's start-up (--traceback shows it).
        if "--traceback" in sys.argv:
            raise
        sys.exit(f"The archive cannot start: {error}")

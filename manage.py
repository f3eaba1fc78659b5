#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "recruitcrm.settings")
    from django.core.management import execute_from_command_line

    from recruitcrm.startup import read_settings_or_exit

    read_settings_or_exit()
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()

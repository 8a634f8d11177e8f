import sys

from xjeditor.cli import entry

sys.exit(entry())

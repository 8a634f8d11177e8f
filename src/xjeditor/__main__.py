import sys

from xjeditor.cli import main

sys.exit(main())

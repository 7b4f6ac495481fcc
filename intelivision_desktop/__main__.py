import sys

from intelivision_desktop.app.cli import main

sys.exit(main())

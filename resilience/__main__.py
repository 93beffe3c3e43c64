import sys

from resilience.cli import main

sys.exit(main())

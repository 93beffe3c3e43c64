"""``python -m resilience``: the command line's entry point.

Like ``app.py`` for the dashboard, this is the one place that puts the layers
together: the engine's commands (:mod:`resilience.cli`) plus ``report`` from
:mod:`reports.cli`. Import-linter allows this one import from the engine upwards.
"""

import sys

from reports.cli import main

sys.exit(main())

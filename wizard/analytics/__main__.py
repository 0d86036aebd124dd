"""`python -m wizard.analytics [ARGS]`: `edge-wizard stats` on its own."""

import sys

from wizard.analytics.command import main

sys.exit(main())

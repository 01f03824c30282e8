"""``python -m cchc_analysis`` runs the ``cchc`` command line."""

from cchc_analysis.cli import main

raise SystemExit(main())

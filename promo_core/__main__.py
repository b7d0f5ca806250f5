"""``python -m promo_core``: the command line (see ``promo_core.cli``)."""
from promo_core.cli import main

raise SystemExit(main())

"""PromoLens compute package: pure functions over pandas, numpy, scipy, scikit-learn and DuckDB.

Nothing here imports streamlit, so every analysis runs the same in the app, a notebook, the
command line and the tests.
"""
from promo_core.errors import DataError

__all__ = ["DataError"]

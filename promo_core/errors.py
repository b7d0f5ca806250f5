"""The one exception a user ever sees from promo_core."""


class DataError(ValueError):
    """Input that cannot be used as given.

    The message is written for a marketing manager: what is wrong, where (file, column, row) and
    what to do about it. Pages show it with ``st.error``; the command line prints it and exits 2.
    """

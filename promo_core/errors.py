"""The one exception a user ever sees from promo_core."""
from __future__ import annotations


class DataError(ValueError):
    """Input that cannot be used as given.

    The message is written for a marketing manager: what is wrong, where (file, column, row) and
    what to do about it. Pages show it with ``st.error`` in the interface language; the command
    line prints it and exits 2.

    Parameters
    ----------
    message : str
        The English text.
    zh : str, optional
        The same message in Simplified Chinese.
    """

    def __init__(self, message: str, zh: str | None = None):
        super().__init__(message)
        self.zh = zh

    def text(self, lang: str = "en") -> str:
        """The message in ``lang`` ('en' or 'zh'); English where no Chinese was written."""
        return self.zh if lang == "zh" and self.zh else str(self)

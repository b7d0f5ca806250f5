"""The one exception a user ever sees from promo_core."""
from __future__ import annotations

from promo_core.text import Message, render


class DataError(ValueError):
    """Input that cannot be used as given.

    The message is written for a marketing manager: what is wrong, where (file, column, row) and
    what to do about it. Pages show it with ``st.error`` in the interface language; the command
    line prints it and exits 2.

    Parameters
    ----------
    message : Message or str
        What is wrong, as a catalogue message (``promo_core.text``: an id and its values). Modules
        not yet moved to the catalogue give the English text instead, with ``zh``.
    zh : str, optional
        With an English ``message``: the same in Simplified Chinese.

    Attributes
    ----------
    message : Message
        What ``ui`` and ``report`` render (for English text, one that quotes it).
    id : str or None
        The catalogue id; None for a message given as text.
    values : dict
        The values the message quotes.
    """

    def __init__(self, message: Message | str, zh: str | None = None):
        self.id = message.id if isinstance(message, Message) else None
        self.message = message if isinstance(message, Message) else Message("error.text", en=message, zh=zh or message)
        self.values = self.message.values
        super().__init__(self.text())

    def text(self, lang: str = "en") -> str:
        """The message in ``lang``; English where the language has no text for it."""
        return render(self.message, lang)

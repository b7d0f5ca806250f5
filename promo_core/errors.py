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
        What is wrong, as a catalogue message (``promo_core.text``: an id and its values), so it reads
        in every language. A str is a text already in the reader's language (a renderer's own,
        such as the report's), shown as it is.

    Attributes
    ----------
    message : Message
        What ``ui`` and ``report`` render.
    id : str or None
        The catalogue id; None for a message given as text.
    values : dict
        The values the message quotes.
    """

    def __init__(self, message: Message | str):
        self.id = message.id if isinstance(message, Message) else None
        self.message = message if isinstance(message, Message) else Message("error.text", en=message, zh=message)
        self.values = self.message.values
        super().__init__(self.text())

    def text(self, lang: str = "en") -> str:
        """The message in ``lang``; English where the language has no text for it."""
        return render(self.message, lang)

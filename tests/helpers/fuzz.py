"""The check each format fuzz test makes: only the reader's error escapes, and it says where."""

from collections.abc import Callable
from typing import Any

#: Words one of which every format refusal contains: the place in the file it names.
PLACE_WORDS = ("section", "offset")


def refusal_names_a_place(reader: Callable[[Any], Any], error_class: type[Exception], source: Any) -> str | None:
    """Read ``source``; None if it was read, else the refusal's message.

    Any exception but ``error_class`` propagates and fails the test, and a
    refusal whose message names neither a section nor a byte offset fails
    it too: a bad file must say where it is bad.
    """
    try:
        reader(source)
    except error_class as error:
        message = str(error)
        assert any(word in message for word in PLACE_WORDS), f"refusal names no section or offset: {message!r}"
        return message
    return None

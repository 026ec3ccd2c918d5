"""One exception type for a user's mistake.

Everything a user can get wrong (a missing file, a value out of range, an unknown
layer name) raises :class:`NSTError` with a message that says what was wrong and
how to fix it. The CLI prints that message on one line and exits non-zero; a
notebook shows it as one line of error instead of a wall of traceback.
"""


class NSTError(ValueError):
    """A user's mistake, with a message that says how to fix it."""

    def _render_traceback_(self):
        # IPython and Jupyter show this one line instead of the traceback: the message
        # says what to fix; the stack would only bury it. It is still an exception.
        return [f"\x1b[1;31mNSTError: {self}\x1b[0m"]

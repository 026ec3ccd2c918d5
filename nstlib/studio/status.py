"""The words of the studio's status line: one line of HTML, never a traceback.

    esc(text)               text made safe inside an HTML element
    one_line(error)         an exception as one line (NSTError's own message, else 'Type: message')
    markup(text, ...)       the status line's HTML: an optional bold prefix, in a colour
    report(result)          the final word on a run: Done, Stopped or Diverged

A final word is a tuple (text, color, prefix), text already escaped: the run's thread
returns it and the runner writes it once the run is over.

Taught in notebooks/06_tuning_with_widgets.ipynb.
"""

import html

from ..errors import NSTError

TEXT = "#333"
ERROR = "#b00020"
WARNING = "#a15c00"


def esc(text):
    """text made safe inside an HTML element (quotes stay readable).

    Taught in notebooks/06_tuning_with_widgets.ipynb.
    """
    return html.escape(str(text), quote=False)


def one_line(error):
    """An exception as one line: NSTError's own message, else 'Type: message'.

    Taught in notebooks/06_tuning_with_widgets.ipynb.
    """
    text = " ".join(str(error).split())
    if isinstance(error, NSTError):
        return text or "Error."
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def markup(text, color=TEXT, prefix=""):
    """The status line's HTML: ``<b>prefix</b> text`` in color (text is HTML already).

    Taught in notebooks/06_tuning_with_widgets.ipynb.
    """
    head = f"<b>{prefix}</b> " if prefix else ""
    return f"<span style='color:{color}'>{head}{text}</span>"


def error_word(error):
    """The final word on a run that an exception ended: (text, color, prefix).

    Taught in notebooks/06_tuning_with_widgets.ipynb.
    """
    return esc(one_line(error)), ERROR, "Error:"


def report(result):
    """The final word on one run (a Result): Done, Stopped (with the best step) or Diverged.

    Taught in notebooks/06_tuning_with_widgets.ipynb.
    """
    if result.diverged:
        return esc(result.message), WARNING, "Diverged:"
    if result.stopped:
        return (f"{esc(result.message)} Kept the best image (step "
                f"{result.best_step}, J = {result.best_cost:.3g}).", TEXT, "")
    return (f"{result.steps_done} steps in {result.seconds:.1f} s; best "
            f"J = {result.best_cost:.3g} at step {result.best_step}. "
            "Save it, or change a setting and run again.", TEXT, "Done:")

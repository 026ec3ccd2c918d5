"""Ctrl-C during a run ends it after the current step, not in the middle of one.

Python raises KeyboardInterrupt wherever the main thread is when SIGINT arrives: inside
TensorFlow's Python layer, scipy's L-BFGS, tqdm's write lock or a checkpoint being
written. An exception there can leave that code's state half-changed: a lock still held,
on which tqdm's monitor thread then blocks, so that joining it waits forever (the hang
tqdm/tqdm#1751 shows). So while a run is on, the first Ctrl-C only sets a flag; the loop looks
at it after each step and ends the run there, keeping the best image, as a stop request
does. A second Ctrl-C raises KeyboardInterrupt at once, for someone who will not wait for
a long step (the loop still catches it and keeps the best image).

    with deferred_interrupt() as requested:
        for ...:
            step()
            if requested():
                break

Only the main thread can handle signals; elsewhere (the studio's runs in a thread), and
when someone else has set SIGINT's handler, nothing changes. Jupyter's ■ Interrupt button
sends SIGINT, so it behaves as Ctrl-C does.

Used by nstlib.core.loop.optimize (notebook 05).
"""

import contextlib
import signal
import threading


@contextlib.contextmanager
def deferred_interrupt():
    """A context in which the first SIGINT is recorded, not raised; yields `requested()`."""
    pressed = threading.Event()
    if (threading.current_thread() is not threading.main_thread()
            or signal.getsignal(signal.SIGINT) is not signal.default_int_handler):
        yield pressed.is_set
        return

    def on_sigint(signum, frame):
        if pressed.is_set():  # the second Ctrl-C: at once
            raise KeyboardInterrupt
        pressed.set()

    signal.signal(signal.SIGINT, on_sigint)
    try:
        yield pressed.is_set
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)

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
sends SIGINT, so it behaves as Ctrl-C does. `nst` sets SIGTERM's handler to
``stop_as_ctrl_c``, so that `kill` ends a run as Ctrl-C does, also in a run started in the
background by a script (whose shell has SIGINT ignored, so Ctrl-C's handler is not there).

Used by nstlib.core.loop.optimize (notebook 05).
"""

import contextlib
import signal
import threading


def stop_as_ctrl_c(signum, frame):
    """SIGTERM's handler in `nst`: outside a run, what Ctrl-C does; during one, deferred_interrupt
    takes SIGTERM as it takes Ctrl-C (the run ends after its step)."""
    raise KeyboardInterrupt


@contextlib.contextmanager
def deferred_interrupt():
    """A context in which the first SIGINT (or `nst`'s SIGTERM) is recorded, not raised; yields `requested()`."""
    pressed = threading.Event()
    ours = {signal.SIGINT: signal.default_int_handler, signal.SIGTERM: stop_as_ctrl_c}
    signals = [s for s, handler in ours.items() if signal.getsignal(s) is handler] \
        if threading.current_thread() is threading.main_thread() else []
    if not signals:
        yield pressed.is_set
        return

    def on_signal(signum, frame):
        if pressed.is_set():  # the second Ctrl-C: at once
            raise KeyboardInterrupt
        pressed.set()

    for s in signals:
        signal.signal(s, on_signal)
    try:
        yield pressed.is_set
    finally:
        for s in signals:
            signal.signal(s, ours[s])

"""Ctrl-C during a run is recorded, not raised (nstlib.core.interrupt); no weights needed."""

import os
import signal
import threading
import time

import pytest

from nstlib.core.interrupt import deferred_interrupt, stop_as_ctrl_c


def test_the_first_ctrl_c_is_recorded_and_the_second_raises():
    with deferred_interrupt() as requested:
        assert not requested()
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.05)  # the handler has run by now; nothing was raised
        assert requested()
        with pytest.raises(KeyboardInterrupt):
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.05)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    with pytest.raises(KeyboardInterrupt):  # outside a run, Ctrl-C raises as usual
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.05)


def test_outside_the_main_thread_nothing_changes():
    seen = []

    def in_thread():
        with deferred_interrupt() as requested:
            seen.append((requested(), signal.getsignal(signal.SIGINT)))

    t = threading.Thread(target=in_thread)
    t.start()
    t.join()
    assert seen == [(False, signal.default_int_handler)]


def test_someone_elses_handler_is_left_alone():
    calls = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: calls.append(signum))
    try:
        with deferred_interrupt() as requested:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.05)
            assert calls == [signal.SIGINT] and not requested()
    finally:
        signal.signal(signal.SIGINT, previous)


@pytest.mark.parametrize("sigint", [signal.default_int_handler, signal.SIG_IGN], ids=["foreground", "background"])
def test_kill_asks_the_command_line_run_to_stop_as_ctrl_c_does(sigint):
    """Also in a run a script started in the background: its shell has SIGINT ignored."""
    previous = signal.signal(signal.SIGTERM, stop_as_ctrl_c), signal.signal(signal.SIGINT, sigint)  # as `nst` sets it
    try:
        with deferred_interrupt() as requested:
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(0.05)
            assert requested()  # recorded, not raised: the run ends after its step
        assert signal.getsignal(signal.SIGTERM) is stop_as_ctrl_c and signal.getsignal(signal.SIGINT) is sigint
        with pytest.raises(KeyboardInterrupt):  # outside a run, as Ctrl-C
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(0.05)
    finally:
        signal.signal(signal.SIGTERM, previous[0])
        signal.signal(signal.SIGINT, previous[1])

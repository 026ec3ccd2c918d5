"""Ctrl-C during a run is recorded, not raised (nstlib.core.interrupt); no weights needed."""

import os
import signal
import threading
import time

import pytest

from nstlib.cli import _sigterm
from nstlib.core.interrupt import deferred_interrupt


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


def test_kill_asks_the_command_line_run_to_stop_as_ctrl_c_does():
    previous = signal.signal(signal.SIGTERM, _sigterm)  # as `nst` sets it
    try:
        with deferred_interrupt() as requested:
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(0.05)
            assert requested()
    finally:
        signal.signal(signal.SIGTERM, previous)

"""Shared fixtures. Tests that need the real VGG-19 weights never skip: on CI they are in
../shared (NSTLIB_VGG19_WEIGHTS), on a user's machine Keras downloads them."""

import os
import signal
import tempfile

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# The checks save passed exercises in the student's my_functions.py (nstlib/checks/yours.py):
# the suite's, notebooks executed by nbval included (their kernels inherit this), go to a
# file of its own, so that notebook 05 paints with 03's and 04's solutions, not into notebooks/.
os.environ.setdefault("NSTLIB_MY_FUNCTIONS", os.path.join(tempfile.mkdtemp(prefix="nst-mine-"), "my_functions.py"))


@pytest.fixture(scope="session", autouse=True)
def ctrl_c_as_a_terminal_delivers_it():
    """A suite started in the background (`bash .ci/run &`, nohup) inherits SIGINT *ignored*,
    and so does every `nst` it starts (Python keeps an ignored SIGINT ignored): the tests of
    Ctrl-C would then send signals nobody hears. Catch SIGINT as an interactive Python does;
    the children, after exec, get the default back and install Python's handler."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


@pytest.fixture(scope="session")
def vgg_weights():
    from nstlib.io.weights import find_weights

    return find_weights()  # raises (fails the test) rather than skipping


@pytest.fixture(scope="session")
def tiny_pair():
    """A small (content, style) pair from the offline examples: astronaut, Hubble."""
    from nstlib.io.examples import load_example

    return load_example("astronaut", max_dim=128), load_example("hubble_deep_field", max_dim=128)

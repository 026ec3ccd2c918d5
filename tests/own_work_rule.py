"""The rule that a graded function may not call the package's answer (nstlib/checks/own_work.py),
for the tests of the checks: off while they build typical wrong answers from the package's
pieces, on in reference_passes() and rule_on(). A test module turns it off by importing
`wrong_answers_may_use_the_package` (an autouse fixture)."""

import contextlib

import pytest

from nstlib.checks import CheckFailed, own_work

RULE = dict(own_work.REFERENCES)


@pytest.fixture(autouse=True)
def wrong_answers_may_use_the_package(monkeypatch):
    monkeypatch.setattr(own_work, "REFERENCES", {})


@contextlib.contextmanager
def rule_on(name):
    own_work.REFERENCES[name] = RULE[name]
    try:
        yield
    finally:
        del own_work.REFERENCES[name]


def reference_passes(check, reference):
    """The package's version passes the check's tests of values; as a student's answer it fails."""
    name = check.__name__.removeprefix("check_")
    with rule_on(name), pytest.raises(CheckFailed, match="calls a ready-made answer"):
        check(reference)
    check(reference)

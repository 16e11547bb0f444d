"""Outcomes pytest's JUnit XML cannot say by itself, written as `<property>` elements.

What it records, on the test's `<testcase>` (pytest's junitxml writes a test's
`user_properties` there, in every junit_family):

- `seams.outcome = xpassed`: an xfail-marked test that passed (non-strict XPASS), which JUnit XML
  otherwise writes as a plain pass. A strict XPASS is already a `<failure>`.
"""

import pytest

#: Name of the JUnit property seams reads an outcome from (src/runners/_shared/junit.ts).
OUTCOME_PROPERTY = "seams.outcome"


def _record(item, name, value):
    # pytest's junitxml writes the properties of the test's last (teardown) report, which copies
    # them from item.user_properties: the call report's own list would be lost
    props = item.user_properties
    if (name, value) not in props:
        props.append((name, value))


class OutcomeRecorder:
    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        outcome = yield
        report = outcome.get_result()
        if report.when == "call" and report.passed and hasattr(report, "wasxfail"):
            _record(item, OUTCOME_PROPERTY, "xpassed")

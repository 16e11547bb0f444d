"""seams' pytest plugin, shipped in the seams package (python/seams_pytest/).

`seams run` loads it into every pytest command it builds (`-p seams_pytest`, with the package's
python/ folder on PYTHONPATH). It changes no outcome, selection or output of pytest. Keep it
importable by every Python 3 and pytest >= 7 seams supports, and free of any import beyond
pytest and the standard library.

It is made of parts, each a plugin object registered at configure time, so that a part can be
added (seams' test helpers will be one) without touching the others:

- `outcomes.OutcomeRecorder` (always): adds to pytest's own JUnit XML what that report cannot
  say by itself (`<property name="seams.outcome" value="xpassed">` for a non-strict XPASS).
- `live.LiveEvents` (when $SEAMS_EVENTS names a file): reports each test as it finishes, in the
  format of docs/events.md, for `seams run`'s live progress on a terminal.
"""

from seams_pytest.live import LiveEvents
from seams_pytest.outcomes import OUTCOME_PROPERTY, OutcomeRecorder

__all__ = ["LiveEvents", "OUTCOME_PROPERTY", "OutcomeRecorder"]


def pytest_configure(config):
    config.pluginmanager.register(OutcomeRecorder(), "seams-outcomes")
    # under pytest-xdist the controller reports every test (the workers' reports reach it): a
    # worker (it has workerinput) writes nothing, so no test is counted twice
    if not hasattr(config, "workerinput"):
        events = LiveEvents.from_env()
        if events is not None:
            config.pluginmanager.register(events, "seams-live-events")

"""Live test events for `seams run` (docs/events.md), written as each test finishes.

A test's phases (setup, call, teardown) are folded into one `test` event, written when its
teardown is reported, with the test's whole duration:

- setup failed: `error`; setup skipped (a skip mark, a fixture that skips): `skipped`;
- call passed: `passed` (a non-strict XPASS too), failed: `failed` (a strict XPASS too),
  skipped: `skipped` (xfail too);
- a teardown that fails after a test that passed: `error`.

An attempt that pytest-rerunfailures reruns (outcome `rerun`) is not a result: the next
attempt's is. A file that fails to import is an `error` event. Ids are pytest's node ids, relative to
the folder pytest started in (its rootdir may be below it). The total is the number of
tests pytest collected after deselection (`-k`, `-m`); under pytest-xdist, the number the first
worker collected.
"""

import os

import pytest

from seams_events import EventWriter


def _id_prefix(config):
    """pytest's node ids are relative to its rootdir; events name tests relative to the folder
    pytest was started in (docs/events.md): the rootdir's path from there, or '' when they are one."""
    try:
        rel = os.path.relpath(str(config.rootpath), str(config.invocation_params.dir))
    except (AttributeError, ValueError):
        return ""
    if rel == "." or rel.startswith(".."):
        return ""
    return rel.replace(os.sep, "/") + "/"


def _message(report):
    longrepr = report.longrepr
    if longrepr is None:
        return ""
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2])  # a skip: (path, line, reason)
    crash = getattr(longrepr, "reprcrash", None)
    if crash is not None and getattr(crash, "message", None):
        return crash.message
    return str(longrepr)


class LiveEvents:
    def __init__(self, writer):
        self._writer = writer
        self._prefix = ""
        self._tests = {}
        self._total_sent = False

    @classmethod
    def from_env(cls):
        writer = EventWriter.from_env()
        return cls(writer) if writer is not None and writer.active else None

    def pytest_sessionstart(self, session):
        self._prefix = _id_prefix(session.config)
        self._writer.start("pytest")

    def pytest_collection_finish(self, session):
        self._writer.total(len(session.items))
        self._total_sent = True

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_node_collection_finished(self, node, ids):
        if not self._total_sent:
            self._writer.total(len(ids))
            self._total_sent = True

    def pytest_collectreport(self, report):
        if report.failed:
            self._writer.error(_message(report) or "collection failed", file=report.fspath)

    def pytest_runtest_logreport(self, report):
        if report.outcome == "rerun":
            self._tests.pop(report.nodeid, None)
            return
        state = self._tests.setdefault(report.nodeid, {"status": None, "ms": 0.0, "message": ""})
        state["ms"] += (report.duration or 0.0) * 1000.0
        if report.when == "setup":
            if report.failed:
                state["status"], state["message"] = "error", _message(report)
            elif report.skipped:
                state["status"], state["message"] = "skipped", _message(report)
        elif report.when == "call":
            if report.failed:
                state["status"], state["message"] = "failed", _message(report)
            elif report.skipped:
                state["status"], state["message"] = "skipped", _message(report)
            else:
                state["status"] = "passed"
        elif report.when == "teardown":
            if report.failed and state["status"] in (None, "passed"):
                state["status"], state["message"] = "error", _message(report)
            del self._tests[report.nodeid]
            failed = state["status"] in ("failed", "error")
            self._writer.test(state["status"] or "passed", ms=state["ms"], message=state["message"] if failed else None, id=self._prefix + report.nodeid)

    def pytest_sessionfinish(self, session):
        self._writer.end()

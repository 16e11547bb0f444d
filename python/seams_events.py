"""seams' live test events writer, shipped in the seams package (python/seams_events.py).

The protocol is docs/events.md: one JSON object per line, appended to the file named by the
SEAMS_EVENTS environment variable, which `seams run` reads while the tests run to show live
progress. seams' pytest plugin (seams_pytest) and its unittest/Django result class write through
this module. Standard library only; every Python 3 seams supports.

Every event is written at once, with one os.write of a whole line to a file opened for
appending: a test's event is in the file when the test has finished (no buffer to flush, no
thread), and lines of several writers never interleave. A writer that cannot open or write the
file goes silent: events never change a test's outcome or the run's exit code.
"""

import json
import os

#: The environment variable that names the events file.
ENV = "SEAMS_EVENTS"

#: Version of the event format (docs/events.md).
VERSION = 1

#: At most this many characters of a failure's first line go into an event.
MESSAGE_CHARS = 200


def first_line(text, limit=MESSAGE_CHARS):
    """The first non-empty line of text, cut to limit characters ('' for nothing)."""
    for line in str(text or "").splitlines():
        line = line.strip()
        if line:
            return line if len(line) <= limit else line[: limit - 1] + "\u2026"
    return ""


class EventWriter:
    """Appends events to one file; silent once the file cannot be written."""

    def __init__(self, path):
        self._fd = None
        try:
            self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        except OSError:
            self._fd = None

    @classmethod
    def from_env(cls, environ=None):
        """The writer for $SEAMS_EVENTS, or None when it is not set."""
        path = (environ if environ is not None else os.environ).get(ENV)
        return cls(path) if path else None

    @property
    def active(self):
        return self._fd is not None

    def emit(self, event, **fields):
        if self._fd is None:
            return
        try:
            line = json.dumps({"event": event, **fields}, ensure_ascii=False, separators=(",", ":"), default=str) + "\n"
            os.write(self._fd, line.encode("utf-8", "replace"))
        except (OSError, ValueError, TypeError):
            self.close()

    def start(self, runner):
        self.emit("start", runner=runner, v=VERSION)

    def total(self, tests):
        self.emit("total", tests=int(tests))

    def test(self, status, ms=None, message=None, **ident):
        fields = dict(ident)
        fields["status"] = status
        if ms is not None:
            fields["ms"] = round(ms, 3)
        if message:
            fields["message"] = first_line(message)
        self.emit("test", **fields)

    def error(self, message, file=None):
        fields = {"message": first_line(message) or "error"}
        if file:
            fields["file"] = file
        self.emit("error", **fields)

    def end(self):
        self.emit("end")
        self.close()

    def close(self):
        fd, self._fd = self._fd, None
        if fd is not None:
            try:
                os.close(fd)
            except OSError:
                pass

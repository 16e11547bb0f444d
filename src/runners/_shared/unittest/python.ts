/**
 * The Python seams ships for unittest-based runners, as text: the caller writes it into the
 * run's scratch folder (`CommandSpec.files`). Standard library only (`xml.etree.ElementTree`
 * writes the JUnit XML), and Django only where the Django runner imports it.
 *
 * - `seams_unittest_junit.py`: a result class recording every outcome, and the JUnit writer.
 * - `seams_unittest_main.py`: `python -m unittest` (discover, or the given names) with that result class.
 * - `seams_django_runner.py`: test runners for `manage.py test --testrunner`: one writes JUnit
 *   (subclassing the project's own TEST_RUNNER), one only lists the test ids (`--verify`).
 * - `seams_manage.py`: starts `manage.py` as `python manage.py` does, with the scratch folder
 *   importable (so no PYTHONPATH is replaced).
 */

/** Lines the listing scripts print: `SEAMS-TEST <tab> id`, `SEAMS-ERROR <tab> module`. */
export const LIST_TEST = 'SEAMS-TEST';
export const LIST_ERROR = 'SEAMS-ERROR';

export const JUNIT_MODULE = 'seams_unittest_junit';
export const UNITTEST_MAIN = 'seams_unittest_main';
export const DJANGO_RUNNER_MODULE = 'seams_django_runner';
export const MANAGE_WRAPPER = 'seams_manage';

export const JUNIT_PY = String.raw`"""seams: records unittest outcomes and writes them as JUnit XML (stdlib only)."""
import os
import re
import time
import traceback
import unittest
import xml.etree.ElementTree as ET

_RECORDS = {}
_INVALID = re.compile('[\x00-\x08\x0b\x0c\x0e-\x1f]')

# live test events for seams run (docs/events.md): only when $SEAMS_EVENTS names a file and
# seams' python/ folder is on PYTHONPATH (seams_events.py); silent otherwise
try:
    from seams_events import EventWriter as _EventWriter
    _EVENTS = _EventWriter.from_env()
except Exception:
    _EVENTS = None
_EVENT_STATUS = {'passed': 'passed', 'failure': 'failed', 'error': 'error', 'skipped': 'skipped', 'xfail': 'skipped'}


def events_total(count, runner='unittest'):
    """Announces how many tests will run (live events)."""
    if _EVENTS is not None:
        _EVENTS.start(runner)
        _EVENTS.total(count)


def _clean(text):
    return _INVALID.sub('?', text or '')


def _names(test):
    cls = type(test)
    method = getattr(test, '_testMethodName', None)
    if method is None or cls.__name__ == '_ErrorHolder':
        desc = str(getattr(test, 'description', test))
        m = re.match(r'^(\w+) \((.+)\)$', desc)
        return (m.group(2), m.group(1)) if m else ('', desc)
    return '%s.%s' % (cls.__module__, cls.__qualname__), method


def _record(test, outcome, message='', detail='', elapsed=None):
    classname, name = _names(test)
    key = (classname, name)
    prev = _RECORDS.get(key)
    if prev and prev['outcome'] in ('failure', 'error'):
        return  # the first failure (a subtest's) is the one that counts
    start = getattr(test, '_seams_start', None)
    duration = elapsed if elapsed is not None else (time.perf_counter() - start if start else 0.0)
    _RECORDS[key] = {'classname': classname, 'name': name, 'outcome': outcome,
                     'message': _clean(message), 'detail': _clean(detail), 'time': duration}


def _err_text(result, err, test):
    etype, value = err[0], err[1]
    head = '%s: %s' % (getattr(etype, '__name__', str(etype)), value)
    try:
        detail = result._exc_info_to_string(err, test)
    except Exception:
        detail = ''.join(traceback.format_exception(*err))
    return head.splitlines()[0] if head else '', detail


def result_class(base=None):
    """A result class recording every outcome on top of base (default unittest.TextTestResult)."""
    base = base or unittest.TextTestResult

    class SeamsJUnitResult(base):
        def startTest(self, test):
            try:
                test._seams_start = time.perf_counter()
            except Exception:
                pass
            super().startTest(test)

        def stopTest(self, test):
            super().stopTest(test)
            if _EVENTS is not None:
                classname, name = _names(test)
                r = _RECORDS.get((classname, name))
                if r is not None:
                    failed = r['outcome'] in ('failure', 'error')
                    _EVENTS.test(_EVENT_STATUS.get(r['outcome'], 'passed'), ms=r['time'] * 1000.0,
                                 message=r['message'] if failed else None,
                                 id='%s.%s' % (classname, name) if classname else name)

        def addSuccess(self, test):
            super().addSuccess(test)
            _record(test, 'passed')

        def addFailure(self, test, err):
            super().addFailure(test, err)
            _record(test, 'failure', *_err_text(self, err, test))

        def addError(self, test, err):
            super().addError(test, err)
            _record(test, 'error', *_err_text(self, err, test))

        def addSkip(self, test, reason):
            super().addSkip(test, reason)
            _record(test, 'skipped', reason)

        def addExpectedFailure(self, test, err):
            super().addExpectedFailure(test, err)
            head, detail = _err_text(self, err, test)
            _record(test, 'xfail', 'xfail: ' + head, detail)

        def addUnexpectedSuccess(self, test):
            super().addUnexpectedSuccess(test)
            _record(test, 'failure', 'unexpected success: the test is marked expectedFailure but passed')

        def addSubTest(self, test, subtest, err):
            super().addSubTest(test, subtest, err)
            if err is not None:
                failed = issubclass(err[0], test.failureException)
                head, detail = _err_text(self, err, test)
                _record(test, 'failure' if failed else 'error', '%s %s' % (head, subtest._subDescription()), detail)

    return SeamsJUnitResult


def write(path, suite_name='unittest', total_time=None):
    """Writes the recorded outcomes to path as JUnit XML."""
    if _EVENTS is not None:
        _EVENTS.end()
    records = list(_RECORDS.values())
    root = ET.Element('testsuites')
    suite = ET.SubElement(root, 'testsuite', name=suite_name, tests=str(len(records)),
                          failures=str(sum(r['outcome'] == 'failure' for r in records)),
                          errors=str(sum(r['outcome'] == 'error' for r in records)),
                          skipped=str(sum(r['outcome'] in ('skipped', 'xfail') for r in records)),
                          time='%.3f' % (total_time if total_time is not None else sum(r['time'] for r in records)))
    for r in records:
        case = ET.SubElement(suite, 'testcase', classname=r['classname'], name=r['name'], time='%.3f' % r['time'])
        if r['outcome'] in ('failure', 'error'):
            el = ET.SubElement(case, r['outcome'], message=r['message'][:2000], type=r['outcome'])
            el.text = r['detail']
        elif r['outcome'] == 'skipped':
            ET.SubElement(case, 'skipped', message=r['message'][:2000], type='unittest.skip')
        elif r['outcome'] == 'xfail':
            el = ET.SubElement(case, 'skipped', message=r['message'][:2000], type='unittest.expectedFailure')
            el.text = r['detail']
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    ET.ElementTree(root).write(path, encoding='utf-8', xml_declaration=True)


def flatten(suite):
    for t in suite:
        if isinstance(t, unittest.TestSuite):
            yield from flatten(t)
        else:
            yield t


def print_ids(suite):
    """Prints one line per test id; a module unittest could not import as an error line."""
    for t in flatten(suite):
        cls = type(t)
        if cls.__module__ == 'unittest.loader' and cls.__name__ in ('_FailedTest', 'ModuleImportFailure'):
            print('${LIST_ERROR}\t' + t._testMethodName, flush=False)
            continue
        print('${LIST_TEST}\t' + t.id(), flush=False)
`;

export const UNITTEST_MAIN_PY = String.raw`"""seams: python -m unittest with a JUnit-writing result class.

usage: seams_unittest_main.py (--list|--run JUNIT) --start S --pattern P [--top T] [--labels FILE] [unittest args]
"""
import argparse
import os
import sys
import time
import unittest

sys.path[0] = os.getcwd()  # as python -m unittest does
here = os.path.dirname(os.path.abspath(__file__))
sys.path.append(here)
import ${JUNIT_MODULE} as junit  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument('--list', action='store_true')
parser.add_argument('--run')
parser.add_argument('--start', default='.')
parser.add_argument('--pattern', default='test*.py')
parser.add_argument('--top', default=None)
parser.add_argument('--labels')
parser.add_argument('-v', '--verbose', action='store_true')
parser.add_argument('-f', '--failfast', action='store_true')
parser.add_argument('-b', '--buffer', action='store_true')
args = parser.parse_args()

loader = unittest.TestLoader()
labels = []
if args.labels:
    with open(args.labels, encoding='utf-8') as fh:
        labels = [line.strip() for line in fh if line.strip()]
if labels:
    top = os.path.abspath(args.top or args.start)
    if top not in sys.path:
        sys.path.insert(0, top)
    suite = loader.loadTestsFromNames(labels)
else:
    suite = loader.discover(args.start, args.pattern, args.top)

if args.list:
    junit.print_ids(suite)
    sys.stdout.flush()
    sys.exit(0)

runner = unittest.TextTestRunner(verbosity=2 if args.verbose else 1, failfast=args.failfast,
                                 buffer=args.buffer, resultclass=junit.result_class())
junit.events_total(suite.countTestCases())
start = time.perf_counter()
try:
    result = runner.run(suite)
finally:
    junit.write(args.run, 'unittest', time.perf_counter() - start)
sys.exit(0 if result.wasSuccessful() else 1)
`;

export const DJANGO_RUNNER_PY = String.raw`"""seams: test runners for manage.py test --testrunner (JUnit XML, or the list of test ids)."""
import os
import time

from django.conf import settings
from django.test.runner import DiscoverRunner
from django.test.utils import get_runner

import ${JUNIT_MODULE} as junit

try:
    _Base = get_runner(settings)
    if not issubclass(_Base, DiscoverRunner):
        _Base = DiscoverRunner
except Exception:
    _Base = DiscoverRunner


def _labels(test_labels):
    path = os.environ.get('SEAMS_TEST_LABELS')
    if test_labels or not path:
        return test_labels
    with open(path, encoding='utf-8') as fh:
        return [line.strip() for line in fh if line.strip()]


class JUnitRunner(_Base):
    """The project's runner, recording every outcome and writing JUnit XML to $SEAMS_JUNIT_XML."""

    def build_suite(self, test_labels=None, *args, **kwargs):
        return super().build_suite(_labels(test_labels), *args, **kwargs)

    def get_resultclass(self):
        return junit.result_class(super().get_resultclass())

    def run_suite(self, suite, **kwargs):
        junit.events_total(suite.countTestCases(), 'django')
        start = time.perf_counter()
        try:
            return super().run_suite(suite, **kwargs)
        finally:
            junit.write(os.environ['SEAMS_JUNIT_XML'], 'django', time.perf_counter() - start)


class ListRunner(_Base):
    """Lists the ids of the tests the project's runner would run, without running them."""

    def run_tests(self, test_labels, *args, **kwargs):
        suite = self.build_suite(test_labels)
        junit.print_ids(suite)
        return 0
`;

export const MANAGE_WRAPPER_PY = String.raw`"""seams: runs manage.py as python manage.py does, with seams' runner modules importable."""
import os
import runpy
import sys

here = os.path.dirname(os.path.abspath(__file__))
manage = os.path.abspath(sys.argv[1])
sys.argv = [manage] + sys.argv[2:]
sys.path[0] = os.path.dirname(manage)
sys.path.append(here)
runpy.run_path(manage, run_name='__main__')
`;

/** The files of the shipped Python, written into `dir` (absolute). */
export function pythonFiles(dir: string, which: 'unittest' | 'django'): { path: string; content: string }[] {
  const at = (name: string, content: string) => ({ path: `${dir}/${name}.py`, content });
  const files = [at(JUNIT_MODULE, JUNIT_PY)];
  if (which === 'unittest') files.push(at(UNITTEST_MAIN, UNITTEST_MAIN_PY));
  else files.push(at(DJANGO_RUNNER_MODULE, DJANGO_RUNNER_PY), at(MANAGE_WRAPPER, MANAGE_WRAPPER_PY));
  return files;
}

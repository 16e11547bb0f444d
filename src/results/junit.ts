import { createReadStream } from 'node:fs';
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import type { ResultStatus } from '../core/types.js';
import { SeamsError } from '../util/errors.js';
import { OUTCOME_PROPERTY, junitStatusOf } from '../runners/_shared/junit.js';
import { LIMITS } from '../util/limits.js';

/** What saxes holds of the markup it is in the middle of (its fields; checked between chunks). */
interface SaxesPending {
  text?: string;
  name?: string;
  piTarget?: string;
  entity?: string;
  attribList?: { value?: string }[];
}

/** Characters saxes holds for the current text node, attribute, name or tag (it has no limit of its own: a 600 MB attribute overflowed V8's string length). */
function pendingChars(parser: SaxesParser): number {
  const p = parser as unknown as SaxesPending;
  let n = (p.text?.length ?? 0) + (p.name?.length ?? 0) + (p.piTarget?.length ?? 0) + (p.entity?.length ?? 0);
  const attribs = p.attribList;
  if (attribs) {
    n += attribs.length * 16;
    for (const a of attribs) n += a.value?.length ?? 0;
  }
  return n;
}

/**
 * A streaming JUnit XML reader (saxes): constant memory whatever the file size, results handed
 * out in batches. Understands the common dialects: pytest (xunit1/xunit2), Maven Surefire
 * (`flakyFailure`, `flakyError`, `rerunFailure`, `rerunError`), jest-junit, Vitest, Playwright,
 * go-junit-report, Gradle. DOCTYPE declarations are refused outright, so no entity can expand.
 */
export interface JUnitCase {
  classname: string;
  name: string;
  /** Innermost `<testsuite name>`. */
  suite?: string;
  file?: string;
  line?: number;
  durationMs: number;
  status: ResultStatus;
  /** 1 + reruns (Surefire) */
  attempts: number;
  /** Passed after failed attempts (Surefire `flakyFailure`/`flakyError`). */
  flaky: boolean;
  message?: string;
  /** Skip reason. */
  reason?: string;
}

export interface JUnitReadOptions {
  batchSize?: number;
  /** Characters kept per failure/skip text (default 4096). */
  maxText?: number;
  /** Name shown in diagnostics (default: the path). */
  displayName?: string;
}

export class ResultsFormatError extends SeamsError {
  constructor(message: string, hint = 'the file is not complete, well-formed JUnit XML; check that the test run finished writing it') {
    super('SEAMS_RESULTS_MALFORMED', message, { hint });
  }
}

const TIME = /^[0-9.,eE+-]+$/;
const PLAIN_TIME = /^[0-9]{1,15}(?:\.[0-9]{1,15})?$/;

/** Milliseconds of a `time` attribute (seconds; `1,234.5` allowed); undefined when it is not a duration. Absent, empty, nan or inf: 0. */
function parseTime(s: string | undefined): number | undefined {
  // the common form (`0.242`, `12`): digits with at most one dot, nothing to trim or remove
  if (s !== undefined && PLAIN_TIME.test(s)) return Math.round(Number(s) * 1000 * 1000) / 1000;
  if (s === undefined || !s.trim()) return 0;
  // a float some writers print as-is when the clock failed them: no duration, not a malformed file
  if (/^[+-]?(nan|inf(inity)?)$/i.test(s.trim())) return 0;
  if (!TIME.test(s.trim())) return undefined;
  const v = Number(s.trim().replace(/,/g, ''));
  return Number.isFinite(v) && v >= 0 ? Math.round(v * 1000 * 1000) / 1000 : undefined;
}

interface OpenCase {
  c: JUnitCase;
  failures: number;
  errors: number;
  skipped: boolean;
  /** `type` of the first `<skipped>` (pytest.xfail, unittest.expectedFailure). */
  skipType?: string;
  /** Value of its `<property name="seams.outcome">` (seams' pytest plugin: `xpassed`). */
  outcome?: string;
  flakies: number;
  reruns: number;
  texts: string[];
  /** Line of the `<testcase>` tag, for diagnostics. */
  line: number;
  /** Whether the tag has a `name` attribute. */
  named: boolean;
}

/** Reads a JUnit XML file in batches. Throws `ResultsFormatError` for malformed, truncated or unsafe files. */
export async function* readJUnitFile(file: string, options: JUnitReadOptions = {}): AsyncGenerator<JUnitCase[]> {
  const stream = createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 });
  try {
    yield* readJUnit(stream, { displayName: file, ...options });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new SeamsError('SEAMS_RESULTS_NOT_FOUND', `results file not found: ${file}`, {
        hint: 'did the test command run and write its report? check the path',
      });
    if ((error as NodeJS.ErrnoException).code === 'EISDIR')
      throw new SeamsError('SEAMS_RESULTS_NOT_FOUND', `${file} is a directory, not a results file`, { hint: 'pass report files, not folders' });
    throw error;
  } finally {
    stream.destroy();
  }
}

export async function* readJUnit(chunks: AsyncIterable<string | Buffer> | Iterable<string>, options: JUnitReadOptions = {}): AsyncGenerator<JUnitCase[]> {
  const batchSize = options.batchSize ?? 2000;
  const maxText = options.maxText ?? LIMITS.messageChars;
  const where = options.displayName ?? 'JUnit XML';
  const parser = new SaxesParser({ position: true });
  let failure: Error | undefined;
  const fail = (message: string, line?: number, hint?: string) => {
    failure ??= new ResultsFormatError(line === undefined ? `${where}:${parser.line}:${parser.column}: ${message}` : `${where}:${line}: ${message}`, hint);
  };
  const ATTRIBUTE_HINT = 'JUnit XML needs a name on every <testcase> and a time in seconds; check the tool that wrote the report';
  let out: JUnitCase[] = [];
  const suites: string[] = [];
  let current: OpenCase | undefined;
  let sawRoot = false;
  let textTarget: string[] | undefined;
  let textLen = 0;
  let caseCount = 0;
  let depth = 0;
  const LIMIT_HINT = 'the report is past a limit of docs/limits.md: check the tool that wrote it (a runaway test name or output?)';

  // the first error ends the read: saxes would go on reporting one per character (a million `<` took 10 s)
  parser.on('error', (e) => {
    fail(e.message.replace(/^(?:.*?:)?\d+:\d+: /, ''));
    throw failure;
  });
  parser.on('doctype', () =>
    fail('DOCTYPE declarations are not allowed in test reports (entity expansion is refused)'),
  );
  parser.on('opentag', (tag) => {
    const t = tag as SaxesTagPlain;
    const a = t.attributes as Record<string, string>;
    if (++depth > LIMITS.xmlDepth) fail(`elements nested deeper than ${LIMITS.xmlDepth} levels`, undefined, LIMIT_HINT);
    for (const k in a) if (a[k]!.length > LIMITS.xmlTextChars) fail(`an attribute, text or tag longer than ${LIMITS.xmlTextChars} characters`, undefined, LIMIT_HINT);
    if (!sawRoot) {
      sawRoot = true;
      if (t.name !== 'testsuites' && t.name !== 'testsuite' && t.name !== 'testcase')
        fail(`not a JUnit XML report: the root element is <${t.name}>, expected <testsuites> or <testsuite>`);
    }
    switch (t.name) {
      case 'testsuite':
        suites.push(a.name ?? '');
        break;
      case 'testcase': {
        if (current) {
          fail('nested <testcase> elements');
          break;
        }
        const line = a.line !== undefined ? Number(a.line) : undefined;
        const durationMs = parseTime(a.time);
        if (durationMs === undefined) fail(`<testcase${a.name ? ` name="${a.name.slice(0, 80)}"` : ''}> has time="${a.time!.slice(0, 40)}": expected a duration in seconds`, undefined, ATTRIBUTE_HINT);
        const c: JUnitCase = { classname: a.classname ?? a.class ?? '', name: a.name ?? '', durationMs: durationMs ?? 0, status: 'passed', attempts: 1, flaky: false };
        const suite = suites.length ? suites[suites.length - 1] : undefined;
        if (suite) c.suite = suite;
        if (a.file) c.file = a.file;
        if (line !== undefined && Number.isInteger(line) && line > 0) c.line = line;
        current = {
          c,
          failures: 0,
          errors: 0,
          skipped: false,
          flakies: 0,
          reruns: 0,
          texts: [],
          line: parser.line,
          named: a.name !== undefined,
        };
        break;
      }
      case 'property':
        // a test's own properties (pytest record_property); suite-level ones have no open case
        if (current && a.name === OUTCOME_PROPERTY && a.value !== undefined) current.outcome ??= a.value;
        textTarget = undefined;
        break;
      case 'failure':
      case 'error':
      case 'skipped':
      case 'flakyFailure':
      case 'flakyError':
      case 'rerunFailure':
      case 'rerunError': {
        if (!current) break;
        if (t.name === 'failure') current.failures++;
        else if (t.name === 'error') current.errors++;
        else if (t.name === 'skipped') {
          current.skipped = true;
          current.skipType ??= a.type;
        }
        else if (t.name.startsWith('flaky')) current.flakies++;
        else current.reruns++;
        const head = a.message ?? a.type ?? '';
        if (t.name === 'skipped') {
          const reason = a.type === 'pytest.xfail' ? `xfail${a.message ? `: ${a.message}` : ''}` : head;
          if (reason) current.c.reason = reason.slice(0, maxText);
          textTarget = undefined;
        } else if (t.name === 'failure' || t.name === 'error') {
          // the first failure's message and text are the ones that matter
          if (current.failures + current.errors === 1) {
            current.texts = head ? [head, '\n'] : [];
            textLen = head.length;
            textTarget = current.texts;
          } else textTarget = undefined;
        } else textTarget = undefined;
        break;
      }
      default:
        textTarget = undefined;
    }
  });
  const onText = (text: string) => {
    if (text.length > LIMITS.xmlTextChars) fail(`an attribute, text or tag longer than ${LIMITS.xmlTextChars} characters`, undefined, LIMIT_HINT);
    if (!textTarget || textLen >= maxText) return;
    const piece = text.slice(0, maxText - textLen);
    textTarget.push(piece);
    textLen += piece.length;
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.on('closetag', (tag) => {
    depth--;
    switch (tag.name) {
      case 'testsuite':
        suites.pop();
        break;
      case 'testcase': {
        if (!current) break;
        const { c } = current;
        c.status = junitStatusOf(current);
        c.attempts = 1 + current.flakies + current.reruns;
        c.flaky = c.status === 'passed' && current.flakies > 0;
        const text = current.texts.join('').trim().slice(0, maxText);
        if (text && (c.status === 'failed' || c.status === 'error')) c.message = text;
        // pytest interrupted (Ctrl-C) closes its report with an empty `<testcase time="0.000" />`: no test
        if (!c.name && !c.classname && c.status === 'passed') {
          current = undefined;
          textTarget = undefined;
          break;
        }
        if (!current.named || !c.name.trim()) fail(`<testcase${c.classname ? ` classname="${c.classname.slice(0, 80)}"` : ''}> has no name attribute: every test case needs one`, current.line, ATTRIBUTE_HINT);
        out.push(c);
        caseCount++;
        current = undefined;
        textTarget = undefined;
        break;
      }
      case 'failure':
      case 'error':
        textTarget = undefined;
        break;
    }
  });

  for await (const chunk of chunks) {
    const piece = typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    // write in slices of at most 1 MB, so that what saxes holds is checked before it can grow past the limit
    for (let at = 0; at < piece.length && !failure; at += 1 << 20) {
      try {
        parser.write(at === 0 && piece.length <= 1 << 20 ? piece : piece.slice(at, at + (1 << 20)));
      } catch (error) {
        if (!failure) throw error;
      }
      if (pendingChars(parser) > LIMITS.xmlTextChars) fail(`an attribute, text or tag longer than ${LIMITS.xmlTextChars} characters`, undefined, LIMIT_HINT);
    }
    if (failure) throw failure;
    if (out.length >= batchSize) {
      const b = out;
      out = [];
      yield b;
    }
  }
  try {
    parser.close();
  } catch (error) {
    if (!failure) throw error;
  }
  if (!sawRoot && !out.length && (!failure || /root element/.test(failure.message))) throw new ResultsFormatError(`${where}: empty file, no JUnit XML in it`);
  if (failure) throw failure;
  if (out.length) yield out;
  void caseCount;
}

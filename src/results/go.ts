import type { TestResult } from '../core/types.js';
import { goOutcomes } from '../runners/_shared/go.js';
import { enrich, type JoinContext } from './join.js';
import { firstLines, num } from './json.js';
import { goEventSchema, parseStrict, type GoEvent } from './schemas.js';

/** `go test -json` (one JSON event per line; every line that is a JSON object must be a valid event). */
export function parseGoTestJson(text: string, ctx: JoinContext, file = 'go test -json output'): TestResult[] {
  const out: TestResult[] = [];
  const output = new Map<string, string>();
  let lineNo = 0;
  for (const line of text.split('\n')) {
    lineNo++;
    if (!line.trim()) continue;
    if (!line.trimStart().startsWith('{')) continue; // go test -json interleaves build output lines; they are not events
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      continue;
    }
    const ev: GoEvent = parseStrict(goEventSchema, raw, file, 'go', `:${lineNo}`);
    const test = ev.Test;
    const pkg = ev.Package ?? '';
    if (!test) continue;
    const key = `${pkg}::${test}`;
    const action = ev.Action;
    if (action === 'output') {
      const prev = output.get(key) ?? '';
      if (prev.length < 4096) output.set(key, prev + (ev.Output ?? ''));
      continue;
    }
    const status: TestResult['status'] | undefined = action !== undefined && Object.hasOwn(goOutcomes, action) ? goOutcomes[action as keyof typeof goOutcomes] : undefined;
    if (!status) continue;
    const r: TestResult = {
      runner: 'go',
      project: null,
      id: key,
      name: test,
      suite: pkg,
      status,
      durationMs: Math.round(num(ev.Elapsed) * 1000),
      attempts: 1,
      flaky: false,
    };
    if (status === 'failed') r.message = firstLines(output.get(key));
    if (status === 'skipped') r.reason = output.get(key)?.match(/--- SKIP.*\n\s*(.+)/)?.[1]?.trim();
    if (r.reason === undefined) delete r.reason;
    out.push(enrich(r, undefined, ctx));
    output.delete(key);
  }
  return out;
}


import type { TestResult } from '../core/types.js';
import { goOutcomes } from '../runners/_shared/go.js';
import { enrich, type JoinContext } from './join.js';
import { firstLines, num, str } from './json.js';

/** `go test -json` (one JSON event per line). */
export function parseGoTestJson(text: string, ctx: JoinContext): TestResult[] {
  const out: TestResult[] = [];
  const output = new Map<string, string>();
  let lineNo = 0;
  for (const line of text.split('\n')) {
    lineNo++;
    if (!line.trim()) continue;
    let ev: Record<string, unknown>;
    try {
      ev = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue; // go test -json interleaves build output lines; they are not events
    }
    const test = str(ev.Test);
    const pkg = str(ev.Package) ?? '';
    if (!test) continue;
    const key = `${pkg}::${test}`;
    const action = str(ev.Action);
    if (action === 'output') {
      const prev = output.get(key) ?? '';
      if (prev.length < 4096) output.set(key, prev + (str(ev.Output) ?? ''));
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
  void lineNo;
  return out;
}


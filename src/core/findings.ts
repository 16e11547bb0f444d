import { SEVERITIES, severityRank, type GapSeverity, type WorkflowAnalysis } from './gaps.js';
import type { TraceReport } from './trace.js';

/** Gap findings with a severity, for `--fail-on` and the reports. Pure. */

/** Findings per severity: workflows by priority, unreached components (low), requirements. */
export function countFindings(workflows: WorkflowAnalysis, trace: TraceReport): Record<GapSeverity, number> {
  const out = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<GapSeverity, number>;
  for (const w of workflows.workflows) if (w.severity) out[w.severity]++;
  for (const c of workflows.components) if (c.severity) out[c.severity]++;
  for (const s of requirementFindings(trace)) out[s.severity]++;
  return out;
}

export interface RequirementFinding {
  id: string;
  severity: GapSeverity;
  message: string;
  file?: string;
  line?: number;
}

/** Requirements without a (fitting) test are medium, high when critical; orphans and duplicates low. Sorted by severity. */
export function requirementFindings(trace: TraceReport): RequirementFinding[] {
  const out: RequirementFinding[] = [];
  for (const r of trace.rows) {
    if (r.status === 'covered') continue;
    const severity: GapSeverity = r.critical ? 'high' : 'medium';
    const message =
      r.status === 'uncovered'
        ? 'no test references it'
        : r.status === 'only-skipped'
          ? 'only skipped tests reference it'
          : 'needs an integration or e2e test; only unit tests reference it';
    out.push({ id: r.id, severity, message, file: r.file, line: r.line });
  }
  for (const o of trace.orphans) out.push({ id: o.id, severity: 'low', message: `referenced by ${o.tests.length} test(s) but defined in no source`, file: o.tests[0]?.file, line: o.tests[0]?.line });
  for (const d of trace.duplicates)
    out.push({ id: d.id, severity: 'low', message: `defined ${d.definitions.length} times: ${d.definitions.map((x) => `${x.file}:${x.line}`).join(', ')}`, file: d.definitions[1]?.file, line: d.definitions[1]?.line });
  return out.sort((a, b) => severityRank(a.severity) - severityRank(b.severity));
}


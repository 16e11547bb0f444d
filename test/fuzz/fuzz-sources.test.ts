// The fuzzer (test/fuzz/targets.ts) on seams.yaml and Python and TS test files; fuzz-reports.test.ts runs the reports in parallel.
import { fuzzTargets } from './targets.js';

fuzzTargets((name) => !/XML|JSON|coverage/.test(name));

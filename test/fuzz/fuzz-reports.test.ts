// The fuzzer (test/fuzz/targets.ts) on results files and coverage reports; fuzz-sources.test.ts runs the other formats in parallel.
import { fuzzTargets } from './targets.js';

fuzzTargets((name) => /XML|JSON|coverage/.test(name));

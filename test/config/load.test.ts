import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { SeamsError } from '../../src/util/errors.js';

function errorOf(text: string): SeamsError {
  try {
    parseConfig(text, '/tmp/x/seams.yaml');
  } catch (e) {
    if (e instanceof SeamsError) return e;
    throw e;
  }
  throw new Error('expected an error');
}

describe('seams.yaml validation', () => {
  it('points at a misspelt key with line, column and a suggestion', () => {
    const e = errorOf('workflows:\n  ecr:\n    chian: [a]\n');
    expect(e.message).toMatch(/seams\.yaml:3:5: unknown key "chian" in workflows\.ecr \(did you mean "chain"\?\)/);
    expect(e.exitCode).toBe(2);
  });
  it('names an unknown component in a chain', () => {
    const e = errorOf('components:\n  ecr-parser: {paths: [x]}\nworkflows:\n  ecr:\n    chain: [ecr-parser, ecr-parsr]\n');
    expect(e.message).toMatch(/:5:25: workflow "ecr" names unknown component "ecr-parsr" \(did you mean "ecr-parser"\?\)/);
  });
  it('rejects an invalid regex', () => {
    expect(errorOf('requirements:\n  pattern: "(FR"\n').message).toMatch(/:2:12: invalid regular expression/);
  });
  it('rejects a duplicate workflow', () => {
    expect(errorOf('workflows:\n  a: {chain: [x]}\n  a: {chain: [y]}\n').message).toMatch(/:3:3: duplicate key/);
  });
  it('rejects a service dependency cycle', () => {
    const e = errorOf('services:\n  a: {url: "redis://x", depends_on: [b]}\n  b: {url: "redis://y", depends_on: [a]}\n');
    expect(e.message).toMatch(/cycle: a → b → a/);
  });
  it('fills defaults for an empty file', () => {
    const { config } = parseConfig('', '/tmp/x/seams.yaml');
    expect(config.requirements.pattern).toBe('\\b(FR|NFR|REQ|SC)-\\d{3,}\\b');
    expect(config.history.db).toBe('sqlite:.seams/history.db');
  });
});

describe('targets', () => {
  it('rejects an unknown metric with a suggestion', () => {
    expect(errorOf('targets:\n  - { metric: workflow.P1.covered, target: 1, due: 2026-12-31 }\n').message).toMatch(
      /seams\.yaml:2:15: target names unknown metric "workflow\.P1\.covered" \(did you mean "workflows…"\?\)/,
    );
  });
  it('accepts the shared vocabulary', () => {
    const { config } = parseConfig('targets:\n  - { metric: requirements.covered, target: 0.9, due: 2027-03-31 }\n  - { metric: passrate.integration, target: 0.95, due: 2026-12-31 }\n', '/tmp/x/seams.yaml');
    expect(config.targets.map((t) => t.metric)).toEqual(['requirements.covered', 'passrate.integration']);
  });
});

import { describe, expect, it } from 'vitest';
import { extraArgsByRunner, parseExtraArgs } from '../../src/execute/extra-args.js';

describe('extra args after -- (#30)', () => {
  it('go to the only runner; with several runners only per section', () => {
    expect(extraArgsByRunner(['-x', '-k', 'db'], ['pytest', 'pytest'], ['integration'])('pytest')).toEqual(['-x', '-k', 'db']);
    const of = extraArgsByRunner(['pytest:', '-k', 'ecr', 'vitest:', '-t', 'audit'], ['pytest', 'vitest'], ['integration']);
    expect([of('pytest'), of('vitest')]).toEqual([['-k', 'ecr'], ['-t', 'audit']]);
    const one = extraArgsByRunner(['pytest:', '-k', 'ecr'], ['pytest', 'vitest'], ['integration']);
    expect([one('pytest'), one('vitest')]).toEqual([['-k', 'ecr'], []]);
    expect(parseExtraArgs(['-x', 'pytest:', '-k'])).toEqual({ common: ['-x'], sections: new Map([['pytest', ['-k']]]) });
  });

  it('are a usage error when ambiguous or for a runner the run does not use', () => {
    expect(() => extraArgsByRunner(['-k', 'ecr'], ['pytest', 'vitest'], ['integration'])).toThrow(/ambiguous: integration runs pytest and vitest/);
    expect(() => extraArgsByRunner(['jest:', '-t', 'x'], ['pytest'], ['integration'])).toThrow(/extra arguments for jest: but integration runs pytest/);
    expect(extraArgsByRunner([], ['pytest', 'vitest'], ['integration'])('vitest')).toEqual([]);
  });
});

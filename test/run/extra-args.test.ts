import { describe, expect, it } from 'vitest';
import { extraArgsByRunner, parseExtraArgs } from '../../src/execute/extra-args.js';
import { SeamsError } from '../../src/util/errors.js';

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

  it('refuse arguments that collide with the report options seams sets, with a hint', () => {
    const refused = (args: string[], runners: string[]) => {
      try {
        extraArgsByRunner(args, runners, ['integration']);
        return null;
      } catch (error) {
        return error as SeamsError;
      }
    };
    for (const [args, runner] of [
      [['--junitxml=x.xml'], 'pytest'],
      [['--junit-xml', 'x.xml'], 'pytest'],
      [['-p', 'no:junitxml'], 'pytest'],
      [['--collect-only'], 'pytest'],
      [['--reporter=verbose'], 'vitest'],
      [['--outputFile', 'o.json'], 'vitest'],
      [['--json'], 'jest'],
      [['--reporter=line'], 'playwright'],
      [['--junitxml', 'x.xml'], 'pytest'],
      [['-pno:junitxml'], 'pytest'],
      [['--co'], 'pytest'],
      [['-o', 'junit_family=xunit2'], 'pytest'],
      [['--override-ini=junit_family=xunit2'], 'pytest'],
      [['--reporter', 'dot'], 'vitest'],
      [['--outputFile=o.json'], 'vitest'],
      [['--outputFile.json=o.json'], 'vitest'],
      [['--output-file', 'o.json'], 'vitest'],
      [['--json'], 'vitest'],
      [['--reporter=default'], 'jest'],
      [['--reporters', 'default'], 'jest'],
      [['--outputFile=o.json'], 'jest'],
      [['--listTests'], 'jest'],
      [['--reporter', 'list'], 'playwright'],
      [['--list'], 'playwright'],
    ] as const) {
      const e = refused([...args], [runner]);
      expect(e, `${args.join(' ')} for ${runner}`).toBeInstanceOf(SeamsError);
      expect(e!.code).toBe('SEAMS_USAGE');
      expect(e!.message).toContain(`for ${runner}:`);
      expect(e!.hint).toBeTruthy();
    }
    // in a section, only the runner that gets them judges them
    expect(refused(['vitest:', '--reporter=verbose', 'pytest:', '-k', 'x'], ['pytest', 'vitest'])?.message).toContain('for vitest:');
    expect(refused(['-k', 'db', '-x', '-p', 'xdist'], ['pytest'])).toBeNull();
    expect(refused(['-t', 'audit', '--project=web'], ['vitest'])).toBeNull();
    expect(refused(['-o', 'log_cli=true', '--junit-prefix=x'], ['pytest'])).toBeNull();
    expect(refused(['--listen', '--list-x'], ['playwright'])).toBeNull();
    expect(refused(['--outputFileX'], ['jest'])).toBeNull();
  });
});

import { chmodSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { canEnter } from '../../src/services/users.js';

describe('canEnter (services run as another user)', () => {
  it('needs execute permission on the folder and on every parent, for the ids it checks', () => {
    const top = mkdtempSync(path.join(tmpdir(), 'seams-enter-'));
    const inner = path.join(top, 'repo');
    mkdirSync(inner);
    const other = { uid: 54321, gid: 54321 };
    chmodSync(top, 0o755);
    expect(canEnter(inner, other)).toBe(true);
    chmodSync(top, 0o700); // like mktemp -d: only its owner may enter
    expect(canEnter(inner, other)).toBe(false);
    expect(canEnter(inner, { uid: process.getuid!(), gid: process.getgid!() })).toBe(true);
    expect(canEnter(path.join(top, 'missing'), other)).toBe(false);
  });
});

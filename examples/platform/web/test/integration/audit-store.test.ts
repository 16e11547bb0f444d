import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditStore } from '../../src/audit/store.js';

// Fails (never skips) without DATABASE_URL: `seams run integration` starts Postgres and sets it.
const url = process.env.DATABASE_URL;
const schema = `audit_${(process.env.SEAMS_RUN_ID ?? randomUUID()).replace(/\W/g, '_').toLowerCase()}`;
let store: AuditStore;

describe('audit store against Postgres', () => {
  beforeAll(async () => {
    if (!url) throw new Error('DATABASE_URL is not set: run `seams run integration` or `seams services up db`');
    store = new AuditStore(new pg.Pool({ connectionString: url, max: 2 }), schema);
    await store.migrate();
  });
  afterAll(async () => {
    await store?.close();
  });

  it('records events in order for a run [FR-031]', async () => {
    await store.record({ run: 'r1', action: 'sync', actor: 'ci', detail: { pushed: 2 } });
    await store.record({ run: 'r1', action: 'params', actor: 'ci', detail: {} });
    await store.record({ run: 'r2', action: 'sync', actor: 'ci', detail: {} });
    const events = await store.forRun('r1');
    expect(events.map((e) => e.action)).toEqual(['sync', 'params']);
    expect(events[0]!.detail).toEqual({ pushed: 2 });
  });

  it('migrates twice without error', async () => {
    await expect(store.migrate()).resolves.toBeUndefined();
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openStore, type ResultStore } from '../../src/store/index.js';

/** The PostgreSQL server the store tests use (SEAMS_TEST_PG, else the machine's own). */
export const PG_URL = process.env.SEAMS_TEST_PG ?? 'postgresql://root@127.0.0.1:5432/test';

export type StoreMaker = () => Promise<{ store: ResultStore; cleanup: () => Promise<void> }>;

/**
 * Both history stores for `describe.each`: a SQLite file in a fresh folder, and a fresh PostgreSQL
 * schema; `cleanup` removes the folder or drops the schema. `name` tells the folders and schemas apart.
 */
export function storeEngines(name: string): [string, StoreMaker][] {
  return [
    [
      'sqlite',
      async () => {
        const dir = mkdtempSync(path.join(tmpdir(), `seams-${name}-`));
        return { store: await openStore('sqlite:history.db', dir), cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
      },
    ],
    [
      'postgres',
      async () => {
        const schema = `seams_${name.replace(/\W/g, '_')}_${process.pid}_${Date.now()}`;
        return {
          store: await openStore(PG_URL, '/', { schema }),
          cleanup: async () => {
            const c = new pg.Client({ connectionString: PG_URL });
            await c.connect();
            await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
            await c.end();
          },
        };
      },
    ],
  ];
}

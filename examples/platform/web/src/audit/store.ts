import pg from 'pg';

/** Audit trail of sync runs in Postgres (DATABASE_URL). */
export interface AuditEvent {
  run: string;
  action: 'sync' | 'provision' | 'params';
  actor: string;
  detail: Record<string, unknown>;
}

export class AuditStore {
  constructor(
    private readonly pool: pg.Pool,
    private readonly schema = 'audit',
  ) {}

  static fromEnv(env: NodeJS.ProcessEnv = process.env): AuditStore {
    if (!env.DATABASE_URL) throw new Error('DATABASE_URL is not set');
    return new AuditStore(new pg.Pool({ connectionString: env.DATABASE_URL, max: 4 }));
  }

  async migrate(): Promise<void> {
    await this.pool.query(`CREATE SCHEMA IF NOT EXISTS ${this.schema}`);
    await this.pool.query(
      `CREATE TABLE IF NOT EXISTS ${this.schema}.events (
         id bigserial PRIMARY KEY, run text NOT NULL, action text NOT NULL, actor text NOT NULL,
         detail jsonb NOT NULL DEFAULT '{}', at timestamptz NOT NULL DEFAULT now())`,
    );
  }

  async record(event: AuditEvent): Promise<number> {
    const { rows } = await this.pool.query<{ id: string }>(
      `INSERT INTO ${this.schema}.events (run, action, actor, detail) VALUES ($1, $2, $3, $4) RETURNING id`,
      [event.run, event.action, event.actor, JSON.stringify(event.detail)],
    );
    return Number(rows[0]!.id);
  }

  async forRun(run: string): Promise<AuditEvent[]> {
    const { rows } = await this.pool.query(`SELECT run, action, actor, detail FROM ${this.schema}.events WHERE run = $1 ORDER BY id`, [run]);
    return rows as AuditEvent[];
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

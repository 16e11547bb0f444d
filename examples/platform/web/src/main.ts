import { AuditStore } from './audit/store.js';
import { createApp } from './server.js';

const demo = {
  async list() {
    return [
      { repository: 'mirror/web/nginx', reference: '1.27', pushedAt: '2026-11-02T10:00:00Z', sizeBytes: 73_400_320 },
      { repository: 'mirror/acme/worker', reference: '2.4.1', pushedAt: '2026-11-03T08:30:00Z', sizeBytes: 12_582_912 },
    ];
  },
};

const audit = process.env.DATABASE_URL ? AuditStore.fromEnv() : undefined;
const port = Number(process.env.PORT ?? 4173);
createApp(demo, audit).listen(port, '127.0.0.1', () => console.log(`platform-web on http://127.0.0.1:${port}`));

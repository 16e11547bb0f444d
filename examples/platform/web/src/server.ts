import { createServer, type Server } from 'node:http';
import type { AuditStore } from './audit/store.js';
import { renderDashboard } from './routes/dashboard.js';
import { listImages, type ImageSource } from './routes/images.js';

/** The HTTP API: /health, /api/images, /api/audit/:run and the dashboard at /. */
export function createApp(images: ImageSource, audit?: AuditStore): Server {
  return createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    try {
      if (url.pathname === '/health') return send(res, 200, 'text/plain', 'ok');
      if (url.pathname === '/api/images')
        return send(res, 200, 'application/json', JSON.stringify(await listImages(images, url.searchParams.get('prefix') ?? undefined)));
      const audited = /^\/api\/audit\/([\w.-]+)$/.exec(url.pathname);
      if (audited && audit) return send(res, 200, 'application/json', JSON.stringify(await audit.forRun(audited[1]!)));
      if (url.pathname === '/') return send(res, 200, 'text/html', await renderDashboard(images));
      return send(res, 404, 'text/plain', 'not found');
    } catch (error) {
      return send(res, 500, 'text/plain', String(error));
    }
  });
}

function send(res: import('node:http').ServerResponse, status: number, type: string, body: string) {
  res.writeHead(status, { 'content-type': type });
  res.end(body);
}

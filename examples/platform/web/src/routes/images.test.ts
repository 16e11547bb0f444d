import { describe, expect, it } from 'vitest';
import { renderDashboard } from '@/routes/dashboard.js';
import { listImages } from './images.js';

const source = {
  list: async () => [
    { repository: 'web/nginx', reference: '1.27', pushedAt: '2026-11-01T00:00:00Z', sizeBytes: 10 },
    { repository: 'jobs/worker', reference: '2.0', pushedAt: '2026-11-02T00:00:00Z', sizeBytes: 2048 },
    { repository: 'web/<script>', reference: '1', pushedAt: '2026-10-01T00:00:00Z', sizeBytes: 1 },
  ],
};

describe('GET /api/images @workflow:image-dashboard', () => {
  it('lists newest first with labels [FR-030]', async () => {
    const images = await listImages(source);
    expect(images.map((i) => i.label)).toEqual(['jobs/worker:2.0', 'web/nginx:1.27', 'web/<script>:1']);
  });
  it('filters by prefix', async () => {
    expect((await listImages(source, 'web/')).length).toBe(2);
  });
});

describe('dashboard', () => {
  it('renders one escaped row per image', async () => {
    const html = await renderDashboard(source);
    expect(html).toContain('3 images');
    expect(html).toContain('web/&lt;script&gt;:1');
    expect(html).not.toContain('<script>');
  });
  it.todo('paginates beyond 100 images');
});

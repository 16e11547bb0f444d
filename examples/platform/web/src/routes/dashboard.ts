import { escapeHtml, formatBytes } from '../lib/format.js';
import { listImages, type ImageSource } from './images.js';

/** GET /: the dashboard page, server-rendered. */
export async function renderDashboard(source: ImageSource): Promise<string> {
  const images = await listImages(source);
  const rows = images
    .map((i) => `<tr><td>${escapeHtml(i.label)}</td><td>${escapeHtml(i.pushedAt)}</td><td>${formatBytes(i.sizeBytes)}</td></tr>`)
    .join('');
  return `<!doctype html><title>Mirrored images</title><h1>Mirrored images</h1>
<p data-testid="count">${images.length} images</p>
<table><thead><tr><th>Image</th><th>Pushed</th><th>Size</th></tr></thead><tbody>${rows}</tbody></table>`;
}

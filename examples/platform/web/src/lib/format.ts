/** Formatting helpers shared by the API and the dashboard. */

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) throw new RangeError(`not a size: ${bytes}`);
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** `web/nginx:1.27` or `web/nginx@sha256:0123456789ab` (digests shortened to 12 hex digits). */
export function imageLabel(repository: string, reference: string): string {
  if (reference.startsWith('sha256:')) return `${repository}@${reference.slice(0, 19)}`;
  return `${repository}:${reference}`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

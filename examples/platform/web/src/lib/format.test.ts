import { describe, expect, it } from 'vitest';
import { escapeHtml, formatBytes, imageLabel } from './format.js';

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1536, '1.5 KiB'],
    [73_400_320, '70 MiB'],
  ])('formats %d as %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
  it('rejects negative sizes', () => {
    expect(() => formatBytes(-1)).toThrow(RangeError);
  });
});

describe('imageLabel', () => {
  it('uses a colon for tags', () => {
    expect(imageLabel('web/nginx', '1.27')).toBe('web/nginx:1.27');
  });
  it('shortens digests [FR-030]', () => {
    expect(imageLabel('x/y', 'sha256:0123456789abcdef0123')).toBe('x/y@sha256:0123456789ab');
  });
});

it('escapes html @FR-033', () => {
  expect(escapeHtml('<img src=x onerror="a">')).toBe('&lt;img src=x onerror=&quot;a&quot;&gt;');
});

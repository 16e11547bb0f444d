import { existsSync } from 'node:fs';
import { chromium, defineConfig } from '@playwright/test';

/**
 * Chromium: CHROMIUM_PATH if set, else Playwright's own build (`npx playwright install chromium`),
 * else a system Chromium/Chrome, so the e2e tier also runs where browsers cannot be downloaded.
 */
function chromiumPath(): string | undefined {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  let bundled: string | undefined;
  try {
    bundled = chromium.executablePath();
  } catch {
    bundled = undefined;
  }
  if (bundled && existsSync(bundled)) return undefined;
  return ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'].find((p) => existsSync(p));
}

export default defineConfig({
  testDir: './e2e',
  retries: process.env.CI ? 2 : 0,
  reporter: [['list']],
  use: { baseURL: process.env.WEB_URL ?? 'http://127.0.0.1:4173' },
  webServer: process.env.WEB_URL
    ? undefined
    : { command: 'npm run start', url: 'http://127.0.0.1:4173/health', reuseExistingServer: true, env: { PORT: '4173' } },
  projects: [{ name: 'chromium', use: { browserName: 'chromium', launchOptions: { executablePath: chromiumPath() } } }],
});

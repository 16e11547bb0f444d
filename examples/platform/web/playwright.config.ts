import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: './e2e',
  retries: process.env.CI ? 2 : 0,
  reporter: [['list']],
  use: { baseURL: process.env.WEB_URL ?? 'http://127.0.0.1:4173' },
  webServer: process.env.WEB_URL
    ? undefined
    : { command: 'npm run start', url: 'http://127.0.0.1:4173/health', reuseExistingServer: true, env: { PORT: '4173' } },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
});

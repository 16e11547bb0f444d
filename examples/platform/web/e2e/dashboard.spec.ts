import { expect, test } from '@playwright/test';

test.describe('dashboard', { tag: ['@workflow:image-dashboard', '@e2e'] }, () => {
  test('shows the mirrored images [FR-032]', async ({ page }) => {
    await page.goto('/');
    await expect(page.getByRole('heading', { name: 'Mirrored images' })).toBeVisible();
    await expect(page.getByTestId('count')).toHaveText('2 images');
  });

  test('lists newest first', { annotation: { type: 'requirement', description: 'FR-030' } }, async ({ page }) => {
    await page.goto('/');
    const first = page.locator('tbody tr').first();
    await expect(first).toContainText('mirror/acme/worker:2.4.1');
  });
});

test('health endpoint answers', async ({ request }) => {
  const res = await request.get('/health');
  expect(res.status()).toBe(200);
});

import { test, expect } from './fixtures';
import { ROUTES } from '../../src/plugin/constants';

test.describe('navigating app', () => {
  test('overview should render successfully', async ({ gotoPage, page }) => {
    await gotoPage(`/${ROUTES.Home}`);
    await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
  });

  test('unknown paths show the overview', async ({ gotoPage, page }) => {
    await gotoPage('/no-such-page');
    await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
  });
});

import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eDialects, launchBrowser, type RunningVigil, snapshot, startVigil } from './support.js';

const admin = { email: 'ada@example.com', name: 'Ada Admin', password: 'correct horse battery staple 42' };

describe.each(e2eDialects())('the web app on %s', (dialect) => {
  let vigil: RunningVigil;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    browser = await launchBrowser();
    vigil = await startVigil(dialect, admin);
    // The browser's zone differs from the site's, so the test can tell which zone a time is shown in.
    context = await browser.newContext({
      baseURL: vigil.baseUrl,
      timezoneId: 'America/New_York',
      locale: 'en-US',
      viewport: { width: 1360, height: 860 },
    });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await vigil?.stop();
  });

  it('signs in, creates a site, finds it in the audit log, and signs out', async () => {
    const scriptErrors: string[] = [];
    page.on('pageerror', (error) => scriptErrors.push(error.message));
    page.on('console', (message) => {
      // A CSP violation is reported on the console; the strict policy must hold for the real build.
      if (message.type() === 'error' && /Content Security Policy/i.test(message.text()))
        scriptErrors.push(message.text());
    });

    // An anonymous visit lands on the sign-in page.
    await page.goto('/audit');
    await page.waitForURL(/\/login\?next=%2Faudit/);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();

    // A wrong password is refused with the server's message.
    await page.getByLabel('Email').fill(admin.email);
    await page.getByLabel(/^Password/).fill('not the password at all');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: /email or password/i })
      .waitFor();

    await page.getByLabel(/^Password/).fill(admin.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    // Back where the visit started, signed in.
    await page.waitForURL(/\/audit$/);
    await page.getByTestId('user-menu').getByText(admin.name).waitFor();

    // Create a site in the Paris zone.
    await page
      .getByRole('navigation', { name: 'Main navigation' })
      .getByRole('link', { name: 'Sites' })
      .click();
    await page.getByRole('heading', { name: 'Sites' }).waitFor();
    await page.getByText('No sites yet').waitFor();
    await page.getByRole('button', { name: 'New site' }).first().click();
    const drawer = page.getByRole('dialog', { name: 'New site' });
    await drawer.getByLabel('Name').fill('Lyon Plant');
    await drawer.getByLabel('Code').fill('lyn-01');
    await drawer.getByRole('combobox', { name: 'Time zone' }).fill('Europe/Paris');
    await page.getByRole('option', { name: 'Europe/Paris' }).click();
    await drawer.getByLabel('Address').fill('12 rue de la Soie, Lyon');
    await drawer.getByRole('button', { name: 'Create site' }).click();
    await page.getByText('Site Lyon Plant (LYN-01) created.').waitFor();
    await drawer.waitFor({ state: 'detached' });
    const row = page.getByRole('row', { name: 'Edit site Lyon Plant' });
    await row.waitFor();
    expect(await row.textContent()).toContain('LYN-01');
    await snapshot(page, `${dialect}-sites`);

    // Edit it: the drawer loads the current version and saves with If-Match.
    await row.click();
    const editor = page.getByRole('dialog', { name: 'Edit Lyon Plant' });
    await editor.getByLabel('Name').fill('Lyon Plant North');
    await editor.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Site Lyon Plant North saved.').waitFor();
    await editor.waitFor({ state: 'detached' });
    await page.getByRole('row', { name: 'Edit site Lyon Plant North' }).waitFor();

    // The same code again: the server's field error lands on the Code field.
    await page.getByRole('button', { name: 'New site' }).first().click();
    await drawer.getByLabel('Name').fill('Lyon Plant bis');
    await drawer.getByLabel('Code').fill('LYN-01');
    await drawer.getByRole('button', { name: 'Create site' }).click();
    await drawer.getByText('Already in use').waitFor();
    await drawer.getByRole('button', { name: 'Cancel' }).click();
    await drawer.waitFor({ state: 'detached' });

    // The site's id, read through the same session the page uses.
    const sites = await context.request.get('/api/v1/sites?q=LYN-01');
    expect(sites.ok()).toBe(true);
    const siteId: string = (await sites.json()).items[0].id;

    // The audit log holds the site.created entry for that site, shown in the site's zone.
    await page
      .getByRole('navigation', { name: 'Main navigation' })
      .getByRole('link', { name: 'Audit log' })
      .click();
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    await page.getByRole('combobox', { name: 'Action' }).fill('site.created');
    const entry = page.locator(
      `[data-testid="audit-row"][data-action="site.created"][data-entity-id="${siteId}"]`,
    );
    // Once the filter applies, the site's creation is the only entry left.
    await expect.poll(() => page.locator('[data-testid="audit-row"]').count(), { timeout: 10_000 }).toBe(1);
    await entry.waitFor();
    expect(await entry.textContent()).toMatch(/GMT\+[12]|CES?T/);
    await entry.getByRole('button', { name: 'Show the changes' }).click();
    const changes = page.locator('pre').filter({ hasText: '"code": "LYN-01"' });
    await changes.waitFor();
    expect(await changes.textContent()).toContain('"timezone": "Europe/Paris"');
    await snapshot(page, `${dialect}-audit`);

    // Entries without a site (the sign-in) are shown in the browser's zone.
    await page.getByRole('button', { name: 'Clear filters' }).click();
    const login = page.locator('[data-testid="audit-row"][data-action="auth.login"]').first();
    await login.waitFor();
    expect(await login.textContent()).toMatch(/E[SD]T/);

    // The notification center, and the admin's view of background jobs (empty or not, depending
    // on whether a schedule came due during the test).
    await page
      .getByRole('navigation', { name: 'Main navigation' })
      .getByRole('link', { name: 'Notifications' })
      .click();
    await page.getByRole('heading', { name: 'Notifications' }).waitFor();
    await page.getByText('Nothing unread').waitFor();
    await page.getByText('How you are told').waitFor();
    await page
      .getByRole('navigation', { name: 'Main navigation' })
      .getByRole('link', { name: 'Background jobs' })
      .click();
    await page.getByRole('heading', { name: 'Background jobs' }).waitFor();
    await page
      .getByText(/^No jobs$|^Kind$/)
      .first()
      .waitFor();

    // Sign out: back at the sign-in page, and the session is gone.
    await page.getByTestId('user-menu').click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.waitForURL(/\/login$/);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    const me = await context.request.get('/api/v1/me');
    expect(me.status()).toBe(401);
    await page.goto('/sites');
    await page.waitForURL(/\/login\?next=%2Fsites/);

    expect(scriptErrors).toEqual([]);
  });
});

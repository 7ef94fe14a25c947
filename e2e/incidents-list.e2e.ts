import fs from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eDialects, launchBrowser, type RunningVigil, signIn, snapshot, startVigil } from './support.js';

// Lists and metrics load after the page's chunks: give them the page's time, not poll's 1 s default.
const polling = { timeout: 20_000 };

const admin = { email: 'cso@example.com', name: 'Casey CSO', password: 'correct horse battery staple 42' };

describe.each(e2eDialects())('the incident list, intake and metrics on %s', (dialect) => {
  let vigil: RunningVigil;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    browser = await launchBrowser();
    vigil = await startVigil(dialect, admin);
    context = await browser.newContext({
      baseURL: vigil.baseUrl,
      // Not the site's zone: the occurrence time must be read in the site's zone, not the browser's.
      timezoneId: 'America/New_York',
      locale: 'en-US',
      viewport: { width: 1440, height: 900 },
      acceptDownloads: true,
    });
    page = await context.newPage();
    page.setDefaultTimeout(20_000);
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await vigil?.stop();
  });

  it('reports an incident, finds and filters it, saves the view and shows the metrics', async () => {
    const scriptErrors: string[] = [];
    page.on('pageerror', (error) => scriptErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error' && /Content Security Policy/i.test(message.text()))
        scriptErrors.push(message.text());
    });

    await signIn(page, admin);

    // The API shares the browser's session cookie; writes carry the session's CSRF token.
    const me = (await (await page.request.get('/api/v1/me')).json()) as { csrfToken: string };
    const post = async (url: string, data: unknown) => {
      const response = await page.request.post(url, { data, headers: { 'x-csrf-token': me.csrfToken } });
      const body = (await response.json()) as { id: string };
      expect(response.status(), JSON.stringify(body)).toBe(201);
      return body;
    };
    const site = await post('/api/v1/sites', {
      name: 'Harbour depot',
      code: 'HBR',
      timezone: 'Europe/Paris',
    });
    // The site was made behind the app's back: load the app again so its site list has it.
    await page.reload();

    // The list starts empty, and says so.
    await page
      .getByRole('navigation', { name: 'Main navigation' })
      .getByRole('link', { name: 'Incidents' })
      .click();
    await page.getByRole('heading', { name: 'Incidents', exact: true }).waitFor();
    await page.getByText('No incidents yet').waitFor();

    // Report one through the intake form; a missing field is named first.
    await page.getByRole('link', { name: 'New incident' }).click();
    await page.getByRole('heading', { name: 'Report an incident' }).waitFor();
    await page.getByRole('button', { name: 'Report incident' }).click();
    await page.getByText('Required').first().waitFor();
    await page.getByLabel('Title').fill('Forklift keys stolen from the dock office');
    await page.getByRole('combobox', { name: 'Type' }).fill('Theft');
    await page.getByRole('option', { name: 'Theft', exact: true }).click();
    await page.getByRole('combobox', { name: 'Severity' }).click();
    await page.getByRole('option', { name: 'High' }).click();
    await page.getByRole('combobox', { name: 'Site' }).fill('Harbour');
    await page.getByRole('option', { name: 'Harbour depot (HBR)' }).click();
    await page.getByText("In the site's time zone (Europe/Paris)").waitFor();
    await page.getByLabel('Occurred at').fill('2025-03-01T08:30');
    await page.getByLabel('Location').fill('Dock office');
    await page.getByLabel('Description').fill('The key box was found open at the start of the shift.');
    await page.getByRole('button', { name: 'Add a person' }).click();
    const person = page.getByTestId('person-row');
    await person.getByText('Name', { exact: true }).click();
    await person.getByRole('textbox', { name: 'Name' }).fill('Walt Witness');
    await snapshot(page, `${dialect}-intake`);
    await page.getByRole('button', { name: 'Report incident' }).click();
    await page.waitForURL(/\/incidents\/[0-9a-f-]{36}$/);
    const incidentId = page.url().split('/').at(-1) ?? '';

    // The time was read in the site's zone (Paris, UTC+1 in March), not the browser's (New York).
    const filed = (await (await page.request.get(`/api/v1/incidents/${incidentId}`)).json()) as {
      occurredAt: string;
      severity: string;
      reference: string;
    };
    expect(filed).toMatchObject({ occurredAt: '2025-03-01T07:30:00.000Z', severity: 'high' });
    const people = (await (await page.request.get(`/api/v1/incidents/${incidentId}/people`)).json()) as {
      items: { name: string; role: string }[];
    };
    expect(people.items).toMatchObject([{ name: 'Walt Witness', role: 'witness' }]);

    // A second, low-severity case, so that filters have something to leave out.
    await post('/api/v1/incidents', {
      title: 'Broken lamp in the car park',
      type: 'vandalism',
      severity: 'low',
      siteId: site.id,
    });

    // Search finds the reported case.
    await page.goto('/incidents');
    const rows = page.getByTestId('incident-row');
    await expect.poll(() => rows.count(), polling).toBe(2);
    await page.getByLabel('Search').fill('forklift');
    await page.waitForURL(/\/incidents\?q=forklift$/);
    await expect.poll(() => rows.count(), polling).toBe(1);
    expect(await rows.first().textContent()).toContain('Forklift keys stolen from the dock office');
    expect(await rows.first().textContent()).toContain(filed.reference);

    // Filter by severity instead, and save that view.
    await page.getByRole('button', { name: 'Clear filters' }).first().click();
    await expect.poll(() => rows.count(), polling).toBe(2);
    await page.getByRole('combobox', { name: 'Severity' }).click();
    await page.getByRole('option', { name: 'High' }).click();
    await page.waitForURL(/\/incidents\?severity=high$/);
    await expect.poll(() => rows.count(), polling).toBe(1);
    await page.getByRole('button', { name: 'Saved views' }).click();
    await page.getByRole('menuitem', { name: 'Save the current view…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Save this view' });
    await dialog.getByLabel('Name').fill('High severity');
    await dialog.getByRole('button', { name: 'Save view' }).click();
    await page.getByText('View "High severity" saved.').waitFor();
    await page.getByRole('button', { name: 'High severity' }).waitFor();
    await snapshot(page, `${dialect}-list-filtered`);

    // The CSV export follows the filters.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('incidents.csv');
    const csv = fs.readFileSync((await download.path()) ?? '', 'utf8');
    expect(csv).toContain(filed.reference);
    expect(csv).not.toContain('Broken lamp in the car park');

    // After a reload without filters, the saved view brings them back.
    await page.goto('/incidents');
    await page.reload();
    await expect.poll(() => rows.count(), polling).toBe(2);
    await page.getByRole('button', { name: 'Saved views' }).click();
    await page.getByRole('menuitem', { name: 'High severity' }).click();
    await page.waitForURL(/\/incidents\?severity=high$/);
    await expect.poll(() => rows.count(), polling).toBe(1);
    await page.getByRole('button', { name: 'High severity' }).waitFor();

    // Rows open their case from the keyboard.
    await rows.first().focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/incidents/${incidentId}$`));

    // The metrics count both cases and draw their charts.
    await page.goto('/incidents');
    await page.getByRole('link', { name: 'Metrics' }).click();
    await page.getByRole('heading', { name: 'Incident metrics' }).waitFor();
    await expect.poll(() => page.getByTestId('metric-total-value').textContent(), polling).toBe('2');
    await page.getByRole('img', { name: 'Incidents by month' }).locator('svg').first().waitFor();
    await page.getByRole('img', { name: 'Incidents by type' }).locator('svg').first().waitFor();
    await snapshot(page, `${dialect}-metrics`);

    expect(scriptErrors).toEqual([]);
  });
});

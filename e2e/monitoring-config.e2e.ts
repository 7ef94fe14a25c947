import fs from 'node:fs';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eDialects, launchBrowser, type RunningVigil, signIn, snapshot, startVigil } from './support.js';

const admin = {
  email: 'cleo@example.com',
  name: 'Cleo Configurer',
  password: 'correct horse battery staple 42',
};

/** Types into a searchable select, then picks the option by keyboard. */
async function choose(page: Page, combobox: Locator, typed: string, option: string): Promise<void> {
  await combobox.fill(typed);
  await page.getByRole('option', { name: option, exact: true }).waitFor();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
}

describe.each(e2eDialects())('alarm rules, procedures and the event log on %s', (dialect) => {
  let vigil: RunningVigil;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    browser = await launchBrowser();
    vigil = await startVigil(dialect, admin);
    context = await browser.newContext({
      baseURL: vigil.baseUrl,
      timezoneId: 'America/New_York',
      locale: 'en-US',
      viewport: { width: 1360, height: 900 },
    });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await vigil?.stop();
  });

  it('a site rule makes a person a high alarm, whose procedure steps reach the desk', async () => {
    const scriptErrors: string[] = [];
    page.on('pageerror', (error) => scriptErrors.push(error.message));

    await signIn(page, admin);

    // The site, the camera and an ingest token come through the API (the session's cookie + CSRF).
    const me = (await (await page.request.get('/api/v1/me')).json()) as { csrfToken: string };
    const post = async (url: string, data: unknown) => {
      const response = await page.request.post(url, { data, headers: { 'x-csrf-token': me.csrfToken } });
      const body = (await response.json()) as { id: string; token?: string };
      expect(response.status(), JSON.stringify(body)).toBe(201);
      return body;
    };
    await post('/api/v1/sites', { name: 'Harbour depot', code: 'HBR', timezone: 'Europe/Paris' });
    const site = (
      (await (await page.request.get('/api/v1/sites')).json()) as { items: { id: string; code: string }[] }
    ).items.find((candidate) => candidate.code === 'HBR');
    await post('/api/v1/devices', {
      name: 'Quay camera',
      kind: 'camera',
      siteId: site?.id,
      externalId: 'cam-quay',
    });
    const { token } = await post('/api/v1/tokens', { name: 'Video analytics', permissions: ['ingest'] });
    const ingest = async (events: Record<string, unknown>[]) => {
      const response = await page.request.post('/api/v1/ingest/events', {
        data: { events },
        headers: { authorization: `Bearer ${token}` },
      });
      expect(response.status(), await response.text()).toBe(202);
    };
    await page.reload();
    const nav = page.getByRole('navigation', { name: 'Main navigation' });

    // ---- Alarm rules: the empty state tells what happens without rules.
    await nav.getByRole('link', { name: 'Alarm rules' }).click();
    await page.getByRole('heading', { name: 'Alarm rules' }).waitFor();
    await page.getByText('No alarm rules yet').waitFor();
    const defaults = page.getByRole('table', { name: 'Built-in defaults' });
    await defaults
      .getByRole('row')
      .filter({ hasText: 'Medium alarm' })
      .getByText(/Person detected/)
      .waitFor();
    await snapshot(page, 'rules-empty');

    await page.getByRole('button', { name: 'New rule' }).first().click();
    const ruleDrawer = page.getByRole('dialog', { name: 'New alarm rule' });
    await ruleDrawer.getByRole('textbox', { name: 'Name' }).fill('Person on the quay in working hours');
    await choose(page, ruleDrawer.getByRole('combobox', { name: 'Event type' }), 'Person', 'Person detected');
    await ruleDrawer.getByText('Without a rule, person detected raises a medium alarm.').waitFor();
    await ruleDrawer.getByRole('radio', { name: 'One site' }).check();
    await choose(page, ruleDrawer.getByRole('combobox', { name: 'Site' }), 'Harbour', 'Harbour depot (HBR)');
    await choose(page, ruleDrawer.getByRole('combobox', { name: 'Priority' }), 'Hi', 'High');
    await ruleDrawer.getByRole('radio', { name: 'On a weekly schedule' }).check();
    // The schedule starts as nights and weekends; business hours is one click, and reads in words.
    await ruleDrawer.getByText('Armed: Nights and weekends, Europe/Paris').waitFor();
    await ruleDrawer.getByRole('button', { name: 'Business hours' }).click();
    await ruleDrawer.getByText('Armed: Business hours (Mon–Fri 08:00–18:00), Europe/Paris').waitFor();
    await ruleDrawer.getByRole('img', { name: /^Armed: Business hours/ }).waitFor();
    // Saturday mornings too: a second window.
    await ruleDrawer.getByRole('button', { name: 'Add window' }).click();
    const second = ruleDrawer.getByRole('group', { name: 'Window 2' });
    for (const day of ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'])
      await second.getByText(day, { exact: true }).click();
    await expect(second.getByRole('checkbox', { name: 'Saturday' }).isChecked()).resolves.toBe(true);
    await expect(second.getByRole('checkbox', { name: 'Monday' }).isChecked()).resolves.toBe(false);
    await second.getByLabel('From', { exact: true }).fill('09:00');
    await second.getByLabel('To', { exact: true }).fill('12:00');
    await ruleDrawer.getByText('Armed: Mon–Fri 08:00–18:00; Sat 09:00–12:00, Europe/Paris').waitFor();
    await snapshot(page, 'rule-drawer');
    await ruleDrawer.getByRole('button', { name: 'Create rule' }).click();
    await ruleDrawer.waitFor({ state: 'detached' });
    const ruleRow = page.getByTestId('rule-row').filter({ hasText: 'Person detected' });
    await expect(ruleRow.textContent()).resolves.toMatch(/Site · Harbour depot \(HBR\)/);
    await expect(ruleRow.textContent()).resolves.toMatch(/high alarm/i);
    await expect(ruleRow.textContent()).resolves.toMatch(
      /Mon–Fri 08:00–18:00; Sat 09:00–12:00, Europe\/Paris/,
    );
    await expect(ruleRow.textContent()).resolves.toMatch(/5 min/);

    // Edit it from the keyboard (the drawer sends the version it loaded in If-Match).
    await ruleRow.focus();
    await page.keyboard.press('Enter');
    const editRule = page.getByRole('dialog', { name: /^Edit rule/ });
    await editRule.getByLabel('Fold window (seconds)').fill('120');
    // Enter submits (the toast of the creation still covers the drawer's buttons).
    await page.keyboard.press('Enter');
    await editRule.waitFor({ state: 'detached' });
    await ruleRow.getByText('2 min').waitFor();
    await snapshot(page, 'rules');

    // ---- Procedures: two steps, the second moved first, previewed as the desk shows them.
    await nav.getByRole('link', { name: 'Procedures' }).click();
    await page.getByRole('heading', { name: 'Procedures' }).waitFor();
    await page.getByText('No procedures yet').waitFor();
    await page.getByRole('button', { name: 'New procedure' }).first().click();
    const sopDrawer = page.getByRole('dialog', { name: 'New procedure' });
    await choose(page, sopDrawer.getByRole('combobox', { name: 'Alarm type' }), 'Person', 'Person detected');
    await sopDrawer.getByRole('textbox', { name: 'Title' }).fill('Person on site');
    await sopDrawer.getByRole('textbox', { name: 'Step 1', exact: true }).fill('Call the site guard');
    await sopDrawer.getByRole('button', { name: 'Add step' }).click();
    // The new step has the focus.
    await page.keyboard.type('Check the quay cameras');
    await expect(sopDrawer.getByRole('textbox', { name: 'Step 2', exact: true }).inputValue()).resolves.toBe(
      'Check the quay cameras',
    );
    await sopDrawer.getByRole('button', { name: 'Move step 2 up' }).click();
    await expect(sopDrawer.getByRole('textbox', { name: 'Step 1', exact: true }).inputValue()).resolves.toBe(
      'Check the quay cameras',
    );
    const preview = sopDrawer.getByTestId('sop-preview');
    await preview.getByText('1. Check the quay cameras').waitFor();
    await preview.getByText('2. Call the site guard').waitFor();
    await snapshot(page, 'sop-drawer');
    await sopDrawer.getByRole('button', { name: 'Create procedure' }).click();
    await sopDrawer.waitFor({ state: 'detached' });
    const sopRow = page.getByTestId('sop-row').filter({ hasText: 'Person on site' });
    await expect(sopRow.textContent()).resolves.toMatch(/Every site/);
    await expect(sopRow.textContent()).resolves.toMatch(/1\. Check the quay cameras/);

    // ---- A camera reports a person on Wednesday 15 January 2025 at 10:00 in Paris (business hours).
    await nav.getByRole('link', { name: 'Event log' }).click();
    await page.getByRole('heading', { name: 'Event log' }).waitFor();
    await page.getByText('No events in this window').waitFor();
    await ingest([
      {
        id: 'quay-1',
        externalId: 'cam-quay',
        type: 'person_detected',
        occurredAt: '2025-01-15T09:00:00.000Z',
        code: 'person',
        zone: 'quay',
      },
    ]);
    await page.getByRole('button', { name: 'Refresh' }).click();
    const eventRow = page.getByTestId('event-row').filter({ hasText: 'Person detected' });
    await eventRow.waitFor();
    await expect(eventRow.textContent()).resolves.toMatch(/Quay camera/);
    await expect(eventRow.textContent()).resolves.toMatch(/HBR/);
    await expect(eventRow.textContent()).resolves.toMatch(/HTTP/);
    await expect(eventRow.textContent()).resolves.toMatch(/zone quay/);
    // Received now, in the site's zone; the device's clock (January) is shown beside it.
    await expect(eventRow.textContent()).resolves.toMatch(/GMT\+1|GMT\+2/);
    await expect(eventRow.textContent()).resolves.toMatch(/occurred Jan 15, 2025/);
    await eventRow.getByText('Alarm', { exact: true }).waitFor();

    // A second event while the page is open is announced, then shown.
    // Motion is only logged by default.
    await ingest([
      { id: 'quay-2', externalId: 'cam-quay', type: 'motion', occurredAt: new Date().toISOString() },
    ]);
    await page.getByRole('button', { name: 'Show 1 new event' }).click({ timeout: 20_000 });
    const motionRow = page.getByTestId('event-row').filter({ hasText: 'Motion' });
    await motionRow.getByText('Logged', { exact: true }).waitFor();

    // Filters go to the server and the URL.
    await choose(page, page.getByRole('combobox', { name: 'Outcome' }), 'Alarm', 'Alarm');
    await page.waitForURL(/outcome=alarm/);
    await motionRow.waitFor({ state: 'detached' });
    // The filtered list may be empty for a moment while it loads: wait for the person's row first.
    await eventRow.waitFor();
    await expect.poll(() => page.getByTestId('event-row').count(), { timeout: 10_000 }).toBe(1);
    await snapshot(page, 'event-log');

    // The CSV holds the filtered window.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    const csv = fs.readFileSync((await download.path()) ?? '', 'utf8');
    expect(csv).toMatch(/person_detected/);
    expect(csv).toMatch(/HBR/);
    expect(csv).not.toMatch(/motion/);

    // ---- The alarm, from the log: high (the rule's), with the procedure's steps in order.
    await eventRow.getByRole('button', { name: 'Open alarm' }).click();
    const alarm = page.getByRole('dialog', { name: 'Person detected alarm' });
    await alarm.getByText('1. Check the quay cameras').waitFor();
    await alarm.getByText('2. Call the site guard').waitFor();
    await page.keyboard.press('Escape');
    await alarm.waitFor({ state: 'detached' });

    // ---- And on the desk.
    await nav.getByRole('link', { name: 'Alarm desk' }).click();
    const deskRow = page.getByTestId('alarm-row').filter({ hasText: 'Person detected' });
    await deskRow.waitFor();
    await expect(deskRow.textContent()).resolves.toMatch(/high/i);
    await expect(deskRow.textContent()).resolves.toMatch(/Quay camera/);
    await deskRow.focus();
    await page.keyboard.press('Enter');
    const deskAlarm = page.getByRole('dialog', { name: 'Person detected alarm' });
    await deskAlarm.getByText('1. Check the quay cameras').waitFor();
    await deskAlarm.getByText('2. Call the site guard').waitFor();
    await snapshot(page, 'desk-with-sop');
    expect(scriptErrors).toEqual([]);
  });
});

import type { APIRequestContext, Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eDialects, launchBrowser, type RunningVigil, snapshot, startVigil } from './support.js';

const admin = { email: 'cso@example.com', name: 'Casey CSO', password: 'correct horse battery staple 42' };

/** Signs the context's API client in as the admin and answers the CSRF token of the session. */
async function signInApi(request: APIRequestContext): Promise<string> {
  const response = await request.post('/api/v1/auth/login', {
    data: { email: admin.email, password: admin.password },
  });
  expect(response.status()).toBe(200);
  const me = (await response.json()) as { csrfToken: string };
  return me.csrfToken;
}

/** Opens a report on the follow-up page with its reference and code. */
async function openReport(page: Page, reference: string, code: string): Promise<void> {
  await page.getByLabel(/^Reference/).fill(reference);
  await page.getByLabel(/^Follow-up code/).fill(code);
  await page.getByRole('button', { name: 'Open my report' }).click();
}

describe.each(e2eDialects())('concerns and incident settings on %s', (dialect) => {
  let vigil: RunningVigil;
  let browser: Browser;
  let reporterContext: BrowserContext;
  let staffContext: BrowserContext;
  let reporter: Page;
  let staff: Page;
  let csrf: string;

  beforeAll(async () => {
    browser = await launchBrowser();
    vigil = await startVigil(dialect, admin);
    const options = {
      baseURL: vigil.baseUrl,
      timezoneId: 'Europe/Paris',
      locale: 'en-US',
      viewport: { width: 1280, height: 900 },
    };
    // Two browsers in effect: a reporter with no session, and the security team.
    reporterContext = await browser.newContext(options);
    staffContext = await browser.newContext(options);
    reporter = await reporterContext.newPage();
    staff = await staffContext.newPage();
    reporter.setDefaultTimeout(20_000);
    staff.setDefaultTimeout(20_000);
    csrf = await signInApi(staffContext.request);
  });

  afterAll(async () => {
    await reporterContext?.close();
    await staffContext?.close();
    await browser?.close();
    await vigil?.stop();
  });

  it('takes an anonymous concern, and carries the conversation between the reporter and the security team', async () => {
    const scriptErrors: string[] = [];
    reporter.on('pageerror', (error) => scriptErrors.push(error.message));

    // Report with no session: always anonymous, and the page says so.
    await reporter.goto('/report');
    const anonymous = reporter.getByLabel('Report anonymously');
    await anonymous.waitFor();
    expect(await anonymous.isChecked()).toBe(true);
    expect(await anonymous.isDisabled()).toBe(true);
    await reporter.getByText('You are not signed in, so this report is always anonymous.').waitFor();
    await reporter.getByRole('button', { name: 'Send report' }).click();
    await reporter.getByText('Required', { exact: true }).waitFor();
    await reporter
      .getByLabel('What happened?')
      .fill('The fire door to the loading dock is propped open every night after 10 pm.');
    await reporter.getByLabel('Short title').fill('Fire door propped open');
    await reporter.getByLabel('Where?').fill('Loading dock B');
    await snapshot(reporter, `${dialect}-concern-form`);
    await reporter.getByRole('button', { name: 'Send report' }).click();

    // The receipt: reference, the one-time code, and the warning that it cannot be recovered.
    const referenceText = await reporter.getByTestId('concern-reference').textContent();
    const codeText = await reporter.getByTestId('concern-follow-up-code').textContent();
    const reference = referenceText?.trim() ?? '';
    const code = codeText?.trim() ?? '';
    expect(reference).toMatch(/^CON-[0-9A-Z]{5}-[0-9A-Z]{5}$/);
    expect(code).toMatch(/^[0-9A-Z]{5}(-[0-9A-Z]{5}){3}$/);
    await reporter.getByText('Save the follow-up code now: it cannot be recovered').waitFor();
    await reporter.getByRole('button', { name: 'Copy the follow-up code' }).waitFor();
    await snapshot(reporter, `${dialect}-concern-receipt`);

    // The follow-up page takes the reference over; a wrong code is refused without saying which half was wrong.
    await reporter.getByRole('link', { name: 'Follow up on this report' }).click();
    await reporter.waitForURL(/\/report\/follow-up$/);
    expect(await reporter.getByLabel(/^Reference/).inputValue()).toBe(reference);
    await openReport(reporter, reference, 'AAAAA-BBBBB-CCCCC-DDDDD');
    await reporter
      .getByText('No report matches this reference and follow-up code.', { exact: false })
      .waitFor();
    await snapshot(reporter, `${dialect}-follow-up-wrong-code`);

    // The right pair opens the report; the reporter adds a detail.
    await openReport(reporter, reference, code);
    await reporter.getByTestId('concern-status').getByText('Received').waitFor();
    await reporter.getByText('No messages yet.', { exact: false }).waitFor();
    await reporter.getByLabel('Your message').fill('It was open again on Tuesday at 11 pm.');
    await reporter.getByRole('button', { name: 'Send message' }).click();
    await reporter
      .getByTestId('concern-message')
      .filter({ hasText: 'It was open again on Tuesday' })
      .waitFor();
    // The code never reaches the address bar.
    expect(reporter.url()).not.toContain(code);

    // The security team finds the case, triages it and answers through the API.
    const list = await staffContext.request.get('/api/v1/incidents', { params: { kind: 'concern' } });
    expect(list.status()).toBe(200);
    const cases = ((await list.json()) as { items: { id: string; reference: string; anonymous: boolean }[] })
      .items;
    const concern = cases.find((item) => item.reference === reference);
    expect(concern?.anonymous).toBe(true);
    const id = concern?.id ?? '';
    const staffMessages = await staffContext.request.get(`/api/v1/incidents/${id}/concern-messages`);
    expect(((await staffMessages.json()) as { items: { body: string }[] }).items.map((m) => m.body)).toEqual([
      'It was open again on Tuesday at 11 pm.',
    ]);
    const triage = await staffContext.request.post(`/api/v1/incidents/${id}/transitions`, {
      data: { to: 'triaged' },
      headers: { 'x-csrf-token': csrf },
    });
    expect(triage.status()).toBe(200);
    const reply = await staffContext.request.post(`/api/v1/incidents/${id}/concern-messages`, {
      data: { body: 'Thank you. Did you see who opened it?' },
      headers: { 'x-csrf-token': csrf },
    });
    expect(reply.status()).toBe(201);

    // The reporter asks for replies: the answer and the new state show.
    await reporter.getByRole('button', { name: 'Check for replies' }).click();
    await reporter
      .getByTestId('concern-message')
      .filter({ hasText: 'Thank you. Did you see who opened it?' })
      .getByText('Security team', { exact: false })
      .waitFor();
    await reporter.getByTestId('concern-status').getByText('In review').waitFor();
    await snapshot(reporter, `${dialect}-follow-up-conversation`);

    // Signing out of the report forgets it: the form is back and empty.
    await reporter.getByRole('button', { name: 'Sign out of this report' }).click();
    expect(await reporter.getByLabel(/^Follow-up code/).inputValue()).toBe('');
    expect(await reporter.getByTestId('concern-message').count()).toBe(0);

    // Past the rate limit of the public form (10 reports in 10 minutes per network), the reporter is told how long to wait.
    for (;;) {
      const flood = await reporterContext.request.post('/api/v1/concerns', {
        data: { description: 'flood' },
      });
      if (flood.status() === 429) break;
      expect(flood.status()).toBe(201);
    }
    await reporter.goto('/report');
    await reporter.getByLabel('What happened?').fill('One more thing.');
    await reporter.getByRole('button', { name: 'Send report' }).click();
    await reporter
      .getByRole('alert')
      .getByText(
        /^Too many reports have been sent from your network.*Please try again in about 10 minutes\.$/,
      )
      .waitFor();
    await snapshot(reporter, `${dialect}-concern-rate-limited`);
    expect(scriptErrors).toEqual([]);
  });

  it('adds an incident type and changes an SLA policy on the settings page', async () => {
    await staff.goto('/incidents/settings');
    await staff.getByRole('heading', { name: 'Incident settings' }).waitFor();

    // A new type: the key follows the name.
    await staff.getByLabel(/^Type name/).fill('Drone sighting');
    expect(await staff.getByLabel(/^Key/).inputValue()).toBe('drone_sighting');
    await staff.getByRole('button', { name: 'Add type' }).click();
    await staff.getByTestId('incident-type-row').filter({ hasText: 'drone_sighting' }).waitFor();
    // The same key again is refused on the field.
    await staff.getByLabel(/^Type name/).fill('Drone sighting');
    await staff.getByRole('button', { name: 'Add type' }).click();
    await staff.getByText('Already exists').waitFor();
    const types = await staffContext.request.get('/api/v1/incident-types');
    const items = ((await types.json()) as { items: { key: string; label: string; builtin: boolean }[] })
      .items;
    expect(items).toContainEqual({ key: 'drone_sighting', label: 'Drone sighting', builtin: false });

    // The SLA of high cases: triage in 90 minutes, resolve in 48 hours, warn at 50 %, business hours.
    await staff.getByRole('tab', { name: 'SLA policies' }).click();
    await staff.waitForURL(/\/incidents\/settings\?tab=sla$/);
    const high = staff.getByTestId('sla-high');
    await high.getByLabel('Time to triage', { exact: true }).fill('90');
    await high.getByLabel('Unit of time to triage').selectOption('minutes');
    await high.getByLabel('Time to resolve', { exact: true }).fill('24');
    await high.getByLabel('Unit of time to resolve').selectOption('minutes');
    // The form refuses a resolve time shorter than the triage time before sending.
    await high.getByRole('button', { name: 'Save high SLA' }).click();
    await high.getByText('Cannot be shorter than the time to triage').waitFor();
    await high.getByLabel('Time to resolve', { exact: true }).fill('48');
    await high.getByLabel('Unit of time to resolve').selectOption('hours');
    await high.getByText('48 h, 2 days').waitFor();
    await high.getByLabel('Warn after').fill('50');
    await high.getByRole('combobox', { name: 'Counted in' }).click();
    await staff.getByRole('option', { name: 'Business hours (UTC)' }).click();
    await high.getByText('48 h of business hours').waitFor();
    await snapshot(staff, `${dialect}-settings-sla`);
    await high.getByRole('button', { name: 'Save high SLA' }).click();
    await staff.getByText('The SLA of high cases is saved.', { exact: false }).waitFor();

    const policies = await staffContext.request.get('/api/v1/incident-sla-policies');
    const saved = (
      (await policies.json()) as {
        items: {
          severity: string;
          triageMinutes: number;
          resolveMinutes: number;
          warnPercent: number;
          calendarId: string | null;
          version: number;
        }[];
      }
    ).items.find((policy) => policy.severity === 'high');
    expect(saved).toMatchObject({ triageMinutes: 90, resolveMinutes: 48 * 60, warnPercent: 50, version: 2 });
    expect(saved?.calendarId).not.toBeNull();
    // After the save the card shows the stored values, in the units they read best in.
    expect(await high.getByLabel('Time to triage', { exact: true }).inputValue()).toBe('90');
    expect(await high.getByLabel('Unit of time to triage').inputValue()).toBe('minutes');

    // Business calendars: the default one opens for editing.
    await staff.getByRole('tab', { name: 'Business calendars' }).click();
    await staff.getByRole('row', { name: 'Edit calendar Business hours' }).click();
    const drawer = staff.getByRole('dialog', { name: 'Edit Business hours' });
    await drawer.getByLabel('Saturday', { exact: true }).check();
    await drawer.getByLabel('Saturday opens').fill('10:00');
    await drawer.getByLabel('Saturday closes').fill('14:00');
    await drawer.getByRole('button', { name: 'Save calendar' }).click();
    await staff.getByText('Mon–Fri 09:00–17:00 · Sat 10:00–14:00').waitFor();
    await snapshot(staff, `${dialect}-settings-calendars`);
  });
});

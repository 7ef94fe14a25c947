import { randomBytes } from 'node:crypto';
import net from 'node:net';
import mqtt from 'mqtt';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PanelSimulator } from '../src/server/modules/monitoring/dc09/simulator.js';
import { e2eDialects, launchBrowser, type RunningVigil, signIn, snapshot, startVigil } from './support.js';

const admin = {
  email: 'otto@example.com',
  name: 'Otto Operator',
  password: 'correct horse battery staple 42',
};

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

describe.each(e2eDialects())('the alarm desk on %s', (dialect) => {
  let vigil: RunningVigil;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let dc09Port: number;
  let siteId: string;
  const topicPrefix = `e2e-${randomBytes(4).toString('hex')}`;
  const panels: PanelSimulator[] = [];

  beforeAll(async () => {
    browser = await launchBrowser();
    dc09Port = await freePort();
    // startVigil passes the environment on to `vigil serve`, which starts the DC-09 receiver.
    // The real Mosquitto broker too, on topics of this run's own (the two databases' runs differ).
    const serverEnv: Record<string, string> = {
      VIGIL_DC09_PORT: String(dc09Port),
      VIGIL_MQTT_URL: 'mqtt://127.0.0.1:1883',
      VIGIL_MQTT_FRIGATE_TOPIC: `${topicPrefix}/frigate`,
      VIGIL_MQTT_Z2M_TOPIC: `${topicPrefix}/z2m`,
      VIGIL_MQTT_EVENTS_TOPIC: `${topicPrefix}/events`,
    };
    const previous = Object.fromEntries(Object.keys(serverEnv).map((name) => [name, process.env[name]]));
    Object.assign(process.env, serverEnv);
    try {
      vigil = await startVigil(dialect, admin);
    } finally {
      for (const [name, value] of Object.entries(previous)) {
        if (value === undefined) Reflect.deleteProperty(process.env, name);
        else process.env[name] = value;
      }
    }
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
    for (const panel of panels) await panel.close();
    await context?.close();
    await browser?.close();
    await vigil?.stop();
  });

  it('shows a panel’s burglary live, then acknowledges and resolves it', async () => {
    const scriptErrors: string[] = [];
    page.on('pageerror', (error) => scriptErrors.push(error.message));

    await signIn(page, admin);

    // The API shares the browser's session cookie; writes carry the session's CSRF token.
    const me = (await (await page.request.get('/api/v1/me')).json()) as { csrfToken: string };
    const post = async (url: string, data: unknown) => {
      const response = await page.request.post(url, { data, headers: { 'x-csrf-token': me.csrfToken } });
      const body = (await response.json()) as { id: string };
      expect(response.status(), JSON.stringify(body)).toBe(201);
      return body;
    };
    siteId = (
      await post('/api/v1/sites', {
        name: 'Harbour depot',
        code: 'HBR',
        timezone: 'Europe/Paris',
      })
    ).id;
    await post('/api/v1/alarm-sops', {
      alarmType: 'intrusion',
      title: 'Burglary',
      steps: ['Check the cameras of the zone', 'Call the keyholder'],
    });

    // The site was made behind the app's back: load the app again so its site list has it.
    await page.reload();
    // Register the panel in the device registry.
    const nav = page.getByRole('navigation', { name: 'Main navigation' });
    await nav.getByRole('link', { name: 'Devices' }).click();
    await page.getByRole('heading', { name: 'Devices' }).waitFor();
    await page.getByText('No devices yet').waitFor();
    await page.getByRole('button', { name: 'Register device' }).first().click();
    const register = page.getByRole('dialog', { name: 'Register a device' });
    await register.getByRole('textbox', { name: 'Name', exact: true }).fill('Depot panel');
    await register.getByRole('combobox', { name: 'Site' }).fill('Harbour');
    await page.getByRole('option', { name: 'Harbour depot (HBR)' }).waitFor();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await register.getByLabel('Supervision (seconds)').fill('3600');
    await register.getByLabel('DC-09 account').fill('43G1');
    await register.getByRole('button', { name: 'Register device' }).click();
    // The contract's check runs before anything is sent.
    await register.getByText('3 to 16 hexadecimal digits').waitFor();
    await register.getByLabel('DC-09 account').fill('4321');
    await register.getByLabel('Serial number').fill('SN-0042');
    await register.getByRole('button', { name: 'Register device' }).click();
    await register.waitFor({ state: 'detached' });
    const deviceRow = page.getByTestId('device-row').filter({ hasText: 'Depot panel' });
    await expect(deviceRow.textContent()).resolves.toMatch(/DC-09 4321/);
    await expect(deviceRow.textContent()).resolves.toMatch(/unknown/);
    await expect(deviceRow.textContent()).resolves.toMatch(/Never/);

    await nav.getByRole('link', { name: 'Alarm desk' }).click();
    await page.getByRole('heading', { name: 'Alarm desk' }).waitFor();
    await page.getByText('No open alarms').waitFor();
    await page.getByTestId('stream-state').getByText('Live').waitFor();

    // A panel reports a burglary in zone 7 over DC-09; the page is not reloaded.
    const panel = new PanelSimulator({ port: dc09Port, account: '4321', ackTimeoutMs: 3000 });
    panels.push(panel);
    const sent = await panel.send({ protocol: 'SIA-DCS', code: 'BA', address: '7' });
    expect(sent.outcome).toBe('ACK');
    const row = page.getByTestId('alarm-row').filter({ hasText: 'Intrusion' });
    await row.waitFor({ timeout: 10_000 });
    await expect(row.textContent()).resolves.toMatch(/Depot panel/);
    await expect(row.textContent()).resolves.toMatch(/zone 7/);
    // The site's zone, not the browser's.
    await expect(row.textContent()).resolves.toMatch(/GMT\+1|CET|GMT\+2|CEST/);

    // A fire is critical: the banner shows, and the desk puts it first.
    expect((await panel.send({ protocol: 'SIA-DCS', code: 'FA', address: '2' })).outcome).toBe('ACK');
    await page.getByTestId('critical-banner').waitFor();
    await expect(page.getByTestId('alarm-row').first().textContent()).resolves.toMatch(/Fire/);
    await snapshot(page, 'alarm-desk');

    // Handle the burglary from the keyboard: focus the row, Enter opens it.
    await row.focus();
    await page.keyboard.press('Enter');
    const drawer = page.getByRole('dialog', { name: 'Intrusion alarm' });
    await drawer.waitFor();
    await drawer.getByRole('button', { name: 'Claim' }).click();
    await drawer.getByText(`${admin.name} (you)`).waitFor();
    await row.getByText(admin.name).waitFor();
    await drawer.getByRole('button', { name: 'Acknowledge' }).click();
    await drawer.getByText(/Acknowledged by:/).waitFor();

    await drawer.getByLabel('Note for step 1').fill('Cameras show a broken window');
    await drawer.getByRole('button', { name: 'Complete step' }).click();
    await drawer.getByLabel('Note for step 2').fill('Keyholder on the way');
    await drawer.getByRole('button', { name: 'Complete step' }).click();
    await drawer.getByText(/Keyholder on the way/).waitFor();

    // Choices by keyboard: type to filter, arrow to the option, Enter.
    await drawer.getByRole('combobox', { name: 'Disposition' }).fill('False');
    await page.getByRole('option', { name: 'False alarm' }).waitFor();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await drawer.getByRole('combobox', { name: 'Cause' }).fill('Anim');
    await page.getByRole('option', { name: 'Animal' }).waitFor();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await drawer.getByLabel('Resolution note').fill('A cat knocked over a plant pot');
    await drawer.getByRole('button', { name: 'Resolve alarm' }).click();
    await drawer.waitFor({ state: 'detached' });
    await row.waitFor({ state: 'detached' });

    const resolved = (await (await page.request.get('/api/v1/alarms?state=resolved')).json()) as {
      items: { type: string; disposition: string; falseAlarmCause: string; resolutionNote: string }[];
    };
    expect(resolved.items).toEqual([
      expect.objectContaining({
        type: 'intrusion',
        disposition: 'false_alarm',
        falseAlarmCause: 'animal',
        resolutionNote: 'A cat knocked over a plant pot',
      }),
    ]);
    // The panel has reported: the registry shows it online, last seen in the site's zone.
    await nav.getByRole('link', { name: 'Devices' }).click();
    await page.getByTestId('device-row').filter({ hasText: 'online' }).waitFor();
    await expect(deviceRow.textContent()).resolves.toMatch(/GMT\+1|GMT\+2/);
    await page.getByRole('combobox', { name: 'Filter by status' }).fill('Offl');
    await page.getByRole('option', { name: 'Offline' }).waitFor();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.getByText('No device matches').waitFor();

    // Site health: the one resolved alarm was false, so the site's false-alarm rate is 100 %.
    await nav.getByRole('link', { name: 'Site health' }).click();
    await page.getByRole('heading', { name: 'Site health' }).waitFor();
    await page.getByRole('table', { name: 'Uptime by site' }).getByText('Harbour depot').waitFor();
    const falseBySite = page.getByRole('table', { name: 'False alarms by site' });
    await falseBySite.getByRole('row').filter({ hasText: 'Harbour depot' }).getByText('100 %').waitFor();
    // The chart library loads on demand and draws the device's bar.
    await page.getByRole('img', { name: 'False-alarm rate by device' }).locator('svg').waitFor();
    await snapshot(page, 'site-health');
    expect(scriptErrors).toEqual([]);
  });

  it('shows a camera’s person over MQTT and an HTTP client’s duress live, without a reload', async () => {
    const me = (await (await page.request.get('/api/v1/me')).json()) as { csrfToken: string };
    const post = async (url: string, data: unknown) => {
      const response = await page.request.post(url, { data, headers: { 'x-csrf-token': me.csrfToken } });
      const body = (await response.json()) as { id: string; token: string };
      expect(response.status(), JSON.stringify(body)).toBe(201);
      return body;
    };
    await post('/api/v1/devices', {
      name: 'Quay camera',
      kind: 'camera',
      siteId,
      frigate: { camera: 'quay' },
    });
    await post('/api/v1/devices', {
      name: 'Gatehouse button',
      kind: 'duress_button',
      siteId,
      externalId: 'gate-duress',
    });
    const { token } = await post('/api/v1/tokens', {
      name: 'access control bridge',
      permissions: ['ingest'],
    });

    const nav = page.getByRole('navigation', { name: 'Main navigation' });
    await nav.getByRole('link', { name: 'Alarm desk' }).click();
    await page.getByRole('heading', { name: 'Alarm desk' }).waitFor();
    await page.getByTestId('stream-state').getByText('Live').waitFor();

    // Frigate publishes a person on the quay camera to the real broker.
    const publisher = await mqtt.connectAsync('mqtt://127.0.0.1:1883', {
      clientId: `${topicPrefix}-frigate`,
    });
    try {
      const detection = {
        id: `${Date.now() / 1000}-e2e`,
        camera: 'quay',
        label: 'person',
        score: 0.84,
        top_score: 0.91,
        false_positive: false,
        start_time: Date.now() / 1000,
        end_time: null,
        current_zones: ['berth'],
        entered_zones: ['berth'],
      };
      await publisher.publishAsync(
        `${topicPrefix}/frigate/events`,
        JSON.stringify({ type: 'new', before: detection, after: detection }),
        { qos: 1 },
      );
    } finally {
      await publisher.endAsync();
    }
    const person = page.getByTestId('alarm-row').filter({ hasText: 'Person detected' });
    await person.waitFor({ timeout: 10_000 });
    await expect(person.textContent()).resolves.toMatch(/Quay camera/);
    await expect(person.textContent()).resolves.toMatch(/zone berth/);

    // An access-control bridge posts a duress code over HTTP with its ingest token.
    const response = await fetch(`${vigil.baseUrl}/api/v1/ingest/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        events: [
          { id: 'duress-1', externalId: 'gate-duress', type: 'duress', occurredAt: new Date().toISOString() },
        ],
      }),
    });
    expect(response.status).toBe(202);
    const duress = page.getByTestId('alarm-row').filter({ hasText: 'Duress' });
    await duress.waitFor({ timeout: 10_000 });
    await expect(duress.textContent()).resolves.toMatch(/Gatehouse button/);
    // Critical: the desk puts it above the camera's medium alarm.
    const order = await page.getByTestId('alarm-row').allTextContents();
    const at = (pattern: RegExp) => order.findIndex((text) => pattern.test(text));
    expect(at(/Duress/)).toBeGreaterThanOrEqual(0);
    expect(at(/Duress/)).toBeLessThan(at(/Person detected/));
    await page.getByTestId('critical-banner').waitFor();
    await snapshot(page, 'alarm-desk-sources');
  });
});

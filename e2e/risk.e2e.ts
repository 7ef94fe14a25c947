import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eDialects, launchBrowser, type RunningVigil, signIn, snapshot, startVigil } from './support.js';

const admin = { email: 'cso@example.com', name: 'Casey CSO', password: 'correct horse battery staple 42' };

/** Fills a calibrated estimate (min / most likely / max, or low / high) of the quantification form. */
async function fillEstimate(
  page: Page,
  name: string,
  values: Partial<Record<'min' | 'mode' | 'max', string>>,
) {
  for (const [field, value] of Object.entries(values)) {
    const input = page.getByTestId(`${name}-${field}`);
    await input.fill('');
    await input.fill(value);
  }
}

describe.each(e2eDialects())('the risk pages on %s', (dialect) => {
  let vigil: RunningVigil;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    browser = await launchBrowser();
    vigil = await startVigil(dialect, admin);
    context = await browser.newContext({
      baseURL: vigil.baseUrl,
      timezoneId: 'Europe/Paris',
      locale: 'en-US',
      viewport: { width: 1440, height: 900 },
    });
    page = await context.newPage();
    page.setDefaultTimeout(20_000);
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await vigil?.stop();
  });

  it('creates a risk, assesses it, finds it through its heat-map cell, quantifies it and shows the ROSI', async () => {
    const scriptErrors: string[] = [];
    page.on('pageerror', (error) => scriptErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error' && /Content Security Policy/i.test(message.text()))
        scriptErrors.push(message.text());
    });

    await signIn(page, admin);

    // The register starts empty.
    await page
      .getByRole('navigation', { name: 'Main navigation' })
      .getByRole('link', { name: 'Risk' })
      .click();
    await page.getByRole('heading', { name: 'Risk register' }).waitFor();
    await page.getByText('The register is empty').waitFor();

    // Add a risk: its page opens.
    await page.getByRole('button', { name: 'Add risk' }).first().click();
    const drawer = page.getByRole('dialog', { name: 'Add a risk' });
    await drawer.getByLabel('Title').fill('Cargo theft at the loading dock');
    await drawer.getByRole('combobox', { name: 'Category' }).fill('physical');
    await drawer.getByLabel('Threat').fill('Organised theft of high-value goods');
    await drawer.getByRole('button', { name: 'Add risk' }).click();
    await page.getByRole('heading', { name: 'Cargo theft at the loading dock' }).waitFor();
    await page.waitForURL(/\/risk\/[0-9a-f-]{36}$/);
    const riskId = page.url().split('/').at(-1) ?? '';

    // Assess it: residual likelihood 4 × impact 5 is Critical on the default 5×5 matrix.
    await page.getByRole('tab', { name: 'Assessments' }).click();
    await page
      .locator('label')
      .filter({ hasText: /^Residual$/ })
      .click();
    await page.getByRole('combobox', { name: 'Likelihood' }).click();
    await page.getByRole('option', { name: '4 · Likely' }).click();
    await page.getByRole('combobox', { name: 'Impact' }).click();
    await page.getByRole('option', { name: '5 · Severe' }).click();
    await page.getByLabel('Rationale').fill('Two thefts at sister sites this year');
    await page.getByRole('button', { name: 'Record assessment' }).click();
    await page.getByText('Residual rating recorded: 20 · Critical.').waitFor();
    await page.getByRole('table').getByText('Two thefts at sister sites this year').waitFor();

    // The heat map counts it in its cell; the cell opens the register filtered to it.
    await page.getByRole('link', { name: 'Risk register' }).click();
    await page.getByRole('tab', { name: 'Heat map' }).click();
    await page.getByRole('heading', { name: 'Heat map' }).waitFor();
    const cell = page.getByTestId('heat-cell-4-5');
    await expect.poll(() => cell.textContent()).toMatch(/^1\D/);
    await snapshot(page, `${dialect}-heatmap`);
    await cell.click();
    await page.waitForURL(/\/risk\?likelihood=4&impact=5&rating=residual$/);
    await page.getByTestId('cell-filter').waitFor();
    const rows = page.getByTestId('risk-row');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain('Cargo theft at the loading dock');
    await snapshot(page, `${dialect}-register`);

    // Quantify the current state (rows open with the keyboard too).
    await rows.first().focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/risk/${riskId}$`));
    await page.getByRole('tab', { name: 'Quantification' }).click();
    await page.getByText('Not quantified yet').waitFor();
    await fillEstimate(page, 'frequency', { min: '0.5', mode: '2', max: '6' });
    await fillEstimate(page, 'magnitude', { min: '10000', max: '500000' });
    await page.getByRole('button', { name: 'Run and store the current state' }).click();
    await page.getByText(/Current quantification stored/).waitFor();
    await page.getByTestId('stats-table').waitFor();

    // Then the proposed controls (the form moves on to them, starting from the current inputs).
    await page.getByRole('button', { name: 'Run and store the proposal' }).waitFor();
    await fillEstimate(page, 'frequency', { min: '0.1', mode: '0.5', max: '2' });
    await page.getByTestId('control-cost').fill('25000');
    await page.getByRole('button', { name: 'Run and store the proposal' }).click();
    await page.getByText(/Proposed quantification stored/).waitFor();
    const whatIf = page.getByTestId('what-if');
    await whatIf.getByText('ROSI').waitFor();

    // The ROSI shown is the server's: (risk reduction − control cost) / control cost.
    const answer = await context.request.get(`/api/v1/risks/${riskId}/what-if`);
    const comparison = (await answer.json()).comparison;
    expect(comparison.controlCost).toBe(25000);
    expect(comparison.rosi).toBeCloseTo((comparison.riskReduction - 25000) / 25000, 9);
    expect(comparison.riskReduction).toBeGreaterThan(0);
    expect(await whatIf.textContent()).toContain(`${(comparison.rosi * 100).toFixed(0)}%`);
    // The charts are drawn (SVG from ECharts, loaded on demand).
    await expect.poll(() => page.locator('svg path').count()).toBeGreaterThan(10);
    await snapshot(page, `${dialect}-quantification`);

    expect(scriptErrors).toEqual([]);
  });
});

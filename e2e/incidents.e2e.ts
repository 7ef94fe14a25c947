import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import { e2eDialects, launchBrowser, type RunningVigil, signIn, snapshot, startVigil } from './support.js';

const admin = { email: 'cso@example.com', name: 'Casey CSO', password: 'correct horse battery staple 42' };

/** The entries of a ZIP file by name, as text (the export holds a manifest and checksum list). */
function readZip(file: string): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (error, zip) => {
      if (error) return reject(error);
      const entries = new Map<string, Buffer>();
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError) return reject(streamError);
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('end', () => {
            entries.set(entry.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
          stream.on('error', reject);
        });
      });
      zip.on('end', () => resolve(entries));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

describe.each(e2eDialects())(
  'incidents: from an anonymous concern to a law-enforcement export on %s',
  (dialect) => {
    let vigil: RunningVigil;
    let browser: Browser;
    let reporter: BrowserContext;
    let staff: BrowserContext;
    let workDir: string;

    beforeAll(async () => {
      browser = await launchBrowser();
      vigil = await startVigil(dialect, admin);
      workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-e2e-incidents-'));
      const options = {
        baseURL: vigil.baseUrl,
        timezoneId: 'America/Chicago',
        locale: 'en-US',
        viewport: { width: 1440, height: 900 },
      };
      // Two browsers in effect: the reporter never signs in and shares nothing with the staff session.
      reporter = await browser.newContext(options);
      staff = await browser.newContext({ ...options, acceptDownloads: true });
    });

    afterAll(async () => {
      await reporter?.close();
      await staff?.close();
      await browser?.close();
      await vigil?.stop();
      if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
    });

    it('reports a concern anonymously, triages it, uploads evidence, verifies it and exports the case', async () => {
      const scriptErrors: string[] = [];
      const watch = (page: Page) => page.on('pageerror', (error) => scriptErrors.push(error.message));

      // 1. An employee reports a concern from the public page, without signing in.
      const word = `tailgating${randomBytes(3).toString('hex')}`;
      const report = await reporter.newPage();
      watch(report);
      report.setDefaultTimeout(20_000);
      await report.goto('/report');
      await report
        .getByLabel('What happened?')
        .fill(`Visitors follow staff through the loading dock door (${word}).`);
      expect(await report.getByLabel('Report anonymously').isChecked()).toBe(true);
      await report.getByRole('button', { name: 'Send report' }).click();
      const reference = (await report.getByTestId('concern-reference').innerText()).trim();
      expect(reference).toMatch(/^CON-[0-9A-Z]{5}-[0-9A-Z]{5}$/);
      expect((await report.getByTestId('concern-follow-up-code').innerText()).trim()).not.toBe('');
      await snapshot(report, 'incidents-1-concern-sent');

      // 2. The CSO signs in and finds the concern in the case list by a word of its text.
      const page = await staff.newPage();
      watch(page);
      page.setDefaultTimeout(20_000);
      await signIn(page, admin);
      const nav = page.getByRole('navigation', { name: 'Main navigation' });
      await nav.getByRole('link', { name: 'Incidents' }).click();
      await page.getByRole('textbox', { name: 'Search' }).fill(word);
      // The list's rows are reached with the keyboard and opened with Enter.
      await page.getByRole('row', { name: new RegExp(reference) }).focus();
      await page.keyboard.press('Enter');

      // 3. The case page: anonymous concern, new, with its triage clock running.
      await page.getByText(reference, { exact: true }).waitFor();
      await page.getByText('Anonymous reporter', { exact: true }).waitFor();
      await expect.poll(() => page.getByTestId('sla-triage').getAttribute('data-state')).toBe('running');
      await page.getByRole('button', { name: 'Triage' }).click();
      await page.getByLabel('Status triaged').waitFor();
      await expect.poll(() => page.getByTestId('sla-triage').getAttribute('data-state')).toBe('met');
      await snapshot(page, 'incidents-2-triaged');

      // 4. Upload 3 MB of evidence; the upload is throttled so its progress bar can be seen moving.
      const bytes = randomBytes(3 * 1024 * 1024);
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      const file = path.join(workDir, 'dock-camera-export.bin');
      fs.writeFileSync(file, bytes);
      await page.getByRole('tab', { name: 'Evidence' }).click();
      await page.getByText('No evidence yet').waitFor();
      const cdp = await staff.newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', {
        offline: false,
        latency: 0,
        downloadThroughput: -1,
        uploadThroughput: 1024 * 1024,
      });
      await page.locator('input[type="file"]').setInputFiles(file);
      await page.getByLabel('Description').fill('Loading dock camera, 07:00–09:00');
      await page.getByRole('button', { name: 'Upload', exact: true }).click();
      const progress = page.getByTestId('upload-progress');
      await progress.getByText(/Uploading \d+% · [\d.]+ (KB|MB) of 3\.0 MB/).waitFor();
      await snapshot(page, 'incidents-3-uploading');
      await page.getByTestId('upload-done').waitFor({ timeout: 60_000 });
      await cdp.send('Network.emulateNetworkConditions', {
        offline: false,
        latency: 0,
        downloadThroughput: -1,
        uploadThroughput: -1,
      });
      expect(await page.getByTestId('upload-done').locator('[data-sha256]').getAttribute('data-sha256')).toBe(
        sha256,
      );
      const row = page.locator('tr', { has: page.locator(`[data-sha256="${sha256}"]`) });
      await row.getByText('dock-camera-export.bin').waitFor();
      await row.getByText('3.0 MB').waitFor();

      // 5. Verify: the server re-hashes the stored bytes.
      await row.getByRole('button', { name: 'Verify dock-camera-export.bin' }).click();
      await expect.poll(() => row.getByTestId('verify-result').innerText()).toBe('Intact ✓');

      // The custody log has the acquisition and the check, with times in the zone they were recorded in.
      await row.getByRole('button', { name: 'Custody log of dock-camera-export.bin' }).click();
      const custody = page.getByRole('dialog', { name: /Chain of custody/ });
      await custody.getByText('Acquired', { exact: true }).waitFor();
      await custody.getByText('Verified', { exact: true }).waitFor();
      await snapshot(page, 'incidents-4-custody');
      await page.keyboard.press('Escape');
      await custody.waitFor({ state: 'hidden' });

      // 6. Export for law enforcement: a ZIP whose manifest carries the file's hash and its custody.
      await page.getByRole('button', { name: 'Case file' }).click();
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('menuitem', { name: 'Export for law enforcement (ZIP)' }).click(),
      ]);
      expect(download.suggestedFilename()).toBe(`${reference}-export.zip`);
      const zipPath = path.join(workDir, 'export.zip');
      await download.saveAs(zipPath);
      const entries = await readZip(zipPath);
      const manifest = JSON.parse(entries.get('manifest.json')?.toString('utf8') ?? '{}');
      expect(manifest.incident.reference).toBe(reference);
      expect(manifest.evidence).toHaveLength(1);
      expect(manifest.evidence[0]).toMatchObject({
        sha256,
        size: bytes.length,
        filename: 'dock-camera-export.bin',
      });
      expect(manifest.evidence[0].custody.map((entry: { action: string }) => entry.action)).toEqual([
        'acquired',
        'verified',
        'exported',
      ]);
      const stored = entries.get(manifest.evidence[0].path);
      expect(stored && createHash('sha256').update(stored).digest('hex')).toBe(sha256);
      expect(entries.get('SHA256SUMS')?.toString('utf8')).toContain(
        `${sha256}  ${manifest.evidence[0].path}`,
      );

      // The export is on the case's timeline.
      await page.getByRole('tab', { name: 'Timeline' }).click();
      await page.getByText('The case was exported (report, manifest and evidence).').waitFor();
      await snapshot(page, 'incidents-5-timeline');
      expect(scriptErrors).toEqual([]);
    });
  },
);

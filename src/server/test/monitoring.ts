import { randomBytes } from 'node:crypto';
import type { CreateDevice, Device } from '../../contracts/monitoring.js';
import type { Site } from '../../contracts/sites.js';
import { principalFor } from '../platform/access/principal.js';
import { createDevice } from '../modules/monitoring/devices.service.js';
import type { Server } from '../server.js';
import { call, type Credentials, type TestEnv } from './harness.js';

const system = { actor: { type: 'system' as const, id: null, label: 'test' }, requestId: null };
const admin = principalFor(
  {
    id: '01930000-0000-7000-8000-00000000a0a0',
    email: 'fixture@example.test',
    name: 'fixture',
    role: 'admin',
  },
  'password',
);

/** A short random tag for identifiers that must be unique across a test run. */
export const tag = () => randomBytes(5).toString('hex');

/** Factory: a device at a site, with overrides. */
export async function makeDevice(
  t: { server: Pick<Server, 'ctx'> },
  site: Pick<Site, 'id'>,
  overrides: Partial<CreateDevice> = {},
): Promise<Device> {
  return createDevice(t.server.ctx, system, admin, {
    name: `Device ${tag()}`,
    kind: 'sensor',
    siteId: site.id,
    externalId: `ext-${tag()}`,
    ...overrides,
  });
}

/** Sends events through `POST /api/v1/ingest/events`. */
export async function sendEvents(t: TestEnv, as: Credentials, events: Record<string, unknown>[]) {
  return call(t, 'POST', '/api/v1/ingest/events', { as, body: { events } });
}

/** An HTTP event for a device, with overrides. */
export function httpEvent(device: { externalId: string | null }, overrides: Record<string, unknown> = {}) {
  return {
    id: tag(),
    externalId: device.externalId,
    type: 'intrusion',
    occurredAt: new Date().toISOString(),
    ...overrides,
  };
}

/** Polls `check` until it returns a value (not undefined) or the time is up. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

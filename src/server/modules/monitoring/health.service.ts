import type { FalseAlarmReport, UptimeReport } from '../../../contracts/monitoring.js';
import { deviceStatusSchema } from '../../../contracts/monitoring.js';
import type { Principal } from '../../platform/access/principal.js';
import type { AppContext } from '../../platform/context.js';
import { resolvedCounts } from './alarms.repository.js';
import { devicesForReport, outagesOverlapping } from './devices.repository.js';

const DAY_MS = 24 * 3600 * 1000;

/** The report period: `to` defaults to now, `from` to 30 days before `to`. */
export function periodOf(
  query: { from?: string; to?: string },
  now = new Date(),
): { from: string; to: string } {
  const to = query.to ? new Date(Date.parse(query.to)) : now;
  const from = query.from ? new Date(Date.parse(query.from)) : new Date(to.getTime() - 30 * DAY_MS);
  return { from: from.toISOString(), to: to.toISOString() };
}

/**
 * Uptime per device and site over a period: the share of the time each device existed that it was
 * not offline (outages are recorded when supervision or availability declares a device offline,
 * and closed when it is heard again). A site's uptime is the mean of its devices'.
 */
export async function uptimeReport(
  ctx: AppContext,
  principal: Principal,
  query: { from?: string; to?: string; siteId?: string; deviceId?: string },
  now = new Date(),
): Promise<UptimeReport> {
  const { from, to } = periodOf(query, now);
  const fromMs = Date.parse(from);
  const toMs = Math.min(Date.parse(to), now.getTime());
  const devices = await devicesForReport(ctx.database.db, principal, query);
  const outages = await outagesOverlapping(
    ctx.database.db,
    devices.map((d) => d.id),
    from,
    to,
  );
  const byDevice = new Map<string, typeof outages>();
  for (const outage of outages)
    byDevice.set(outage.device_id, [...(byDevice.get(outage.device_id) ?? []), outage]);
  const rows = devices.map((device) => {
    const start = Math.max(fromMs, Date.parse(device.created_at));
    const span = Math.max(0, toMs - start);
    let down = 0;
    for (const outage of byDevice.get(device.id) ?? []) {
      const begin = Math.max(start, Date.parse(outage.started_at));
      const end = Math.min(toMs, outage.ended_at ? Date.parse(outage.ended_at) : toMs);
      if (end > begin) down += end - begin;
    }
    return {
      deviceId: device.id,
      siteId: device.site_id,
      name: device.name,
      status: deviceStatusSchema.catch('unknown').parse(device.status),
      uptime: span === 0 ? 1 : Math.max(0, 1 - down / span),
      downtimeSeconds: Math.round(down / 1000),
      outages: (byDevice.get(device.id) ?? []).map((o) => ({
        startedAt: o.started_at,
        endedAt: o.ended_at,
        cause: o.cause,
      })),
    };
  });
  const sites = new Map<string, typeof rows>();
  for (const row of rows) sites.set(row.siteId, [...(sites.get(row.siteId) ?? []), row]);
  return {
    from,
    to,
    devices: rows,
    sites: [...sites].map(([siteId, list]) => ({
      siteId,
      devices: list.length,
      uptime: list.reduce((sum, row) => sum + row.uptime, 0) / list.length,
      byStatus: {
        unknown: list.filter((r) => r.status === 'unknown').length,
        online: list.filter((r) => r.status === 'online').length,
        offline: list.filter((r) => r.status === 'offline').length,
        trouble: list.filter((r) => r.status === 'trouble').length,
      },
    })),
  };
}

/** False-alarm rate per device and site: false alarms among the alarms resolved in the period. */
export async function falseAlarmReport(
  ctx: AppContext,
  principal: Principal,
  query: { from?: string; to?: string; siteId?: string },
  now = new Date(),
): Promise<FalseAlarmReport> {
  const { from, to } = periodOf(query, now);
  const rows = await resolvedCounts(ctx.database.db, principal, { from, to, siteId: query.siteId });
  const devices = rows.flatMap((row) =>
    row.device_id === null
      ? []
      : [
          {
            deviceId: row.device_id,
            siteId: row.site_id,
            name: row.name,
            resolved: row.resolved,
            falseAlarms: row.false_alarms,
            rate: row.resolved === 0 ? 0 : row.false_alarms / row.resolved,
          },
        ],
  );
  const sites = new Map<string, { resolved: number; falseAlarms: number }>();
  for (const device of devices) {
    const site = sites.get(device.siteId) ?? { resolved: 0, falseAlarms: 0 };
    site.resolved += device.resolved;
    site.falseAlarms += device.falseAlarms;
    sites.set(device.siteId, site);
  }
  return {
    from,
    to,
    devices,
    sites: [...sites].map(([siteId, site]) => ({
      siteId,
      ...site,
      rate: site.resolved === 0 ? 0 : site.falseAlarms / site.resolved,
    })),
  };
}

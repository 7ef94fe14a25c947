import { randomUUID } from 'node:crypto';
import { Option, type Command } from 'commander';
import {
  deviceKinds,
  deviceStatuses,
  eventTypes,
  type DeviceKind,
  type DeviceStatus,
  type EventType,
} from '../../contracts/monitoring.js';
import { principalFor } from '../../server/platform/access/principal.js';
import { createEventBus } from '../../server/platform/bus/index.js';
import type { AppContext } from '../../server/platform/context.js';
import { checkSupervision, escalateAlarms, ingestEvents } from '../../server/modules/monitoring/index.js';
import { createDevice } from '../../server/modules/monitoring/devices.service.js';
import { listDevices } from '../../server/modules/monitoring/devices.repository.js';
import { findSiteByCode } from '../../server/modules/sites/index.js';
import { positiveInteger, UsageError } from '../errors.js';
import { cliActor, withContext } from '../runtime.js';

// Whoever runs the CLI on the server already holds the database: they act with every site in scope.
const operatorOfTheMachine = principalFor(
  { id: '00000000-0000-7000-8000-000000000000', email: 'cli@localhost', name: 'CLI', role: 'admin' },
  'password',
);

async function siteIdOf(ctx: AppContext, code: string): Promise<string> {
  const site = await findSiteByCode(ctx.database.db, code.toUpperCase());
  if (!site) throw new UsageError(`--site: no site has the code "${code}"`);
  return site.id;
}

/** Runs `fn` with the bus too, so alarms raised from the CLI reach the live streams of the servers. */
async function withBus<T>(fn: (ctx: AppContext) => Promise<T>): Promise<T> {
  return withContext(async (ctx) => {
    const bus = ctx.config.VIGIL_NATS_URL ? await createEventBus(ctx.config, ctx.logger) : undefined;
    try {
      return await fn(bus ? { ...ctx, bus } : ctx);
    } finally {
      await bus?.close();
    }
  });
}

/** device list, device add, monitoring sweep, event send. */
export function registerMonitoringCommands(program: Command): void {
  const device = program
    .command('device')
    .description('the device registry (panels, cameras, doors, sensors)');
  device
    .command('list')
    .description('list devices with their status (tab-separated: id, status, kind, name, last seen)')
    .option('--site <code>', 'only this site')
    .addOption(new Option('--status <status>', 'only this status').choices(deviceStatuses))
    .action(async (opts: { site?: string; status?: DeviceStatus }) => {
      await withContext(async (ctx) => {
        const siteId = opts.site ? await siteIdOf(ctx, opts.site) : undefined;
        let cursor: string | undefined;
        do {
          const page = await listDevices(ctx.database.db, operatorOfTheMachine, {
            limit: 500,
            cursor,
            siteId,
            status: opts.status,
          });
          for (const d of page.items)
            console.log([d.id, d.status, d.kind, d.name, d.lastSeenAt ?? '-'].join('\t'));
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
      });
    });
  device
    .command('add')
    .description('register a device and print its id')
    .requiredOption('--site <code>', 'the site code')
    .requiredOption('--name <name>', 'display name')
    .addOption(new Option('--kind <kind>', 'kind of device').choices(deviceKinds).makeOptionMandatory())
    .option('--external-id <id>', 'the id it sends events with (HTTP, MQTT vigil/events)')
    .option('--dc09-account <account>', 'its SIA DC-09 account (the key is set through the API)')
    .option('--frigate-camera <name>', 'its Frigate camera name')
    .option('--zigbee-name <name>', 'its Zigbee2MQTT friendly name')
    .option(
      '--supervision-seconds <n>',
      'go offline when silent this long',
      positiveInteger('--supervision-seconds'),
    )
    .action(
      async (opts: {
        site: string;
        name: string;
        kind: DeviceKind;
        externalId?: string;
        dc09Account?: string;
        frigateCamera?: string;
        zigbeeName?: string;
        supervisionSeconds?: number;
      }) => {
        await withBus(async (ctx) => {
          const created = await createDevice(
            ctx,
            { actor: cliActor(), requestId: null },
            operatorOfTheMachine,
            {
              name: opts.name,
              kind: opts.kind,
              siteId: await siteIdOf(ctx, opts.site),
              externalId: opts.externalId,
              dc09: opts.dc09Account ? { account: opts.dc09Account } : undefined,
              frigate: opts.frigateCamera ? { camera: opts.frigateCamera } : undefined,
              zigbee2mqtt: opts.zigbeeName ? { name: opts.zigbeeName } : undefined,
              supervisionSeconds: opts.supervisionSeconds,
            },
          );
          console.log(created.id);
        });
      },
    );

  program
    .command('monitoring')
    .description('monitoring upkeep')
    .command('sweep')
    .description('run the supervision and escalation checks once (the server runs them every few seconds)')
    .action(async () => {
      await withBus(async (ctx) => {
        const { offline } = await checkSupervision(ctx);
        const { escalated } = await escalateAlarms(ctx);
        console.log(`${offline} device(s) newly offline, ${escalated} alarm(s) escalated.`);
      });
    });

  const event = program.command('event').description('device events');
  event
    .command('send')
    .description('send one event through the ingestion pipeline (to test a device, rule or SOP)')
    .requiredOption('--external-id <id>', 'the device it comes from')
    .addOption(new Option('--type <type>', 'normalized event type').choices(eventTypes).makeOptionMandatory())
    .option('--zone <zone>', 'zone')
    .option('--code <code>', 'raw code, e.g. BA')
    .action(async (opts: { externalId: string; type: EventType; zone?: string; code?: string }) => {
      await withBus(async (ctx) => {
        await ingestEvents(ctx, [
          {
            source: 'system',
            sourceEventId: `cli:${randomUUID()}`,
            externalId: opts.externalId,
            type: opts.type,
            zone: opts.zone ?? null,
            rawCode: opts.code ?? null,
            details: { sentBy: cliActor().label },
          },
        ]);
        console.log('Event stored.');
      });
    });
}

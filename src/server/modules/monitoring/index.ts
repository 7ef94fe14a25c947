import type { AppContext } from '../../platform/context.js';
import type { ServerModule, ZodApp } from '../../platform/http/app.js';
import { registerAlarmRoutes } from './alarms.routes.js';
import { registerConfigRoutes } from './config.routes.js';
import { closeDc09Keys, dc09Keys } from './dc09-keys.js';
import { registerDeviceRoutes } from './devices.routes.js';
import { ingestionIdle } from './ingest.js';
import { registerIngestRoutes } from './ingest.routes.js';
import { startMqttIngest, type MqttIngest } from './mqtt.js';
import { startDc09 } from './dc09-wiring.js';
import type { ThreadedDc09Receiver } from './dc09/receiver-thread.js';
import { registerAlarmStream } from './stream.js';
import { registerMonitoringJobs } from './jobs.js';
import './tables.js';

export { ingestEvents, type IngestOptions } from './ingest.js';
export { checkSupervision } from './supervision.js';
export { escalateAlarms, ACKNOWLEDGE_DEADLINES } from './alarms.service.js';
export { dc09KeyFor } from './devices.service.js';
export { dc09Keys, type Dc09KeyStore } from './dc09-keys.js';
export { ALARM_SUBJECT } from './live.js';
export { ESCALATION_JOB, SUPERVISION_JOB } from './jobs.js';

const runtimes = new WeakMap<
  AppContext,
  { mqtt: MqttIngest | null; dc09: ThreadedDc09Receiver | undefined }
>();

/** The DC-09 receiver of a running server (undefined when VIGIL_DC09_PORT is unset). */
export function dc09ReceiverOf(ctx: AppContext): ThreadedDc09Receiver | undefined {
  return runtimes.get(ctx)?.dc09;
}

/** The MQTT connection of a running server (tests await its `ready`). */
export function mqttIngestOf(ctx: AppContext): MqttIngest | null {
  return runtimes.get(ctx)?.mqtt ?? null;
}

function registerBackground(app: ZodApp, ctx: AppContext): void {
  const runtime: { mqtt: MqttIngest | null; dc09: ThreadedDc09Receiver | undefined } = {
    mqtt: null,
    dc09: undefined,
  };
  runtimes.set(ctx, runtime);
  app.addHook('onReady', async () => {
    // The DC-09 receiver reads keys synchronously from memory: have them loaded before it listens.
    if (ctx.config.VIGIL_DC09_PORT !== undefined) {
      await dc09Keys(ctx).refresh();
      runtime.dc09 = await startDc09(ctx);
    }
    const url = ctx.config.VIGIL_MQTT_URL;
    if (url) {
      runtime.mqtt = startMqttIngest(ctx, url);
      // Not awaited: a broker that is down must not keep Vigil from starting; mqtt.js retries.
      runtime.mqtt.ready.catch((error: unknown) =>
        ctx.logger.error({ err: error }, 'MQTT ingestion is not connected'),
      );
    }
  });
  app.addHook('onClose', async () => {
    await runtime.dc09?.close();
    closeDc09Keys(ctx);
    await runtime.mqtt?.close();
    // Events already taken in (MQTT QoS 0, the receiver) are committed before the database closes.
    await ingestionIdle(ctx);
  });
}

export const monitoringModule: ServerModule = {
  name: 'monitoring',
  registerJobs: registerMonitoringJobs,
  registerRoutes(app, ctx) {
    registerDeviceRoutes(app, ctx);
    registerAlarmStream(app, ctx);
    registerAlarmRoutes(app, ctx);
    registerConfigRoutes(app, ctx);
    registerIngestRoutes(app, ctx);
    registerBackground(app, ctx);
  },
};

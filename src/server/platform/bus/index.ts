import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { EventBus } from './bus.js';
import { createMemoryBus } from './memory.js';
import { createNatsBus } from './nats.js';

export type { EventBus } from './bus.js';
export { createMemoryBus } from './memory.js';

/** The configured bus: NATS when VIGIL_NATS_URL is set, else in-process. */
export function createEventBus(config: Pick<Config, 'VIGIL_NATS_URL'>, logger: Logger): Promise<EventBus> {
  return config.VIGIL_NATS_URL
    ? createNatsBus(config.VIGIL_NATS_URL, logger)
    : Promise.resolve(createMemoryBus());
}

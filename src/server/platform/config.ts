import path from 'node:path';
import { z } from 'zod';

/** Raised when an environment variable is invalid; the message names the variable. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

const port = z.coerce
  .number({ error: 'must be a port number between 0 and 65535' })
  .int({ error: 'must be a port number between 0 and 65535' })
  .min(0, { error: 'must be a port number between 0 and 65535' })
  .max(65535, { error: 'must be a port number between 0 and 65535' });
const positiveInt = z.coerce
  .number({ error: 'must be a positive whole number' })
  .int({ error: 'must be a positive whole number' })
  .positive({ error: 'must be a positive whole number' });
const url = (protocols: string[]) =>
  z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`,
  );

const topicPrefix = z
  .string()
  .regex(/^[^/#+\s][^#+\s]*[^/#+\s]$|^[^/#+\s]$/, 'must be an MQTT topic without wildcards or an edge /');

// Every variable Vigil reads, with its default. The CLI and the server share this one parser.
const schema = z.object({
  PORT: port.default(8080),
  HOST: z.string().min(1).default('0.0.0.0'),
  VIGIL_DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: url(['postgres:', 'postgresql:']).optional(),
  VIGIL_PUBLIC_URL: url(['http:', 'https:']).optional(),
  VIGIL_MQTT_URL: url(['mqtt:', 'mqtts:', 'ws:', 'wss:', 'tcp:']).optional(),
  VIGIL_NATS_URL: url(['nats:', 'tls:']).optional(),
  /** MQTT topic prefixes (Frigate's topic_prefix, Zigbee2MQTT's base_topic, Vigil's own events). */
  VIGIL_MQTT_FRIGATE_TOPIC: topicPrefix.default('frigate'),
  VIGIL_MQTT_Z2M_TOPIC: topicPrefix.default('zigbee2mqtt'),
  VIGIL_MQTT_EVENTS_TOPIC: topicPrefix.default('vigil/events'),
  VIGIL_DC09_PORT: port.optional(),
  /** Open DC-09 connections allowed from one address (panels behind one carrier NAT share one). */
  VIGIL_DC09_MAX_CONNECTIONS_PER_ADDRESS: positiveInt.default(100),
  VIGIL_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  VIGIL_SESSION_IDLE_MINUTES: positiveInt.default(30),
  VIGIL_SESSION_ABSOLUTE_HOURS: positiveInt.default(12),
  VIGIL_BODY_LIMIT_BYTES: positiveInt.default(1_048_576),
  VIGIL_SMTP_URL: url(['smtp:', 'smtps:']).optional(),
  VIGIL_SMTP_FROM: z.string().min(3).default('Vigil <vigil@localhost>'),
  VIGIL_OIDC_ISSUER: url(['http:', 'https:']).optional(),
  VIGIL_OIDC_CLIENT_ID: z.string().min(1).optional(),
  VIGIL_OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  VIGIL_OIDC_GROUPS_CLAIM: z.string().min(1).default('groups'),
  /** Maps provider groups to roles, e.g. "security-admins=admin,soc=operator". */
  VIGIL_OIDC_ROLE_MAP: z.string().default(''),
  VIGIL_JOBS: z.enum(['on', 'off']).default('on'),
  /** Largest evidence file accepted by an upload (default 2 GiB); larger uploads answer 413. */
  VIGIL_EVIDENCE_MAX_BYTES: positiveInt.default(2 * 1024 ** 3),
});

type Env = z.infer<typeof schema>;

export interface Config extends Env {
  dataDir: string;
  dialect: 'sqlite' | 'postgres';
  sqlitePath: string;
  blobDir: string;
}

/** Parses the environment; throws ConfigError naming the first bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = String(issue?.path[0] ?? 'environment');
    throw new ConfigError(variable, issue?.message ?? 'invalid value');
  }
  const value = parsed.data;
  if (value.VIGIL_OIDC_ISSUER && !value.VIGIL_OIDC_CLIENT_ID) {
    throw new ConfigError('VIGIL_OIDC_CLIENT_ID', 'is required when VIGIL_OIDC_ISSUER is set');
  }
  const dataDir = path.resolve(value.VIGIL_DATA_DIR);
  return {
    ...value,
    dataDir,
    dialect: value.DATABASE_URL ? 'postgres' : 'sqlite',
    sqlitePath: path.join(dataDir, 'vigil.db'),
    blobDir: path.join(dataDir, 'blobs'),
  };
}

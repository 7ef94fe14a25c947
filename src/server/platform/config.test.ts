import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('configuration', () => {
  it('has working defaults', () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(8080);
    expect(config.dialect).toBe('sqlite');
    expect(config.sqlitePath).toMatch(/data[/\\]vigil\.db$/);
  });

  it('switches to PostgreSQL with DATABASE_URL', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u@h/db' }).dialect).toBe('postgres');
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT', 'port number'],
    [{ PORT: '70000' }, 'PORT', 'port number'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL', 'postgres://'],
    [{ VIGIL_LOG_LEVEL: 'loud' }, 'VIGIL_LOG_LEVEL', ''],
    [{ VIGIL_SESSION_IDLE_MINUTES: '-5' }, 'VIGIL_SESSION_IDLE_MINUTES', 'positive'],
    [{ VIGIL_OIDC_ISSUER: 'https://id.example.com' }, 'VIGIL_OIDC_CLIENT_ID', 'required'],
  ])('names the bad variable: %j', (env, variable, words) => {
    try {
      loadConfig(env);
      expect.unreachable('loadConfig accepted a bad value');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).variable).toBe(variable);
      expect((error as ConfigError).message).toContain(variable);
      expect((error as ConfigError).message).toContain(words);
    }
  });
});

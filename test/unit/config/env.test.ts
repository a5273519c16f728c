import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, readEnvironment } from '../../../src/main/node/config/env.js';

describe('loadConfig', () => {
  it('has the documented defaults', () => {
    const { config } = loadConfig({});
    expect(config.port).toBe(8765);
    expect(config.host).toBe('127.0.0.1');
    expect(config.nodeUrl).toBe('http://localhost:8765');
    expect(config.authRequired).toBe(true);
    expect(config.federationEnabled).toBe(false);
    expect(config.pullIntervalS).toBe(30);
    expect(config.quarantineThreshold).toBe(0.3);
    expect(config.trustMode).toBe('relaxed');
    expect(config.trustWeights).toEqual({ identity: 0.35, peer_history: 0.3, scope_authority: 0.25, attestation_mode: 0.1 });
    expect(config.dbPath.endsWith('stigmem.db')).toBe(true);
  });

  it('derives the node URL from the port and reads the tutorial variables', () => {
    const { config, warnings } = loadConfig({ STIGMEM_PORT: '8100', STIGMEM_ENTITY_URI: 'stigmem://org-a.example', STIGMEM_ADMIN_KEY: 'secret-admin-a', STIGMEM_TRUST_MODE: 'strict', STIGMEM_FEDERATION_ENABLED: 'true' });
    // The tutorial's 14-character key is accepted, with the warning a key shorter than 32 characters gets.
    expect(warnings).toEqual(['STIGMEM_ADMIN_KEY is short (14 characters); use at least 32 random characters']);
    expect(loadConfig({ STIGMEM_ADMIN_KEY: 'k'.repeat(32) }).warnings).toEqual([]);
    expect(config.nodeUrl).toBe('http://localhost:8100');
    expect(config.entityUri).toBe('stigmem://org-a.example');
    expect(config.adminKey).toBe('secret-admin-a');
    expect(config.trustMode).toBe('strict');
    expect(config.federationEnabled).toBe(true);
  });

  it('accepts STIGMEM_BOOTSTRAP_KEY as an alias and both threshold names', () => {
    expect(loadConfig({ STIGMEM_BOOTSTRAP_KEY: 'k'.repeat(32) }).config.adminKey).toBe('k'.repeat(32));
    expect(loadConfig({ STIGMEM_QUARANTINE_TRUST_THRESHOLD: '0.5' }).config.quarantineThreshold).toBe(0.5);
    expect(loadConfig({ STIGMEM_TRUST_QUARANTINE_THRESHOLD: '0.2', STIGMEM_QUARANTINE_TRUST_THRESHOLD: '0.5' }).config.quarantineThreshold).toBe(0.2);
  });

  it.each([
    [{ STIGMEM_PORT: 'eighty' }, 'STIGMEM_PORT'],
    [{ STIGMEM_PORT: '70000' }, 'STIGMEM_PORT'],
    [{ STIGMEM_AUTH_REQUIRED: 'maybe' }, 'STIGMEM_AUTH_REQUIRED'],
    [{ STIGMEM_NODE_URL: 'ftp://x' }, 'STIGMEM_NODE_URL'],
    [{ STIGMEM_NODE_URL: 'not a url' }, 'STIGMEM_NODE_URL'],
    [{ STIGMEM_TRUST_MODE: 'paranoid' }, 'STIGMEM_TRUST_MODE'],
    [{ STIGMEM_TRUST_QUARANTINE_THRESHOLD: '1.5' }, 'STIGMEM_TRUST_QUARANTINE_THRESHOLD'],
    [{ STIGMEM_FEDERATION_PULL_INTERVAL_S: 'soon' }, 'STIGMEM_FEDERATION_PULL_INTERVAL_S'],
    [{ STIGMEM_TRUST_WEIGHT_IDENTITY: 'heavy' }, 'STIGMEM_TRUST_WEIGHT_IDENTITY'],
    [{ STIGMEM_TRUST_WEIGHT_PEER_HISTORY: '-0.1' }, 'STIGMEM_TRUST_WEIGHT_PEER_HISTORY'],
    [{ STIGMEM_TRUST_WEIGHT_ATTESTATION_MODE: '2' }, 'STIGMEM_TRUST_WEIGHT_ATTESTATION_MODE'],
    [{ STIGMEM_FEDERATION_PUBKEY: 'x' }, 'STIGMEM_FEDERATION_PUBKEY'],
    [{ STIGMEM_AT_REST_ENCRYPTION: 'on' }, 'STIGMEM_AT_REST_ENCRYPTION'],
    [{ STIGMEM_AUTH_REQUIRED: 'false', STIGMEM_HOST: '0.0.0.0' }, 'STIGMEM_AUTH_REQUIRED'],
  ])('a malformed value stops the start with one line naming the variable: %j', (env, name) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    try {
      loadConfig(env);
    } catch (e) {
      expect((e as Error).message).toContain(name);
      expect((e as Error).message).not.toContain('\n');
    }
  });

  it('only warns about unknown STIGMEM_ names', () => {
    const { warnings } = loadConfig({ STIGMEM_FROBNICATE: '1' });
    expect(warnings).toEqual(['unknown variable STIGMEM_FROBNICATE is ignored']);
  });

  it('lets auth be disabled on loopback', () => {
    expect(loadConfig({ STIGMEM_AUTH_REQUIRED: 'false', STIGMEM_HOST: '127.0.0.1' }).config.authRequired).toBe(false);
  });
});

describe('readEnvironment', () => {
  it('reads ./.env and lets the real environment win', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stigmem-env-'));
    writeFileSync(join(dir, '.env'), 'STIGMEM_PORT=9100\nSTIGMEM_ENTITY_URI=stigmem://from-file.example\n');
    const env = readEnvironment(dir, { STIGMEM_PORT: '9200' });
    expect(env['STIGMEM_PORT']).toBe('9200');
    expect(env['STIGMEM_ENTITY_URI']).toBe('stigmem://from-file.example');
  });
});

// The systemd unit and settings file shipped for servers: every variable is one the node knows and accepts as written,
// the unit runs `stigmem serve` in the data folder it may write, and systemd reads the unit without a complaint.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseEnv } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/main/node/config/env.js';
import { REPO_ROOT } from '../../helpers/process.js';
import { MAX_CONNECTIONS } from '../../../src/main/node/server/connections.js';

const unitPath = join(REPO_ROOT, 'resources/systemd/stigmem.service');
const unit = readFileSync(unitPath, 'utf8');
const env = parseEnv(readFileSync(join(REPO_ROOT, 'resources/systemd/stigmem.env'), 'utf8')) as Record<string, string>;
const directive = (name: string): string[] => [...unit.matchAll(new RegExp(`^${name}=(.*)$`, 'gm'))].map((m) => m[1]!);

describe('the systemd service files', () => {
  it('configure the node with variables it knows, as a valid configuration once its placeholders are replaced', () => {
    // As shipped, its secrets are placeholders, and a node refuses to run on them.
    expect(() => loadConfig(env)).toThrow(/^STIGMEM_ADMIN_KEY is still the settings file's placeholder/);
    const placeholders = Object.entries(env).filter(([, v]) => v.startsWith('change-me')).map(([k]) => k).sort();
    expect(placeholders).toEqual(['STIGMEM_ADMIN_KEY', 'STIGMEM_BACKUP_PASSPHRASE', 'STIGMEM_KEY_PASSPHRASE']);
    const own = { ...env, STIGMEM_ADMIN_KEY: 'a'.repeat(48), STIGMEM_KEY_PASSPHRASE: 'Seven quiet Otters 1984 swim', STIGMEM_BACKUP_PASSPHRASE: 'Nine loud Herons 2031 fly' };
    const { config, warnings } = loadConfig(own);
    expect(warnings).toEqual([]);
    expect(config.tls).not.toBeNull();
    expect(config.keyStore).toBe('encrypted-file');
    expect(config.nodeUrl.startsWith('https://')).toBe(true);
  });

  it('run `stigmem serve` as its own user in the data folder, which it may write with the backup folder', () => {
    expect(directive('ExecStart')).toEqual(['/usr/bin/env stigmem serve']);
    expect(directive('User')).toEqual(['stigmem']);
    expect(directive('EnvironmentFile')).toEqual(['/etc/stigmem/stigmem.env']);
    const dataDir = dirname(env['STIGMEM_DB_PATH']!);
    expect(directive('WorkingDirectory')).toEqual([dataDir]);
    const writable = directive('ReadWritePaths').flatMap((v) => v.split(/\s+/)).map((p) => p.replace(/^-/, ''));
    expect(writable).toEqual(expect.arrayContaining([dataDir, env['STIGMEM_BACKUP_DIR']!]));
    expect(directive('ProtectSystem')).toEqual(['strict']);
    expect(directive('NoNewPrivileges')).toEqual(['yes']);
    // Descriptors for the server's connection cap and then some.
    expect(Number(directive('LimitNOFILE')[0])).toBeGreaterThan(MAX_CONNECTIONS * 2);
  });

  it('are read by systemd without a warning', (ctx) => {
    const probe = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' });
    if (probe.status !== 0) {
      console.log(`skipped: systemd-analyze is not available (${probe.error?.message ?? probe.stderr.trim()})`);
      return ctx.skip();
    }
    const r = spawnSync('systemd-analyze', ['verify', unitPath], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr.trim()).toBe('');
  });
});

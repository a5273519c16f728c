// `stigmem audit` beside a running `stigmem serve`: every area of the log (not only federation, which the HTTP route
// serves), filtered and paged, as text or JSON; refusals for a bad option or a folder without a node.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, spawnNode, type NodeProcess } from '../../helpers/process.js';
import { ensureCliBuilt } from '../../e2e/build.js';

const ADMIN = 'audit-cli-admin-key-0123456789abcdef';
const ORG = 'stigmem://org-a.example';
const dir = mkdtempSync(join(tmpdir(), 'stigmem-audit-it-'));
const env = { STIGMEM_DB_PATH: join(dir, 'data', 'node.db'), STIGMEM_KEY_STORE: 'file', STIGMEM_ENTITY_URI: ORG, STIGMEM_ADMIN_KEY: ADMIN };
let node: NodeProcess;

const cli = (args: string[], extraEnv: Record<string, string> = {}) => runCli(['audit', ...args], { cwd: dir, env: { ...env, ...extraEnv } });
const api = (path: string, body: unknown) =>
  fetch(`${node.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });

interface Page {
  entries: { event_type: string; category: string; actor: string | null; subject: string | null }[];
  cursor: string | null;
  has_more: boolean;
}

beforeAll(async () => {
  ensureCliBuilt();
  node = await spawnNode(env, { dir });
  expect((await api('/v1/auth/keys', { raw_key: 'bot-key-0123456789abcdef0123456789', entity_uri: `${ORG}/agent/bot`, permissions: ['read'] })).status).toBe(201);
  expect((await api('/v1/gardens', { slug: 'research', name: 'Research' })).status).toBe(201);
}, 120_000);
afterAll(async () => {
  await node?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

describe('stigmem audit', () => {
  it('prints every area newest first while the node runs, and one area or type on request', async () => {
    const all = await cli([]);
    expect(all.code, all.stderr).toBe(0);
    const types = all.stdout.trim().split('\n').map((l) => l.split(/\s+/)[2]);
    expect(types).toEqual(['garden_created', 'api_key_created', 'api_key_created', 'identity_created']);
    expect(all.stdout).toContain(`${ORG}/agent/bot`);
    expect(all.stdout).not.toContain('bot-key-0123');

    const admin = JSON.parse((await cli(['--category', 'admin', '--json'])).stdout) as Page;
    expect(admin.entries.map((e) => [e.category, e.event_type])).toEqual([['admin', 'garden_created'], ['admin', 'api_key_created'], ['admin', 'api_key_created']]);
    const identity = JSON.parse((await cli(['--type', 'identity_created', '--json'])).stdout) as Page;
    expect(identity.entries).toEqual([expect.objectContaining({ category: 'identity', event_type: 'identity_created' })]);
  });

  it('pages with the cursor it prints', async () => {
    const first = await cli(['--limit', '3']);
    const hint = /stigmem audit --cursor (\S+)/.exec(first.stdout);
    expect(hint, first.stdout).not.toBeNull();
    const rest = JSON.parse((await cli(['--cursor', hint![1]!, '--json'])).stdout) as Page;
    expect(rest.entries.map((e) => e.event_type)).toEqual(['identity_created']);
    expect(rest.has_more).toBe(false);
  });

  it('refuses a bad option, and a folder without a node database', async () => {
    for (const args of [['--category', 'everything'], ['--limit', '0'], ['--limit', 'ten'], ['--limit', '1e2'], ['--limit', '0x10'], ['--limit', '-1'], ['--limit', '501']]) {
      const r = await cli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/\[invalid_argument\]/);
    }
    const elsewhere = await cli([], { STIGMEM_DB_PATH: join(dir, 'nowhere', 'node.db') });
    expect(elsewhere.code).toBe(2);
    expect(elsewhere.stderr).toMatch(/no node database at .*nowhere.*\[no_database\]/);
  });

  it('refuses a cursor it did not print, and a database it cannot read, in one line', async () => {
    const cursor = await cli(['--cursor', 'not-a-cursor']);
    expect(cursor.code).toBe(2);
    expect(cursor.stderr).toBe('stigmem audit: cursor is not one this node issued [invalid_cursor]\n');
    const notDb = join(dir, 'not-a-database.db');
    writeFileSync(notDb, 'these bytes are not SQLite\n'.repeat(200));
    const damaged = await cli([], { STIGMEM_DB_PATH: notDb });
    expect(damaged.code).toBe(2);
    expect(damaged.stderr).toMatch(/^stigmem audit: the database .*not-a-database\.db is damaged \(SQLITE_NOTADB: .*\[database_unreadable\]\n$/);
  });
});

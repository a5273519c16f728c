// A database that cannot be written (its disk full, its lock held by another process) answers with a storage code the
// caller can act on, writes nothing half-way, and the same request succeeds once the cause is gone.
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { storageFailureOf } from '../../../src/main/node/db/storageErrors.js';
import { sql } from '../../../src/main/node/db/sql.js';
import { makeTestNode, type TestNode } from '../../helpers/inject.js';
import { operationsOn } from '../console/helpers.js';

let n: TestNode;
beforeEach(async () => {
  n = await makeTestNode({ STIGMEM_ENTITY_URI: 'stigmem://org-a.example' });
});
afterEach(async () => n.close());

const fact = (i: number) => ({ entity: `stigmem://org-a.example/e/${i}`, relation: 'memory:note', value: { type: 'text', v: `note ${i} `.padEnd(6000, '.') }, source: 'stigmem://org-a.example/agent/a', confidence: 0.9, scope: 'company' });
const factCount = (): number => n.deps.db.get<{ c: number }>(sql`SELECT COUNT(*) AS c FROM facts`)!.c;
const auditCount = (): number => n.deps.db.get<{ c: number }>(sql`SELECT COUNT(*) AS c FROM audit_events`)!.c;

describe('storage failures', () => {
  it('answers 507 storage_full when the disk is full, writes nothing, and succeeds once there is room', async () => {
    const raw = n.deps.db.raw;
    const pages = raw.pragma('page_count', { simple: true }) as number;
    // The database may not grow: what a full disk does to it. Its free pages fill first.
    raw.pragma(`max_page_count = ${pages}`);
    let i = 0;
    let refused = await n.req('POST', '/v1/facts', fact(i));
    while (refused.status === 201 && i < 500) refused = await n.req('POST', '/v1/facts', fact(++i));
    const [facts, events] = [factCount(), auditCount()];
    expect(refused.status).toBe(507);
    expect(refused.body).toEqual({ code: 'storage_full', detail: expect.stringContaining('disk is full; nothing of this request was written') });
    expect([factCount(), auditCount()]).toEqual([facts, events]);
    // The screens' operations say the same (each override fills what room is left until one does not fit).
    const setScore = (k: number) => operationsOn(() => n.deps)('trust:set', { source: `stigmem://partner-${k}.example`, score: 0.8, note: 'n'.repeat(400) });
    let k = 0;
    let op = await setScore(k);
    while (op.ok && k < 500) op = await setScore(++k);
    expect(op).toMatchObject({ ok: false, error: { code: 'storage_full', message: expect.stringContaining('disk is full') } });
    expect((await n.req('POST', '/v1/facts', fact(i))).status).toBe(507);
    raw.pragma('max_page_count = 4294967294');
    expect((await n.req('POST', '/v1/facts', fact(i))).status).toBe(201);
    expect(factCount()).toBe(facts + 1);
  });

  it('answers 503 storage_busy with Retry-After while another process holds the write lock, and succeeds after', async () => {
    n.deps.db.raw.pragma('busy_timeout = 50');
    const other = new Database(n.deps.config.dbPath);
    try {
      other.prepare('BEGIN IMMEDIATE').run();
      const refused = await n.req('POST', '/v1/facts', fact(2));
      expect(refused.status).toBe(503);
      expect(refused.body).toMatchObject({ code: 'storage_busy', detail: expect.stringContaining('another process holds') });
      expect(refused.headers['retry-after']).toBe('5');
      other.prepare('COMMIT').run();
    } finally {
      other.close();
    }
    expect((await n.req('POST', '/v1/facts', fact(2))).status).toBe(201);
  });
});

describe('storageFailureOf', () => {
  it('names each kind of SQLite failure, and nothing else', () => {
    const of = (code: string) => storageFailureOf(new Database.SqliteError('x', code))?.code ?? null;
    expect([of('SQLITE_FULL'), of('SQLITE_BUSY'), of('SQLITE_BUSY_SNAPSHOT'), of('SQLITE_LOCKED'), of('SQLITE_READONLY_DBMOVED'), of('SQLITE_IOERR_WRITE'), of('SQLITE_CORRUPT'), of('SQLITE_NOTADB')])
      .toEqual(['storage_full', 'storage_busy', 'storage_busy', 'storage_busy', 'storage_read_only', 'storage_io_error', 'storage_corrupt', 'storage_corrupt']);
    expect([of('SQLITE_CONSTRAINT_UNIQUE'), of('SQLITE_ERROR')]).toEqual([null, null]);
    expect(storageFailureOf(new Error('SQLITE_FULL'))).toBeNull();
  });
});

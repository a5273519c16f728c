// Baselines: a bare Fastify route and raw better-sqlite3 inserts; ours: POST /v1/facts on a real listening node.
import Database from 'better-sqlite3';
import Fastify from 'fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/main/node/config/env.js';
import { startNode } from '../../src/main/node/runtime.js';
import { httpLoad, NO_RATE_LIMITS, printRatio } from './measure.js';

function rawInsertRate(dir: string, n: number, file: string): number {
  const db = new Database(join(dir, file));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE t (id TEXT PRIMARY KEY, entity TEXT, relation TEXT, value TEXT, source TEXT, ts TEXT, confidence REAL, scope TEXT)');
  const st = db.prepare('INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  const start = process.hrtime.bigint();
  db.transaction(() => {
    for (let i = 0; i < n; i++) st.run(`id-${i}`, `stigmem://org.example/e/${i}`, 'memory:role', `v${i}`, 'stigmem://org.example/agent/a', '2026-01-01T00:00:00Z', 0.9, 'company');
  })();
  const secs = Number(process.hrtime.bigint() - start) / 1e9;
  db.close();
  return n / secs;
}

export async function benchStorageAndHttp(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'stigmem-bench-'));
  try {
    // Best of three (each into a new file): one run is at the mercy of a busy moment, and the best is the stricter baseline.
    const raw = Math.max(...[1, 2, 3].map((i) => rawInsertRate(dir, 100_000, `raw-${i}.db`)));
    process.stdout.write(`baseline: raw better-sqlite3 insert (one transaction, best of 3) ${raw.toFixed(0)} rows/s\n`);

    const bare = Fastify();
    bare.post('/x', async () => ({ ok: true }));
    await bare.listen({ port: 0, host: '127.0.0.1' });
    const bareAddr = bare.server.address();
    const barePort = typeof bareAddr === 'object' && bareAddr ? bareAddr.port : 0;
    const body = (i: number): string => JSON.stringify({ entity: `stigmem://org.example/e/${i}`, relation: 'memory:role', value: { type: 'string', v: `v${i}` }, source: 'stigmem://org.example/agent/a', confidence: 0.9, scope: 'company' });
    const bareRes = await httpLoad({ url: `http://127.0.0.1:${barePort}/x`, method: 'POST', body });
    await bare.close();
    process.stdout.write(`baseline: bare Fastify POST route ${bareRes.rps.toFixed(0)} req/s\n`);

    const key = 'bench-admin-key-0123456789abcdef0123';
    // The write path itself is measured, not the per-caller quota in front of it.
    const { config } = loadConfig({ STIGMEM_DB_PATH: join(dir, 'node.db'), STIGMEM_PORT: '0', STIGMEM_ADMIN_KEY: key, STIGMEM_LOG_LEVEL: 'silent', ...NO_RATE_LIMITS });
    const node = await startNode(config);
    const ours = await httpLoad({ url: `${node.url}/v1/facts`, method: 'POST', headers: { authorization: `Bearer ${key}` }, body });
    await node.close();
    const created = ours.statuses[201] ?? 0;
    printRatio('POST /v1/facts (each fact one transaction)', ours.rps, bareRes.rps, 'bare Fastify route', 'req/s');
    printRatio('POST /v1/facts as rows/s', ours.rps, raw, 'raw insert', 'rows/s');
    process.stdout.write(`  statuses: ${JSON.stringify(ours.statuses)} (${created} facts created)\n`);
    return raw;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

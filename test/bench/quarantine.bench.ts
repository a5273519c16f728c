// Quarantine listing with 100,000 pending facts: first-page latency of GET /v1/quarantine?quarantine_status=pending
// (and of the runbook's GET /v1/facts?garden=quarantine&limit=50) on an in-process node, p50 and p99.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/main/node/config/env.js';
import { sql } from '../../src/main/node/db/sql.js';
import { computeCid } from '../../src/main/node/facts/cid.js';
import { insertFactRow } from '../../src/main/node/facts/repo.js';
import { isoFromMs } from '../../src/main/node/clock.js';
import { createNode } from '../../src/main/node/runtime.js';
import { NO_RATE_LIMITS } from './measure.js';

const PENDING = 100_000;
const SAMPLES = 200;
const KEY = 'bench-admin-key-0123456789abcdef0123';
const SOURCE = 'stigmem://org-b.example/agent/bot';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export async function benchQuarantineListing(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'stigmem-bench-q-'));
  const { config } = loadConfig({ STIGMEM_DB_PATH: join(dir, 'node.db'), STIGMEM_ADMIN_KEY: KEY, STIGMEM_LOG_LEVEL: 'silent', STIGMEM_KEY_STORE: 'file', ...NO_RATE_LIMITS });
  const { app, deps } = await createNode(config);
  try {
    const gardenId = deps.db.get<{ value: string }>(sql`SELECT value FROM node_settings WHERE key = 'builtin_quarantine_garden_id'`)!.value;
    const seedStart = process.hrtime.bigint();
    deps.db.transaction(() => {
      for (let i = 0; i < PENDING; i++) {
        const entity = `stigmem://org-b.example/project/p${i}`;
        const valueV = `status ${i}`;
        insertFactRow(deps.db, {
          id: randomUUID(), cid: computeCid({ entity, relation: 'memory:status', valueType: 'string', valueV, source: SOURCE, scope: 'company', confidence: 0.85 }),
          entity, relation: 'memory:status', valueType: 'string', valueV, interpretAs: 'content', source: SOURCE, timestamp: isoFromMs(Date.now()),
          hlc: `${1_700_000_000_000 + i}.000`, confidence: 0.85, scope: 'company', validUntil: null, validUntilMs: null, gardenId: null,
          receivedFrom: 'stigmem:node:bench', originNodeId: 'stigmem:node:bench', originAllowedScopes: ['company'], attestedKeyId: null, attested: null,
          writtenBy: 'stigmem:node:bench', derivedFrom: '[]', warnings: [], sourceTrust: 0.15, quarantineGardenId: gardenId,
          quarantineReason: 'auto-quarantine: source_trust below threshold (t=0.15)',
        });
      }
    });
    const seedSecs = Number(process.hrtime.bigint() - seedStart) / 1e9;
    process.stdout.write(`quarantine: seeded ${PENDING} pending facts in ${seedSecs.toFixed(1)} s\n`);
    for (const url of ['/v1/quarantine?quarantine_status=pending', '/v1/facts?garden=quarantine&limit=50']) {
      const times: number[] = [];
      for (let i = 0; i < SAMPLES + 10; i++) {
        const start = process.hrtime.bigint();
        const res = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${KEY}` } });
        const ms = Number(process.hrtime.bigint() - start) / 1e6;
        if (res.statusCode !== 200) throw new Error(`${url} answered ${res.statusCode}: ${res.body.slice(0, 200)}`);
        if (i >= 10) times.push(ms);
      }
      times.sort((x, y) => x - y);
      process.stdout.write(`GET ${url.padEnd(42)} first page p50 ${percentile(times, 50).toFixed(2)} ms, p99 ${percentile(times, 99).toFixed(2)} ms (${PENDING} pending; target well under 50 ms)\n`);
    }
  } finally {
    await app.close();
    deps.db.raw.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

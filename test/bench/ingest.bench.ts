// Where replication's time goes on the receiving node's own thread: a fact row with its indexes alone, then storing
// pages already checked (what that thread does while the page worker fetches, verifies and checks the next page), both
// as ratios to the raw insert baseline.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/main/node/config/env.js';
import { openDatabase } from '../../src/main/node/db/connection.js';
import { computeCid } from '../../src/main/node/facts/cid.js';
import { newFactId } from '../../src/main/node/facts/factId.js';
import { insertFactRow } from '../../src/main/node/facts/repo.js';
import { checkFacts } from '../../src/main/node/federation/check.js';
import { ingestChecked } from '../../src/main/node/federation/ingest.js';
import { insertPeer, peerById } from '../../src/main/node/federation/peers/repo.js';
import { peerSender } from '../../src/main/node/federation/sender.js';
import { createNode } from '../../src/main/node/runtime.js';
import { printRatio } from './measure.js';

const N = 100_000;
const PAGE = 500;
const SOURCE = 'stigmem://a.example/agent/a';

function records(nowMs: number): Record<string, unknown>[] {
  return Array.from({ length: N }, (_, i) => {
    const entity = `stigmem://a.example/e/${i}`;
    const cid = computeCid({ entity, relation: 'memory:role', valueType: 'string', valueV: `v${i}`, source: SOURCE, scope: 'public', confidence: 0.9 });
    return {
      id: newFactId(nowMs - N + i), entity, relation: 'memory:role', value: { type: 'string', v: `v${i}`, interpret_as: 'content' }, source: SOURCE,
      timestamp: '2026-11-23T10:00:00+00:00', hlc: `${nowMs - N + i}.000`, confidence: 0.9, scope: 'public', cid,
    };
  });
}

function factRowInsertRate(dir: string, recs: Record<string, unknown>[]): number {
  const db = openDatabase(join(dir, 'rows.db'));
  try {
    const start = process.hrtime.bigint();
    for (let p = 0; p < N; p += PAGE) {
      db.transaction(() => {
        for (const r of recs.slice(p, p + PAGE)) {
          insertFactRow(db, {
            id: r['id'] as string, cid: r['cid'] as string, entity: r['entity'] as string, relation: 'memory:role', valueType: 'string',
            valueV: (r['value'] as { v: string }).v, interpretAs: 'content', source: SOURCE, timestamp: r['timestamp'] as string, hlc: r['hlc'] as string,
            confidence: 0.9, scope: 'public', validUntil: null, validUntilMs: null, gardenId: null, receivedFrom: 'stigmem:node:a', originNodeId: 'stigmem:node:a',
            originAllowedScopes: ['public'], attestedKeyId: null, attested: null, writtenBy: 'stigmem:node:a', derivedFrom: '[]', warnings: [],
            sourceTrust: 0.5, quarantineGardenId: null, quarantineReason: null,
          });
        }
      });
    }
    return N / (Number(process.hrtime.bigint() - start) / 1e9);
  } finally {
    db.raw.close();
  }
}

async function ingestRate(dir: string, recs: Record<string, unknown>[]): Promise<number> {
  const { config } = loadConfig({ STIGMEM_DB_PATH: join(dir, 'ingest.db'), STIGMEM_KEY_STORE: 'file', STIGMEM_LOG_LEVEL: 'silent', STIGMEM_TRUST_MODE: 'relaxed' });
  const { deps, app } = await createNode(config);
  try {
    insertPeer(deps.db, {
      id: 'bench-peer', nodeId: 'stigmem:node:a', nodeUrl: 'http://127.0.0.1:1', entityUri: null, trustedPublicKey: deps.keys.federation.publicKey, status: 'active',
      registration: 'pinned', allowedScopes: ['public'], declaration: null, createdAt: 'bench', establishedAt: 'bench', error: null,
    });
    const sender = peerSender(deps, peerById(deps.db, 'bench-peer')!);
    const pages = Array.from({ length: Math.ceil(N / PAGE) }, (_, i) => checkFacts(sender, recs.slice(i * PAGE, (i + 1) * PAGE)));
    const start = process.hrtime.bigint();
    for (let p = 0; p < N; p += PAGE) {
      const result = deps.db.transaction(() => ingestChecked(deps, sender, pages[p / PAGE]!));
      if (result.accepted !== Math.min(PAGE, N - p)) throw new Error(`ingest bench: page at ${p} accepted ${result.accepted}`);
    }
    return N / (Number(process.hrtime.bigint() - start) / 1e9);
  } finally {
    await app.close();
    deps.db.raw.close();
  }
}

export async function benchIngestParts(rawInsertPerSec: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'stigmem-bench-ingest-'));
  try {
    const recs = records(Date.now());
    printRatio('  floor: fact rows + indexes, 500 per commit', factRowInsertRate(dir, recs), rawInsertPerSec, 'raw insert', 'rows/s');
    printRatio('  floor: storing checked pages, in process', await ingestRate(dir, recs), rawInsertPerSec, 'raw insert', 'facts/s');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

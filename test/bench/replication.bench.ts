// Replication throughput (100,000 facts between two local nodes) and lag at 100 writes/s with a 1 s pull interval.
import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/main/node/config/env.js';
import { createNode } from '../../src/main/node/runtime.js';
import { assertFact } from '../../src/main/node/facts/service.js';
import { anonymousPrincipal } from '../../src/main/node/auth/permissions.js';
import { parseHlc } from '../../src/main/node/facts/hlc.js';
import { generateSeed } from '../../src/main/node/crypto/ed25519.js';
import { toBase64Url } from '../../src/main/node/crypto/base64url.js';
import { signerFromSeed } from '../../src/main/node/identity/signer.js';
import { spawnNode, type NodeProcess } from '../helpers/process.js';
import { NO_RATE_LIMITS, printRatio } from './measure.js';

const KEY = 'bench-admin-key-0123456789abcdef0123';

/** Each node is its own `stigmem serve` process, as two organisations' nodes would be. */
interface BenchNode {
  env: Record<string, string>;
  publicKey: string;
  dbPath: string;
}

function nodeEnv(dir: string, name: string, interval: string): BenchNode {
  const seed = generateSeed();
  const publicKey = signerFromSeed(seed, 'bench').publicKey;
  const dbPath = join(dir, `${name}.db`);
  const env = {
    STIGMEM_DB_PATH: dbPath, STIGMEM_ADMIN_KEY: KEY, STIGMEM_LOG_LEVEL: 'warn', STIGMEM_FEDERATION_ENABLED: 'true', STIGMEM_FEDERATION_PULL_INTERVAL_S: interval,
    STIGMEM_FEDERATION_PRIVKEY: toBase64Url(seed), STIGMEM_FEDERATION_PUBKEY: publicKey, STIGMEM_ENTITY_URI: `stigmem://${name}.example`, ...NO_RATE_LIMITS,
  };
  return { env, publicKey, dbPath };
}

async function api(url: string, path: string, body?: unknown, method?: string): Promise<{ id: string; facts_received: number }> {
  const res = await fetch(`${url}${path}`, { method: method ?? (body ? 'POST' : 'GET'), headers: { authorization: `Bearer ${KEY}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
  return (await res.json()) as { id: string; facts_received: number };
}

async function pairNodes(a: NodeProcess, na: BenchNode, b: NodeProcess, nb: BenchNode): Promise<string> {
  await api(a.url, '/v1/federation/peers', { peer_url: b.url, trusted_public_key: nb.publicKey });
  const onB = await api(b.url, '/v1/federation/peers', { peer_url: a.url, trusted_public_key: na.publicKey });
  return onB.id as string;
}

async function seed(node: BenchNode, n: number): Promise<void> {
  const { deps, app } = await createNode(loadConfig(node.env).config);
  const who = anonymousPrincipal();
  deps.db.transaction(() => {
    for (let i = 0; i < n; i++) {
      assertFact(deps, who, { entity: `stigmem://a.example/e/${i}`, relation: 'memory:role', value: { type: 'string', v: `v${i}` }, source: 'stigmem://a.example/agent/a', confidence: 0.9, scope: 'public' }, { trusted: true });
    }
  });
  await app.close();
  deps.db.raw.close();
}

/** CPU seconds a process has used (Linux /proc; null elsewhere), to show how much of the machine replication takes. */
function cpuSeconds(pid: number | undefined): number | null {
  const stat = `/proc/${pid}/stat`;
  if (pid === undefined || !existsSync(stat)) return null;
  const fields = readFileSync(stat, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function receivedCount(dbPath: string): number {
  const db = new Database(dbPath, { readonly: true });
  const n = (db.prepare('SELECT COUNT(*) AS n FROM facts WHERE received_from IS NOT NULL').get() as { n: number }).n;
  db.close();
  return n;
}

export async function benchReplication(rawInsertPerSec: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'stigmem-bench-repl-'));
  const procs: NodeProcess[] = [];
  try {
    const N = Number(process.env.BENCH_N ?? 100_000);
    const na = nodeEnv(dir, 'a', '1');
    const nb = nodeEnv(dir, 'b', '0.2');
    await seed(na, N);
    const a = await spawnNode(na.env, { dir });
    procs.push(a);
    const b = await spawnNode(nb.env, { dir });
    procs.push(b);
    const cpuBefore = [cpuSeconds(a.child.pid), cpuSeconds(b.child.pid)];
    const start = process.hrtime.bigint();
    const peerId = await pairNodes(a, na, b, nb);
    for (;;) {
      const p = await api(b.url, `/v1/federation/peers/${peerId}`);
      if (p.facts_received >= N) break;
      if (Number(process.hrtime.bigint() - start) / 1e9 > 600) throw new Error(`replication stalled at ${p.facts_received}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const secs = Number(process.hrtime.bigint() - start) / 1e9;
    printRatio(`replicate ${N} facts (pull, two processes)`, N / secs, rawInsertPerSec, 'raw insert', 'facts/s', 0.15);
    const cpuAfter = [cpuSeconds(a.child.pid), cpuSeconds(b.child.pid)];
    if (cpuBefore.every((c) => c !== null) && cpuAfter.every((c) => c !== null)) {
      const [served, pulled] = [cpuAfter[0]! - cpuBefore[0]!, cpuAfter[1]! - cpuBefore[1]!];
      process.stdout.write(`  CPU while replicating: serving node ${served.toFixed(2)} s, pulling node ${pulled.toFixed(2)} s over ${secs.toFixed(2)} s (${((served + pulled) / secs).toFixed(2)} of ${availableParallelism()} cores; ${(((served + pulled) * 1e6) / N).toFixed(0)} µs of CPU per fact)\n`);
    }
    for (const p of procs) await p.stop();
    if (receivedCount(nb.dbPath) !== N) throw new Error('replication bench lost or duplicated facts');
  } finally {
    for (const p of procs) await p.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchReplicationLag(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'stigmem-bench-lag-'));
  const procs: NodeProcess[] = [];
  try {
    const na = nodeEnv(dir, 'a', '1');
    const nb = nodeEnv(dir, 'b', '1');
    const a = await spawnNode(na.env, { dir });
    procs.push(a);
    const b = await spawnNode(nb.env, { dir });
    procs.push(b);
    await pairNodes(a, na, b, nb);
    const RATE = 100;
    const SECONDS = 10;
    const writes: Promise<unknown>[] = [];
    const t0 = Date.now();
    for (let i = 0; i < RATE * SECONDS; i++) {
      const due = t0 + (i * 1000) / RATE;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      writes.push(api(a.url, '/v1/facts', { entity: `stigmem://a.example/lag/${i}`, relation: 'memory:role', value: { type: 'string', v: `v${i}` }, source: 'stigmem://a.example/agent/a', confidence: 0.9, scope: 'public' }));
    }
    await Promise.all(writes);
    const deadline = Date.now() + 15_000;
    while (receivedCount(nb.dbPath) < RATE * SECONDS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const adb = new Database(na.dbPath, { readonly: true });
    const bdb = new Database(nb.dbPath, { readonly: true });
    const origin = new Map((adb.prepare("SELECT id, hlc FROM facts WHERE entity LIKE 'stigmem://a.example/lag/%'").all() as { id: string; hlc: string }[]).map((r) => [r.id, parseHlc(r.hlc)!.wallMs]));
    // The receiver's HLC is taken on receipt, so its wall time is the arrival time on the same machine clock.
    const lags = (bdb.prepare('SELECT id, hlc FROM facts WHERE received_from IS NOT NULL').all() as { id: string; hlc: string }[])
      .filter((r) => origin.has(r.id))
      .map((r) => parseHlc(r.hlc)!.wallMs - origin.get(r.id)!)
      .sort((x, y) => x - y);
    adb.close();
    bdb.close();
    const q = (p: number) => lags[Math.min(lags.length - 1, Math.floor((p / 100) * lags.length))] ?? NaN;
    process.stdout.write(`replication lag at ${RATE} writes/s, 1 s pull interval: p50 ${q(50)} ms, p99 ${q(99)} ms over ${lags.length} facts (target p99 < 1500 ms: ${q(99) < 1500 ? 'met' : 'NOT met'})\n`);
  } finally {
    for (const p of procs) await p.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
}

// The shared conformance vectors, each against a fresh `stigmem serve` process: one test per vector and per scenario.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import {
  createLimiter,
  loadSuite,
  runCase,
  spawnNodeFactory,
  type ConformanceCase,
  type Suite,
} from '../../../src/main/node/conformance/index.js';

const repoRoot = resolve(import.meta.dirname, '../../..');
const vectorsDir = resolve(repoRoot, '../shared/conformance');
const available = existsSync(vectorsDir);
const suite: Suite | null = available ? loadSuite(vectorsDir) : null;

const factory = spawnNodeFactory({ command: process.execPath, args: [join(repoRoot, 'bin/stigmem.mjs'), 'serve'] });
// Four nodes at a time: each start costs most of a second of CPU, and the rest of the suite runs beside these.
const limit = createLimiter(4);
afterAll(() => factory.close());

function defineCases(title: string, pick: (c: ConformanceCase) => boolean): void {
  const cases = suite ? suite.cases.filter(pick) : [];
  if (cases.length === 0) return;
  describe(title, () => {
    for (const c of cases) {
      it.concurrent(`${c.file} ${c.id}`, { timeout: 180_000 }, async ({ expect, skip }) => {
        const r = await limit(() => runCase(suite!, c, factory));
        if (r.outcome === 'skip') skip(r.reason);
        expect(r.reason, `${c.id}: ${r.reason}`).toBe('');
        expect(r.outcome).toBe('pass');
      });
    }
  });
}

if (!suite) {
  describe('conformance vectors', () => {
    it.skip(`skipped: ${vectorsDir} is missing (the shared vectors are expected beside the repository)`, () => {});
  });
  process.stdout.write(`conformance: skipped, ${vectorsDir} is missing\n`);
} else {
  defineCases('conformance v1.0 vectors', (c) => c.kind === 'vector' && c.versionLabel === 'v1.0');
  defineCases('conformance v2.0 vectors', (c) => c.kind === 'vector' && c.versionLabel === 'v2.0');
  defineCases('other vector folders', (c) => c.kind === 'vector' && c.versionLabel !== 'v1.0' && c.versionLabel !== 'v2.0');
  // With auth required and no capability-token support, a forged token is an unknown API key: 401, no fact data.
  defineCases('adversarial capability-token scenarios (auth required, no credentials)', (c) => c.kind === 'adversarial');
  defineCases('unreadable vector files', (c) => c.kind === 'invalid');
}

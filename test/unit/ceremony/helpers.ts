// Ceremony folders on temporary disks, a pinned clock, and result-envelope assertions.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { loadConfig, type NodeConfig } from '../../../src/main/node/config/env.js';
import type { Result } from '../../../src/main/node/errors.js';
import { testClock } from '../manifests/fixtures.js';

export const GOOD_PASSPHRASE = 'Correct Horse 42 staple';
export const ENTITY = 'stigmem://org-a.example';

const made: string[] = [];
export function removeFolders(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}

export interface Folder {
  dir: string;
  config: NodeConfig;
  /** The same folder's configuration with other variables (a different store, a node id …). */
  withEnv(env: Record<string, string>): NodeConfig;
}

/** A node data folder that keeps its key in a 0600 file unless `env` says otherwise. */
export function ceremonyFolder(env: Record<string, string> = {}): Folder {
  const dir = mkdtempSync(join(tmpdir(), 'stigmem-ceremony-'));
  made.push(dir);
  const base = { STIGMEM_DB_PATH: join(dir, 'stigmem.db'), STIGMEM_KEY_STORE: 'file', STIGMEM_ENTITY_URI: ENTITY, ...env };
  return { dir, config: loadConfig(base).config, withEnv: (more) => loadConfig({ ...base, ...more }).config };
}

export const clock = testClock();

export function expectOk<T>(r: Result<T>): T {
  if (!r.ok) expect.fail(`expected success, got ${r.error.code}: ${r.error.message}`);
  return r.value;
}

export function expectFailure<T>(r: Result<T>, code: string): string {
  if (r.ok) expect.fail(`expected ${code}, got success`);
  expect(r.error.code, r.error.message).toBe(code);
  return r.error.message;
}

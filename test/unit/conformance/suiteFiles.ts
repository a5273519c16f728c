// Vector folders written to a temp directory, so tests load them exactly as the runner loads the shared ones.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadSuite, type Suite } from '../../../src/main/node/conformance/index.js';

const made: string[] = [];

/** `files` maps relative paths to JSON text or a value to stringify. */
export function writeVectors(files: Record<string, unknown>): string {
  const root = mkdtempSync(join(tmpdir(), 'stigmem-vectors-'));
  made.push(root);
  for (const [rel, content] of Object.entries(files)) {
    const full = join(root, rel);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, typeof content === 'string' ? content : JSON.stringify(content));
  }
  return root;
}

export function suiteOf(files: Record<string, unknown>): Suite {
  return loadSuite(writeVectors(files));
}

export function removeVectorFolders(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}

export function vectorFile(vectors: unknown[]): unknown {
  return { title: 'test', vectors };
}

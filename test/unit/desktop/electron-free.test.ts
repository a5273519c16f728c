// The node and the desktop helpers load under plain Node: nothing there imports 'electron' at run time
// (type-only imports vanish when compiled). Only src/main/index.ts and the preload may.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../../..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(ts|tsx|mts|js|mjs)$/.test(e.name))
    .map((e) => join(e.parentPath, e.name));
}

const RUNTIME_ELECTRON_IMPORT = /(^|\n)\s*import\s+(?!type\b)[^;]*?from\s+['"]electron(\/[^'"]*)?['"]|require\(\s*['"]electron['"]\s*\)|import\(\s*['"]electron['"]\s*\)/;

describe('Electron-free code', () => {
  for (const folder of ['src/main/node', 'src/main/desktop', 'src/main/cli', 'src/shared', 'src/renderer']) {
    it(`${folder} has no run-time import of electron`, () => {
      const offenders = sourceFiles(join(ROOT, folder)).filter((f) => RUNTIME_ELECTRON_IMPORT.test(readFileSync(f, 'utf8')));
      expect(offenders.map((f) => relative(ROOT, f))).toEqual([]);
    });
  }

  it('the pattern does catch a run-time import', () => {
    expect(RUNTIME_ELECTRON_IMPORT.test("import { app } from 'electron';")).toBe(true);
    expect(RUNTIME_ELECTRON_IMPORT.test("const { app } = require('electron');")).toBe(true);
    expect(RUNTIME_ELECTRON_IMPORT.test("import type { WebPreferences } from 'electron';")).toBe(false);
  });
});

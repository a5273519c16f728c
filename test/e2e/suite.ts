// One `stigmem serve` and one Chromium shared by a suite's tests: started before them (after building what they load),
// closed and removed after them. Call it inside `describe`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { spawnNode, type NodeProcess } from '../helpers/process.js';
import { ensureCliBuilt, ensureRendererBuilt } from './build.js';
import { hasChromium, launchChromium } from './chromium.js';

/** Filled in before the suite's first test; empty when Chromium is missing (the tests then skip). */
export class ServedSuite {
  node!: NodeProcess;
  browser!: BrowserContext;
  /** The browser's profile folder, where screenshots go. */
  home!: string;
  /** The node's working folder. */
  dir!: string;
  /** Script errors and CSP violations the pages reported. */
  readonly problems: string[] = [];
}

export function servedNodeAndBrowser(name: string, env: (dir: string) => Record<string, string>): ServedSuite {
  const s = new ServedSuite();
  beforeAll(async () => {
    if (!hasChromium) return;
    ensureRendererBuilt();
    ensureCliBuilt();
    s.dir = mkdtempSync(join(tmpdir(), `stigmem-e2e-${name}-`));
    s.node = await spawnNode(env(s.dir), { dir: s.dir });
    s.home = mkdtempSync(join(tmpdir(), 'stigmem-chromium-'));
    s.browser = await launchChromium(s.home);
  }, 180_000);
  afterAll(async () => {
    await s.browser?.close();
    await s.node?.cleanup();
    for (const d of [s.dir, s.home]) if (d) rmSync(d, { recursive: true, force: true });
  });
  return s;
}

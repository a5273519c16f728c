// Builds the three Electron parts into out/: main (ESM, deps external), preload (CommonJS, which sandboxed preloads
// require) and the renderer (served by Electron from file:// and by the headless console under /console/).
import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';

// Electron 45 runs Node 22 and a current Chromium; Debian's Chromium runs the same renderer bundle for the console.
const NODE_TARGET = 'node22';
const RENDERER_TARGET = 'es2022';

/**
 * Vite's dev server injects inline scripts (React refresh), <style> tags and a websocket for hot reload, which the
 * production CSP rightly refuses; loosen it for `electron-vite dev` only. Built files keep the strict policy.
 */
function devServerCsp(): Plugin {
  return {
    name: 'stigmem:dev-server-csp',
    apply: 'serve',
    transformIndexHtml: (html) =>
      html
        .replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
        .replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
        .replace("connect-src 'self'", "connect-src 'self' ws://localhost:* ws://127.0.0.1:*"),
  };
}

export default defineConfig({
  main: {
    build: {
      target: NODE_TARGET,
      // Everything in package.json's dependencies stays in node_modules; the native modules must in any case.
      externalizeDeps: { include: ['better-sqlite3', 'keytar'] },
      rolldownOptions: {
        // The workers are their own entries, started from beside index.js (federation/pageFetcher.ts, db/upgrade.ts, data/backupCheck.ts).
        input: {
          index: resolve(import.meta.dirname, 'src/main/index.ts'),
          pageWorker: resolve(import.meta.dirname, 'src/main/node/federation/pageWorker.ts'),
          upgradeWorker: resolve(import.meta.dirname, 'src/main/node/db/upgradeWorker.ts'),
          backupCheckWorker: resolve(import.meta.dirname, 'src/main/node/data/backupCheckWorker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      target: NODE_TARGET,
      rolldownOptions: {
        input: { index: resolve(import.meta.dirname, 'src/preload/index.ts') },
        // A sandboxed preload cannot be an ES module; .cjs keeps Node from reading it as ESM under "type": "module".
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(import.meta.dirname, 'src/renderer'),
    // Relative asset URLs, so the same files work from file:// and under /console/.
    base: './',
    plugins: [react(), devServerCsp()],
    build: {
      target: RENDERER_TARGET,
      // out/renderer, unless `electron-vite build --outDir <dir>` asks for <dir>/renderer.
      outDir: resolve(import.meta.dirname, 'out/renderer'),
      emptyOutDir: true,
      minify: true,
      rolldownOptions: {
        input: { index: resolve(import.meta.dirname, 'src/renderer/index.html') },
      },
    },
  },
});

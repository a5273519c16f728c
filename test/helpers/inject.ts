// An in-process node on a temporary SQLite file, driven through app.inject.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/main/node/config/env.js';
import { createNode } from '../../src/main/node/runtime.js';
import type { Clock } from '../../src/main/node/clock.js';
import { parseJson } from '../../src/main/node/json/parse.js';

export const ADMIN_KEY = 'test-admin-key-0123456789abcdef';

export interface TestNode {
  app: Awaited<ReturnType<typeof createNode>>['app'];
  deps: Awaited<ReturnType<typeof createNode>>['deps'];
  dir: string;
  /** Send a request; `auth` defaults to the admin key, `false` sends none, a string sends that Bearer value. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are checked field by field in tests
  req(method: string, url: string, body?: unknown, auth?: string | false, headers?: Record<string, string>): Promise<{ status: number; body: any; text: string; headers: Record<string, unknown> }>;
  close(): Promise<void>;
}

export async function makeTestNode(env: Record<string, string> = {}, opts: { clock?: Clock; pageWorkerFile?: string; backupCheckWorkerFile?: string } = {}): Promise<TestNode> {
  const dir = mkdtempSync(join(tmpdir(), 'stigmem-test-'));
  // Test nodes keep their key in a file unless a test asks for a keychain: never touch a developer's own keychain.
  const { config } = loadConfig({ STIGMEM_DB_PATH: join(dir, 'node.db'), STIGMEM_ADMIN_KEY: ADMIN_KEY, STIGMEM_KEY_STORE: 'file', ...env });
  const { app, deps } = await createNode(config, opts);
  return {
    app,
    deps,
    dir,
    async req(method, url, body, auth = ADMIN_KEY, headers = {}) {
      const h: Record<string, string> = { ...headers };
      if (auth !== false) h['authorization'] = `Bearer ${auth}`;
      let payload: string | undefined;
      if (body !== undefined) {
        payload = typeof body === 'string' ? body : JSON.stringify(body);
        h['content-type'] ??= 'application/json';
      }
      const res = await app.inject({ method: method as 'GET', url, headers: h, payload });
      let parsed: unknown = undefined;
      try {
        parsed = res.body === '' ? undefined : parseJson(res.body);
      } catch {
        parsed = undefined;
      }
      return { status: res.statusCode, body: parsed, text: res.body, headers: res.headers };
    },
    async close() {
      await app.close();
      deps.db.raw.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

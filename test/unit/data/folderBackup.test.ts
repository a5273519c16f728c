// `stigmem data backup` beside a running node: the copy is one moment of the database, and once it has been read the
// node's log is no longer held back while the copy is sealed.
import Database from 'better-sqlite3';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig, type NodeConfig } from '../../../src/main/node/config/env.js';
import { backupFolderDatabase } from '../../../src/main/node/data/folder.js';
import { createNode } from '../../../src/main/node/runtime.js';

let dir: string;
let config: NodeConfig;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'stigmem-folder-backup-'));
  config = loadConfig({ STIGMEM_DB_PATH: join(dir, 'node.db'), STIGMEM_KEY_STORE: 'file', STIGMEM_ENTITY_URI: 'stigmem://org-a.example' }).config;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('a command-line database backup beside a running node', () => {
  it('lets the node fold its log in while the copy is sealed', async () => {
    const { app, deps } = await createNode(config);
    await app.close();
    deps.db.raw.close();
    // Another process writing to the database, as the node does.
    const node = new Database(config.dbPath);
    node.exec("INSERT INTO node_meta (key, value) VALUES ('before', 'the copy')");
    const out = join(dir, 'out');
    mkdirSync(out);
    let checkpoint: { busy: number } | null = null;
    // Asked between steps; once the sealed file is begun, the node writes and folds its whole log in.
    const probe = { throwIfAborted: () => {
      if (checkpoint !== null || readdirSync(out).length === 0) return;
      node.exec("INSERT INTO node_meta (key, value) VALUES ('during', 'the sealing')");
      checkpoint = (node.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[])[0]!;
    } } as unknown as AbortSignal;
    const r = await backupFolderDatabase({ config }, join(out, 'node-data.sqlite'), false, 'Twelve brass Bells 60', probe);
    node.close();
    if (!r.ok) throw new Error(r.error.message);
    expect(checkpoint).toEqual(expect.objectContaining({ busy: 0 }));
  });
});

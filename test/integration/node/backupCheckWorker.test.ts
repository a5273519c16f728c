// Checking a database backup in the built worker (what `stigmem serve` and the desktop start with): every answer is the
// one the node's own thread gives, the node's thread runs on while a backup is read, and a worker that cannot start
// or dies is handled.
import { copyFileSync, mkdtempSync, openSync, rmSync, statSync, truncateSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataInspected } from '../../../src/shared/data.js';
import { backupCheckerFor, builtBackupCheckWorker, inlineBackupChecker, type BackupChecker } from '../../../src/main/node/data/backupCheck.js';
import { CeremonyError } from '../../../src/main/node/ceremony/errors.js';
import { makeTestNode, type TestNode } from '../../helpers/inject.js';
import { REPO_ROOT } from '../../helpers/process.js';
import { insertFact, operationsOn, valueOf } from '../../unit/console/helpers.js';
import { remark } from '../../unit/data/helpers.js';

const WORKER = builtBackupCheckWorker(join(REPO_ROOT, 'out/cli'));
const DESKTOP_WORKER = builtBackupCheckWorker(join(REPO_ROOT, 'out/main'));
const ORG = 'stigmem://org-a.example';
const PASSPHRASE = 'Twelve brass Bells 60';

let n: TestNode;
let files: string;
const op = operationsOn(() => n.deps);

beforeAll(async () => {
  n = await makeTestNode({ STIGMEM_ENTITY_URI: ORG }, { backupCheckWorkerFile: WORKER });
  files = mkdtempSync(join(tmpdir(), 'stigmem-check-'));
  n.deps.db.transaction(() => {
    for (let i = 0; i < 3000; i++) insertFact(n.deps, { entity: `stigmem://org-a.example/e/${i}`, relation: 'memory:role', valueType: 'string', value: `v${i}`.padEnd(400, '.') });
  });
  valueOf(await op('data:backup', { path: join(files, 'good.sqlite') }));
  valueOf(await op('data:backup', { path: join(files, 'sealed.sqlite'), passphrase: PASSPHRASE }));
  spoil('cut.sqlite', (p) => truncateSync(p, Math.floor(statSync(p).size / 2)));
  spoil('overwritten.sqlite', overwriteMiddle);
  spoil('unmarked.sqlite', (p) => remark(p, { format: 'something-else' }));
  spoil('newer.sqlite', (p) => {
    const db = new Database(p);
    db.pragma('user_version = 99');
    db.close();
  });
  spoil('text.sqlite', (p) => writeFileSync(p, 'hello, not a database'));
});

const FILES = ['good.sqlite', 'sealed.sqlite', 'cut.sqlite', 'overwritten.sqlite', 'unmarked.sqlite', 'newer.sqlite', 'text.sqlite'];
afterAll(async () => {
  await n.close();
  rmSync(files, { recursive: true, force: true });
});

/** A copy of the good backup under `name`, spoilt by `how`. */
function spoil(name: string, how: (path: string) => void): void {
  const path = join(files, name);
  copyFileSync(join(files, 'good.sqlite'), path);
  how(path);
}

function overwriteMiddle(path: string): void {
  const fd = openSync(path, 'r+');
  try {
    writeSync(fd, Buffer.alloc(4096, 0xa5), 0, 4096, Math.floor(statSync(path).size / 2 / 4096) * 4096);
  } finally {
    closeSync(fd);
  }
}

/** What a checker answers, as plain data: the info, or the refusal's code and words. */
async function answer(checker: BackupChecker, path: string): Promise<unknown> {
  try {
    return { info: await checker.check(path) };
  } catch (e) {
    return e instanceof CeremonyError ? { code: e.code, message: e.message } : { error: String(e) };
  }
}

/** A worker file that says it is ready and then exits, or exits at once: a worker lost mid-check or never started. */
function dyingWorker(afterReady: boolean): string {
  const file = join(files, `dying-${afterReady}.mjs`);
  writeFileSync(file, `import { parentPort } from 'node:worker_threads';\n${afterReady ? "parentPort.postMessage({ type: 'ready' });\n" : ''}process.exit(3);\n`);
  return file;
}

describe('the backup check worker', () => {
  it('is built beside the stigmem and desktop bundles, and is not found beside the sources', () => {
    expect(WORKER, 'out/cli/backupCheckWorker.js (node scripts/build-cli.mjs)').toBeDefined();
    expect(DESKTOP_WORKER, 'out/main/backupCheckWorker.js (npx electron-vite build)').toBeDefined();
    expect(builtBackupCheckWorker(join(REPO_ROOT, 'src/main/node/data'))).toBeUndefined();
  });

  it.each([
    ['stigmem serve', () => WORKER!],
    ['desktop', () => DESKTOP_WORKER!],
  ])("%s's worker answers every file exactly as the node's thread does", async (_shell, file) => {
    const paths = [...FILES.map((f) => join(files, f)), n.deps.config.dbPath, join(files, 'absent.sqlite'), files];
    const worker = backupCheckerFor(file());
    const answers = [];
    for (const path of paths) {
      const [inWorker, here] = [await answer(worker, path), await answer(inlineBackupChecker, path)];
      expect(inWorker, path).toEqual(here);
      answers.push(inWorker);
    }
    expect(answers[0]).toEqual({ info: expect.objectContaining({ sealed: false, nodeId: n.deps.nodeId, entityUri: ORG, facts: 3000 }) });
    expect(answers[1]).toEqual({ info: expect.objectContaining({ sealed: true, nodeId: n.deps.nodeId, facts: 3000 }) });
    for (const a of answers.slice(2, 8)) expect(a).toMatchObject({ code: 'backup_invalid' });
    expect(answers[3]).toMatchObject({ message: expect.stringMatching(/damaged|malformed/) });
    expect(answers[8]).toMatchObject({ code: 'file_unreadable' });
    expect(answers[9]).toMatchObject({ code: 'backup_invalid', message: expect.stringContaining('not a file') });
  });

  it("leaves the node's thread free while a backup is read (its timers run before the check is over)", async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    try {
      await backupCheckerFor(WORKER).check(join(files, 'good.sqlite'));
      expect(ticks).toBeGreaterThan(0);
    } finally {
      clearInterval(timer);
    }
  });

  it("inspects plain and sealed backups through the node's operations", async () => {
    expect(valueOf(await op<DataInspected>('data:inspect', { path: join(files, 'good.sqlite') }))).toMatchObject({ facts: 3000, isOpened: true, isRestorable: true });
    // Sealed, with its passphrase: opened into a plain copy that the worker checks in full.
    expect(valueOf(await op<DataInspected>('data:inspect', { path: join(files, 'sealed.sqlite'), passphrase: PASSPHRASE }))).toMatchObject({ sealed: true, facts: 3000, isOpened: true, isRestorable: true });
    expect(await op('data:inspect', { path: join(files, 'overwritten.sqlite') })).toMatchObject({ ok: false, error: { code: 'backup_invalid' } });
    expect(await op('data:restore', { path: join(files, 'cut.sqlite'), confirmEntity: ORG })).toMatchObject({ ok: false, error: { code: 'backup_invalid' } });
  });

  it('checks on the calling thread when the worker cannot start, and says so once', async () => {
    const notices: string[] = [];
    const checker = backupCheckerFor(dyingWorker(false), (m) => notices.push(m));
    expect(await answer(checker, join(files, 'good.sqlite'))).toEqual(await answer(inlineBackupChecker, join(files, 'good.sqlite')));
    expect(await answer(checker, join(files, 'text.sqlite'))).toMatchObject({ code: 'backup_invalid' });
    expect(notices).toEqual([expect.stringMatching(/backup checks run on the node's thread \(the check worker exited \(code 3\)\)/)]);
    const missing = backupCheckerFor(join(files, 'no-such-worker.mjs'), (m) => notices.push(m));
    expect(await answer(missing, join(files, 'good.sqlite'))).toMatchObject({ info: expect.objectContaining({ facts: 3000 }) });
  });

  it('refuses the file, naming why, when the worker dies during a check', async () => {
    expect(await answer(backupCheckerFor(dyingWorker(true)), join(files, 'good.sqlite'))).toEqual({
      code: 'backup_invalid',
      message: `${join(files, 'good.sqlite')} could not be checked: the check worker exited (code 3)`,
    });
  });
});

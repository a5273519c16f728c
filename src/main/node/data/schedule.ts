// Automatic database backups (set on the Data screen or by STIGMEM_BACKUP_DIR): one soon after start when none is
// recent, then every interval, keeping the newest few of this node's backups in that folder.
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { DataBackupDone, DataBackupInfo } from '../../../shared/data.js';
import type { Result } from '../../../shared/result.js';
import { recordAudit } from '../audit/log.js';
import { removeBackupDirLeftovers } from './leftovers.js';
import { isoFromMs, parseIsoMs } from '../clock.js';
import type { App, NodeDeps } from '../server/deps.js';
import { readDataBackup } from './backupFile.js';
import { backupFinished, backUpNode, lastDataBackup } from './service.js';
import { automaticBackupSettings, type AutomaticBackupSettings, type AutomaticBackupState } from './settings.js';

/** After a failure (a full disk, a folder gone), try again this soon rather than a whole interval later. */
const RETRY_MS = 10 * 60_000;
/** A timer never waits longer than this (setTimeout fires at once past ~24.8 days); it looks again when it wakes. */
const MAX_WAIT_MS = 6 * 3_600_000;
const FILE_PATTERN = /^stigmem-data-[0-9TZ-]+\.sqlite$/;

export const automaticBackupName = (nowMs: number): string => `stigmem-data-${new Date(nowMs).toISOString().replace(/[:.]/g, '-')}.sqlite`;

export class BackupSchedule {
  private timer: NodeJS.Timeout | null = null;
  private isStopped = false;
  private nextAtMs: number | null = null;
  private lastError: string | null = null;
  /** What list() last found, so an overview does not open each file again; looked up first when asked, not at start. */
  private known: DataBackupInfo[] | null = null;

  constructor(
    private readonly deps: NodeDeps,
    readonly settings: AutomaticBackupSettings,
  ) {}

  get state(): AutomaticBackupState {
    return { ...this.settings, nextAt: this.nextAtMs === null ? null : isoFromMs(this.nextAtMs), lastError: this.lastError, sealed: this.deps.config.backupPassphrase !== null };
  }

  /** This node's backups in the folder, newest first, as last found (after each backup, or when first asked). */
  get backups(): DataBackupInfo[] {
    return (this.known ??= this.list());
  }

  private get dir(): string {
    return this.settings.dir;
  }

  start(): void {
    // A backup a crash interrupted left its temporary copy, as large as the database.
    removeBackupDirLeftovers(this.dir, Date.now());
    this.plan(this.dueAtMs());
  }

  /** An interval after the last automatic backup, or now when there was none. */
  private dueAtMs(): number {
    const now = this.deps.clock.nowMs();
    const lastAt = lastDataBackup(this.deps, { automatic: true })?.at;
    const last = lastAt === undefined ? null : parseIsoMs(lastAt);
    return last === null ? now : Math.max(now, last + this.settings.intervalMinutes * 60_000);
  }

  stop(): void {
    this.isStopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.nextAtMs = null;
  }

  /** Take one backup into the folder and prune the oldest beyond the number kept. */
  async runOnce(): Promise<Result<DataBackupDone>> {
    const now = this.deps.clock.nowMs();
    let r: Result<DataBackupDone>;
    try {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      const passphrase = this.deps.config.backupPassphrase;
      r = await backUpNode(this.deps, join(this.dir, automaticBackupName(now)), { overwrite: false, automatic: true, ...(passphrase !== null ? { passphrase } : {}) });
    } catch (e) {
      r = { ok: false, error: { code: 'file_unreadable', message: e instanceof Error ? e.message : String(e) } };
    }
    if (r.ok) {
      this.lastError = null;
      try {
        this.prune();
      } catch (e) {
        this.lastError = `${isoFromMs(now)}: the backup was taken, but older ones could not be removed: ${e instanceof Error ? e.message : String(e)}`;
      }
    } else if (!this.isStopped && r.error.code !== 'busy') {
      // Audited once per run of failures, not on every retry (and not for a copy cut short by the node closing).
      if (this.lastError === null) this.auditFailure(r.error, now);
      this.lastError = `${isoFromMs(now)}: ${r.error.message}`;
    }
    return r;
  }

  private auditFailure(error: { code: string; message: string }, nowMs: number): void {
    try {
      recordAudit(this.deps.db, { category: 'admin', eventType: 'database_backup_failed', actor: this.deps.orgEntityUri, detail: { dir: this.dir, code: error.code, message: error.message } }, nowMs);
    } catch {
      // The database cannot take the event either (its disk is full, say): the Data screen still shows the failure.
    }
  }

  private plan(atMs: number): void {
    if (this.isStopped) return;
    this.nextAtMs = atMs;
    const wait = Math.min(MAX_WAIT_MS, Math.max(0, atMs - this.deps.clock.nowMs()));
    this.timer = setTimeout(() => (this.deps.clock.nowMs() >= atMs ? void this.tick() : this.plan(atMs)), wait);
    // The node's server keeps the process alive; a pending backup must not.
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    this.nextAtMs = null; // under way now; the next is planned when it ends
    const r = await this.runOnce();
    if (!r.ok && r.error.code === 'busy') {
      // Another backup was under way (the Data screen's, or this schedule's before it changed): the next is planned
      // once it ends, from it if it was an automatic one, as if this turn had come after it.
      await backupFinished(this.deps);
      if (!this.isStopped) this.plan(this.dueAtMs());
      return;
    }
    if (this.isStopped) return;
    const interval = this.settings.intervalMinutes * 60_000;
    this.plan(this.deps.clock.nowMs() + (r.ok ? interval : Math.min(interval, RETRY_MS)));
  }

  /** This node's backups in the folder, as this schedule names them, newest first (none while the folder is missing). */
  list(): DataBackupInfo[] {
    let names: string[];
    try {
      names = readdirSync(this.dir).filter((f) => FILE_PATTERN.test(f));
    } catch {
      return [];
    }
    return names
      .flatMap((f) => {
        try {
          const info = readDataBackup(join(this.dir, f));
          return info.nodeId === this.deps.nodeId ? [info] : [];
        } catch {
          return [];
        }
      })
      .sort((a, b) => (a.takenAt < b.takenAt ? 1 : a.takenAt > b.takenAt ? -1 : 0));
  }

  /** Only files named as this schedule names them and holding a backup of this very node are ever removed. */
  private prune(): void {
    const all = this.list();
    for (const old of all.slice(this.settings.keep)) rmSync(old.path, { force: true });
    this.known = all.slice(0, this.settings.keep);
  }
}

const schedules = new WeakMap<NodeDeps, BackupSchedule>();

export function backupSchedule(deps: NodeDeps): BackupSchedule | null {
  return schedules.get(deps) ?? null;
}

/** Replace the running schedule (if any) with one for `settings`, or none. */
export function applyBackupSchedule(deps: NodeDeps, settings: AutomaticBackupSettings | null): BackupSchedule | null {
  schedules.get(deps)?.stop();
  schedules.delete(deps);
  if (settings === null || deps.config.dbPath === ':memory:') return null;
  const schedule = new BackupSchedule(deps, settings);
  schedules.set(deps, schedule);
  schedule.start();
  return schedule;
}

/** Start the schedule in force with the node and stop it when the node closes. */
export function registerBackupSchedule(app: App, deps: NodeDeps): void {
  app.addHook('onReady', async () => void applyBackupSchedule(deps, automaticBackupSettings(deps)?.settings ?? null));
  app.addHook('onClose', async () => void applyBackupSchedule(deps, null));
}

// The desktop's node across its life: started after the window opens (DesktopStartup; on an empty data folder only once
// the operator has chosen a new or restored identity), and stopped and started again around a step that needs it
// stopped, such as a key rotation, while the window shows what is happening.
import { isAbsolute } from 'node:path';
import type { NodeStartup } from '../../shared/contract.js';
import type { FirstRunChoice, FirstRunDone } from '../../shared/identity.js';
import { fail, ok, type Result } from '../../shared/result.js';
import { dataDirOf, folderHasIdentity } from '../node/ceremony/folder.js';
import { restoreIdentity } from '../node/ceremony/restore.js';
import { backupUnderWayRefusal } from '../node/data/service.js';
import { explainStartFailure } from '../node/db/openFailure.js';
import { orgEntityFor } from '../node/config/orgEntity.js';
import { restoreData } from '../node/data/restore.js';
import type { DataRestoreDone, DataRestoreInput } from '../../shared/data.js';
import type { NodeConfig } from '../node/config/env.js';
import type { KeyLoadOptions } from '../node/identity/keys.js';
import type { NodeDeps } from '../node/server/deps.js';
import { DesktopStartup, type StartupSteps } from './startup.js';

export interface HostedNode {
  deps: NodeDeps;
  close(): Promise<void>;
}

const DAMAGED_RESTORE_TASK = 'Restoring the database from a backup over the damaged one';

export class DesktopNodeHost<T extends HostedNode> {
  private readonly startup = new DesktopStartup();
  private node: T | null = null;
  private config: NodeConfig | null = null;
  private maintenance: string | null = null;
  /** The step under way, so quitting waits for it (a key half-rotated is never left by a quit) and starts nothing after. */
  private inFlight: Promise<unknown> = Promise.resolve();
  private isStopped = false;

  /** Set while a first start waits for the operator's choice of identity. */
  private firstRun: ((choice: FirstRunChoice) => Promise<Result<FirstRunDone>>) | null = null;

  /** `keys`: how the key store is reached (the same options the node is started with), for a restore. */
  constructor(
    private readonly steps: StartupSteps<NodeConfig, T>,
    private readonly keys: KeyLoadOptions = {},
  ) {}

  /**
   * Configure, (on an empty data folder) wait for the operator's choice of identity, upgrade and start; resolves with the
   * node, or null when a step failed (the phase says why).
   */
  async start(): Promise<T | null> {
    this.node = await this.startup.run({
      configure: () => (this.config = this.steps.configure()),
      prepare: (c, show) => this.awaitIdentityChoice(c, show),
      // A damaged, full, locked or read-only database is said in the operator's words, with the way out.
      upgrade: (c, onStep) => this.steps.upgrade(c, onStep).catch((e: unknown) => Promise.reject(explainStartFailure(e, c.dbPath))),
      start: (c) => this.steps.start(c).catch((e: unknown) => Promise.reject(explainStartFailure(e, c.dbPath))),
    });
    return this.node;
  }

  /** The operator's answer to the first-run question: a new identity, or a restore (which must succeed to go on). */
  async chooseIdentity(choice: FirstRunChoice): Promise<Result<FirstRunDone>> {
    if (this.firstRun === null) return fail('not_first_run', 'this node already has its identity');
    return this.firstRun(choice);
  }

  private awaitIdentityChoice(config: NodeConfig, show: (phase: NodeStartup) => void): Promise<void> {
    if (folderHasIdentity(config)) return Promise.resolve();
    show({ phase: 'first-run', dataDir: dataDirOf(config), keyStore: config.keyStore });
    return new Promise<void>((resolve) => {
      let isBusy = false;
      this.firstRun = async (choice) => {
        if (isBusy) return fail('busy', 'the previous choice is still being carried out');
        isBusy = true;
        try {
          const r = choice.choice === 'new' ? ok<FirstRunDone>({ choice: 'new', restored: null }) : await this.restoreInto(config, choice.path, choice.passphrase);
          if (r.ok) {
            this.firstRun = null;
            resolve();
          }
          return r;
        } finally {
          isBusy = false;
        }
      };
    });
  }

  private async restoreInto(config: NodeConfig, path: string, passphrase: string): Promise<Result<FirstRunDone>> {
    if (!isAbsolute(path)) return fail('validation_failed', `give the backup file's full path (${path} is relative)`);
    const r = await restoreIdentity({ config, keys: this.keys, backupPath: path, passphrase });
    if (!r.ok) return r;
    const { nodeId, keyId, fingerprint, keyLocation } = r.value;
    return ok({ choice: 'restore', restored: { nodeId, keyId, fingerprint, keyLocation } });
  }

  current(): T | null {
    return this.maintenance === null ? this.node : null;
  }

  phase(): NodeStartup {
    if (this.maintenance !== null) return { phase: 'maintenance', task: this.maintenance };
    const phase = this.startup.current();
    // A start that failed on a damaged database can be recovered from the window: it needs what to type to confirm.
    if (phase.phase === 'failed' && this.config !== null && this.startup.failedOnDamagedDatabase()) {
      return { ...phase, damagedDatabase: { dbPath: this.config.dbPath, entityUri: orgEntityFor(this.config) } };
    }
    return phase;
  }

  /**
   * Put a database backup back over a database the node could not start on because it is damaged, then start again
   * (`stigmem data restore` does the same on the command line). Only in that state, and confirmed with the org entity.
   */
  async restoreOverDamaged(args: DataRestoreInput): Promise<Result<DataRestoreDone>> {
    const config = this.config;
    if (this.maintenance !== null) return fail('busy', `the node is stopped for another step (${this.maintenance}); try again when it is back`);
    if (config === null || this.node !== null || !this.startup.failedOnDamagedDatabase()) return fail('node_not_running', 'the node is not running, and its database is not damaged: quit and start again');
    if (args.confirmEntity !== orgEntityFor(config)) return fail('validation_failed', `type the organisation entity (${orgEntityFor(config)}) to confirm that the damaged database is replaced`);
    this.maintenance = DAMAGED_RESTORE_TASK;
    let result: Result<DataRestoreDone>;
    try {
      result = await restoreData({ config, keys: this.keys }, args.path, args.passphrase);
    } finally {
      this.maintenance = null;
    }
    if (result.ok && !this.isStopped) await this.start();
    return result;
  }

  /**
   * Stop the node, run `work` on its configuration, start it again. `check` runs first against the running node, so a
   * refusal never stops it; one such step at a time, and none while a database backup is being copied (stopping would
   * cut it short).
   */
  async whileStopped<R>(task: string, check: (deps: NodeDeps) => Result<never> | null, work: (config: NodeConfig, deps: NodeDeps) => Promise<Result<R>>): Promise<Result<R>> {
    const running = this.current();
    if (this.maintenance !== null) return fail('busy', `the node is stopped for another step (${this.maintenance}); try again when it is back`);
    if (running === null || this.config === null) return fail('node_not_running', 'the node is not running');
    const refusal = check(running.deps) ?? backupUnderWayRefusal(running.deps);
    if (refusal !== null) return refusal;
    const config = this.config;
    this.maintenance = task;
    const step = (async (): Promise<Result<R>> => {
      let result: Result<R>;
      try {
        await running.close();
        this.node = null;
        result = await work(config, running.deps);
      } catch (e) {
        result = fail('internal_error', `${task} failed: ${e instanceof Error ? e.message : String(e)}`);
      } finally {
        this.maintenance = null;
      }
      if (this.isStopped) return result;
      await this.start();
      return result;
    })();
    this.inFlight = step;
    return step;
  }

  /** Stop for good (the app is quitting): after any step under way, and nothing is started again. */
  async stop(): Promise<void> {
    this.isStopped = true;
    await this.inFlight;
    const running = this.node;
    this.node = null;
    await running?.close();
  }
}

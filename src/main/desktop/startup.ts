// The desktop's start, after its window is open: upgrade the database off the main thread, then start the node, and
// keep the phase the window asks for (node:startup) current, so a long upgrade shows progress and a failure its reason.
import type { NodeStartup } from '../../shared/contract.js';
import { databaseOpenKind } from '../node/db/openFailure.js';
import type { UpgradeStep } from '../node/db/upgrade.js';

export interface StartupSteps<C, T> {
  /** Read the configuration (a malformed value fails here, and the window says which). */
  configure(): C;
  /** Before anything touches the data folder: a first start waits here for the operator's choice of identity. */
  prepare?(config: C, show: (phase: NodeStartup) => void): Promise<void>;
  upgrade(config: C, onStep: (step: UpgradeStep) => void): Promise<unknown>;
  start(config: C): Promise<T>;
}

export class DesktopStartup {
  private state: NodeStartup = { phase: 'starting' };
  private damaged = false;

  current(): NodeStartup {
    return this.state;
  }

  /** Whether the last start failed because its database is damaged (a backup can then be restored over it). */
  failedOnDamagedDatabase(): boolean {
    return this.state.phase === 'failed' && this.damaged;
  }

  /** The started node, or null when a step failed (the phase then says why). */
  async run<C, T>(steps: StartupSteps<C, T>): Promise<T | null> {
    // A second run (after the node was stopped for maintenance) starts from the beginning, not from 'ready'.
    this.state = { phase: 'starting' };
    this.damaged = false;
    try {
      const config = steps.configure();
      await steps.prepare?.(config, (phase) => (this.state = phase));
      this.state = { phase: 'starting' };
      await steps.upgrade(config, (s) => {
        this.state = { phase: 'upgrading', step: s.index, steps: s.total, schemaVersion: s.version, migration: s.name };
      });
      this.state = { phase: 'starting' };
      const started = await steps.start(config);
      this.state = { phase: 'ready' };
      return started;
    } catch (e) {
      this.damaged = databaseOpenKind(e) === 'damaged';
      this.state = { phase: 'failed', message: e instanceof Error ? e.message : String(e) };
      return null;
    }
  }
}

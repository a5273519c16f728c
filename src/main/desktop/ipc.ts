// Binds every contract operation to ipcMain on its derived channel. Electron-free: it takes ipcMain's shape.
import { ADMIN_OPERATIONS, ipcChannelOf, OPERATION_NAMES, type ArgsOf, type NodeStartup, type OperationName, type ResultOf } from '../../shared/contract.js';
import { fail, ok, type Result } from '../../shared/result.js';
import { runAdminOperation } from '../node/console/handlers.js';
import type { NodeDeps } from '../node/server/deps.js';

export interface IpcInvokeEvent {
  senderFrame: { url: string } | null;
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcInvokeEvent, arg: unknown) => Promise<Result<unknown>>): void;
  removeHandler(channel: string): void;
}

/** Operations the desktop answers itself rather than its node (a key rotation stops the node); arguments arrive validated. */
export type ShellOperations = { readonly [N in OperationName]?: (args: ArgsOf<N>) => Promise<Result<ResultOf<N>>> };

export interface AdminIpcOptions {
  /** The running node, or null while it starts or after it stopped. */
  currentDeps: () => NodeDeps | null;
  /** How far the node has come; asked while there is no node yet, so the window can show progress or the failure. */
  startup: () => NodeStartup;
  isTrustedSender: (senderUrl: string | null) => boolean;
  reportError?: (op: string, err: unknown) => void;
  shellOperations?: ShellOperations;
}

/** Register one handler per operation; returns a function that removes them again. */
export function bindAdminOperations(ipcMain: IpcMainLike, opts: AdminIpcOptions): () => void {
  // How far the start has come is the desktop's to say: there may be no node yet to ask.
  const shellOperations: ShellOperations = { 'node:startup': async () => ok(opts.startup()), ...opts.shellOperations };
  for (const op of OPERATION_NAMES) {
    ipcMain.handle(ipcChannelOf(op), async (event, arg) => {
      if (!opts.isTrustedSender(event.senderFrame?.url ?? null)) return fail('forbidden', 'this page may not call the node');
      const shell = shellOperations[op] as ((args: unknown) => Promise<Result<unknown>>) | undefined;
      if (shell) {
        const checked = ADMIN_OPERATIONS[op].validate(arg);
        return checked.ok ? shell(checked.value) : checked;
      }
      const deps = opts.currentDeps();
      if (deps === null) return fail('node_not_running', 'the node is not running');
      return runAdminOperation(deps, op, arg, (err) => opts.reportError?.(op, err));
    });
  }
  return () => {
    for (const op of OPERATION_NAMES) ipcMain.removeHandler(ipcChannelOf(op));
  };
}

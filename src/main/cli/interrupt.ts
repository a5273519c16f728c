// Ctrl-C (SIGINT) or SIGTERM during a long step: instead of the process dying with a partial file left behind, the step
// is told to stop, removes what it had begun and is reported `interrupted` (exit 130). A second signal ends it at once.
import { CeremonyError } from '../node/ceremony/errors.js';

export async function interruptible<T>(what: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const stop = (): void => controller.abort(new CeremonyError('interrupted', `interrupted: ${what}`));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    return await work(controller.signal);
  } finally {
    process.removeListener('SIGINT', stop);
    process.removeListener('SIGTERM', stop);
  }
}

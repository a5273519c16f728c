// Renewed mTLS certificates are taken up without a restart (certificates of 90 days are the norm): the files are
// checked every few seconds, and a pair that reads and matches replaces the old one for new connections.
import { statSync } from 'node:fs';
import type { TlsPaths } from '../config/env.js';
import type { TlsMaterial } from '../crypto/tlsMaterial.js';
import { loadTlsMaterial } from './tls.js';

export const TLS_RELOAD_CHECK_MS = 5_000;

function stampOf(paths: TlsPaths): string {
  return [paths.certPath, paths.keyPath, paths.caBundlePath]
    .map((p) => {
      try {
        const s = statSync(p);
        return `${s.ino}:${s.size}:${s.mtimeMs}`;
      } catch {
        return 'missing';
      }
    })
    .join('|');
}

export interface TlsWatch {
  stop(): void;
  /** Load the files now (SIGHUP), whatever changed; what happened, for the log. */
  reloadNow(): { ok: boolean; message: string };
}

type Log = { info(msg: string): void; warn(msg: string): void };

/**
 * Call `apply` with the files' new contents after each change, checked every `everyMs` (0: only on `reloadNow`). A
 * change that does not load (a certificate written before its key) keeps the old pair and is said once; the next
 * change is tried again.
 */
export function watchTlsFiles(paths: TlsPaths, apply: (m: TlsMaterial) => void, log: Log, everyMs = TLS_RELOAD_CHECK_MS): TlsWatch {
  let last = stampOf(paths);
  const load = (): { ok: boolean; message: string } => {
    last = stampOf(paths);
    let m: TlsMaterial;
    try {
      m = loadTlsMaterial(paths);
    } catch (e) {
      const message = `the TLS files cannot be used (${(e as Error).message}); the node keeps its current certificate`;
      log.warn(message);
      return { ok: false, message };
    }
    apply(m);
    const message = `TLS certificate reloaded from ${paths.certPath}`;
    log.info(message);
    return { ok: true, message };
  };
  const timer = everyMs > 0 ? setInterval(() => {
    if (stampOf(paths) !== last) load();
  }, everyMs) : null;
  timer?.unref();
  return { stop: () => (timer === null ? undefined : clearInterval(timer)), reloadNow: load };
}

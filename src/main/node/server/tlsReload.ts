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

/**
 * Call `apply` with the files' new contents after each change. A change that does not load (a certificate written
 * before its key) keeps the old pair and is said once; the next change is tried again. Returns the stop function.
 */
export function watchTlsFiles(paths: TlsPaths, apply: (m: TlsMaterial) => void, log: { info(msg: string): void; warn(msg: string): void }, everyMs = TLS_RELOAD_CHECK_MS): () => void {
  let last = stampOf(paths);
  const timer = setInterval(() => {
    const now = stampOf(paths);
    if (now === last) return;
    last = now;
    let m: TlsMaterial;
    try {
      m = loadTlsMaterial(paths);
    } catch (e) {
      log.warn(`the TLS files changed but cannot be used yet (${(e as Error).message}); the node keeps its current certificate`);
      return;
    }
    apply(m);
    log.info(`TLS certificate reloaded from ${paths.certPath}`);
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

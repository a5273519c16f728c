// A throw-away federation CA and node certificates made with the openssl command, for mTLS tests.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Why certificates cannot be made here (no openssl), or null. */
export function opensslMissing(): string | null {
  const r = spawnSync('openssl', ['version'], { encoding: 'utf8' });
  return r.status === 0 ? null : `openssl is not available (${r.error?.message ?? r.stderr.trim()}); mTLS tests need it to make certificates`;
}

function openssl(args: string[]): void {
  const r = spawnSync('openssl', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args.slice(0, 2).join(' ')} failed: ${r.stderr}`);
}

export interface Ca {
  certPath: string;
  keyPath: string;
  pem: string;
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

export function makeCa(dir: string, name: string, days = 2): Ca {
  const certPath = join(dir, `${name}.crt`);
  const keyPath = join(dir, `${name}.key`);
  openssl(['req', '-x509', ...EC, '-subj', `/CN=${name}`, '-days', String(days), '-keyout', keyPath, '-out', certPath, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  return { certPath, keyPath, pem: readFileSync(certPath, 'utf8') };
}

export interface NodeCert {
  certPath: string;
  keyPath: string;
  cert: string;
  key: string;
}

/** A certificate the CA signs for `uris` (URI SANs), reachable as 127.0.0.1 and localhost, for server and client use. */
export function issueCert(dir: string, ca: Ca, name: string, uris: string[], days = 2): NodeCert {
  const [certPath, keyPath, csr, ext] = ['crt', 'key', 'csr', 'ext'].map((x) => join(dir, `${name}.${x}`)) as [string, string, string, string];
  openssl(['req', '-new', ...EC, '-subj', `/CN=${name}`, '-keyout', keyPath, '-out', csr]);
  writeFileSync(ext, `subjectAltName=${[...uris.map((u) => `URI:${u}`), 'IP:127.0.0.1', 'DNS:localhost'].join(',')}\nextendedKeyUsage=serverAuth,clientAuth\n`);
  openssl(['x509', '-req', '-in', csr, '-CA', ca.certPath, '-CAkey', ca.keyPath, '-CAcreateserial', '-days', String(days), '-out', certPath, '-extfile', ext]);
  return { certPath, keyPath, cert: readFileSync(certPath, 'utf8'), key: readFileSync(keyPath, 'utf8') };
}

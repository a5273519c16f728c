// mTLS configuration: the three variables all or none, files that are what they claim (the key the certificate's),
// and the URI SANs a certificate names, as the server and the puller read them.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/main/node/config/env.js';
import { uriSans } from '../../../src/main/node/crypto/tlsMaterial.js';
import { certificateUris, loadTlsMaterial } from '../../../src/main/node/server/tls.js';
import { issueCert, makeCa, opensslMissing, type Ca, type NodeCert } from '../../helpers/certs.js';

const missing = opensslMissing();
if (missing) console.log(`skipped (certificate files): ${missing}`);

describe('the mTLS variables', () => {
  const env = (more: Record<string, string>) => ({ STIGMEM_DB_PATH: ':memory:', ...more });
  it('are all or none: a certificate needs its key, and both need the CA bundle', () => {
    expect(loadConfig(env({})).config.tls).toBeNull();
    expect(() => loadConfig(env({ STIGMEM_TLS_CERT_PATH: 'a.crt' }))).toThrow(/STIGMEM_TLS_CERT_PATH and STIGMEM_TLS_KEY_PATH must be set together/);
    expect(() => loadConfig(env({ STIGMEM_TLS_KEY_PATH: 'a.key', STIGMEM_TLS_CA_BUNDLE: 'ca.crt' }))).toThrow(ConfigError);
    expect(() => loadConfig(env({ STIGMEM_TLS_CERT_PATH: 'a.crt', STIGMEM_TLS_KEY_PATH: 'a.key' }))).toThrow(/STIGMEM_TLS_CA_BUNDLE is required/);
    expect(() => loadConfig(env({ STIGMEM_TLS_CA_BUNDLE: 'ca.crt' }))).toThrow(ConfigError);
    expect(loadConfig(env({ STIGMEM_TLS_CERT_PATH: '/etc/stigmem/a.crt', STIGMEM_TLS_KEY_PATH: '/etc/stigmem/a.key', STIGMEM_TLS_CA_BUNDLE: '/etc/stigmem/ca.crt' })).config.tls)
      .toEqual({ certPath: '/etc/stigmem/a.crt', keyPath: '/etc/stigmem/a.key', caBundlePath: '/etc/stigmem/ca.crt' });
    expect(loadConfig(env({ STIGMEM_TLS_CERT_PATH: 'a.crt', STIGMEM_TLS_KEY_PATH: 'a.key', STIGMEM_TLS_CA_BUNDLE: 'ca.crt' })).config.tls?.certPath).toBe(join(process.cwd(), 'a.crt'));
  });
});

describe('a certificate\'s URI SANs', () => {
  it('are read from the subjectAltName text, quoted values included, and nothing else', () => {
    expect(uriSans('DNS:node-a, URI:stigmem:node:0123, IP Address:127.0.0.1')).toEqual(['stigmem:node:0123']);
    expect(uriSans('URI:stigmem://compose/node-a, URI:"stigmem://x.example/a,b", DNS:URI:fake')).toEqual(['stigmem://compose/node-a', 'stigmem://x.example/a,b']);
    expect(uriSans('DNS:only.example')).toEqual([]);
    expect(uriSans(undefined)).toEqual([]);
    expect(uriSans('URI:"unterminated')).toEqual([]);
  });
});

describe.skipIf(missing !== null)('the mTLS files', () => {
  let dir: string;
  let ca: Ca;
  let cert: NodeCert;
  let other: NodeCert;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'stigmem-tls-unit-'));
    ca = makeCa(dir, 'ca');
    cert = issueCert(dir, ca, 'node', ['stigmem:node:0123456789abcdef0123456789abcdef']);
    other = issueCert(dir, ca, 'other', []);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const paths = (over: Partial<{ certPath: string; keyPath: string; caBundlePath: string }> = {}) => ({ certPath: cert.certPath, keyPath: cert.keyPath, caBundlePath: ca.certPath, ...over });

  it('are read whole when each is what it claims', () => {
    expect(loadTlsMaterial(paths())).toEqual({ cert: cert.cert, key: cert.key, ca: ca.pem });
    expect(certificateUris(cert.cert)).toEqual(['stigmem:node:0123456789abcdef0123456789abcdef']);
    expect(certificateUris(other.cert)).toEqual([]);
  });

  it('are refused with the variable named: missing, not PEM, or a key that is not the certificate\'s', () => {
    const junk = join(dir, 'junk.pem');
    writeFileSync(junk, 'not a pem\n');
    const cases: [Partial<{ certPath: string; keyPath: string; caBundlePath: string }>, RegExp][] = [
      [{ certPath: join(dir, 'absent.crt') }, /^STIGMEM_TLS_CERT_PATH=.*absent\.crt cannot be read \(ENOENT\)$/],
      [{ keyPath: dir }, /^STIGMEM_TLS_KEY_PATH=.* cannot be read \(EISDIR\)$/],
      [{ certPath: junk }, /^STIGMEM_TLS_CERT_PATH=.* is not a PEM certificate$/],
      [{ keyPath: junk }, /^STIGMEM_TLS_KEY_PATH=.* is not a PEM private key$/],
      [{ keyPath: other.keyPath }, /^STIGMEM_TLS_KEY_PATH=.* is not the key of the certificate in STIGMEM_TLS_CERT_PATH$/],
      [{ caBundlePath: junk }, /^STIGMEM_TLS_CA_BUNDLE=.* holds no PEM certificate$/],
    ];
    for (const [over, message] of cases) {
      let thrown: unknown;
      try {
        loadTlsMaterial(paths(over));
      } catch (e) {
        thrown = e;
      }
      expect(thrown, JSON.stringify(over)).toBeInstanceOf(ConfigError);
      expect((thrown as Error).message).toMatch(message);
    }
  });
});

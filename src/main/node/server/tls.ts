// mTLS (STIGMEM_TLS_CERT_PATH, _KEY_PATH, _CA_BUNDLE), as the reference runs federation: TLS 1.3 at least, peers'
// certificates signed by the federation's CA and naming the peer's node id as a URI SAN. The node serves HTTPS only;
// operators and the console may connect without a certificate (their API keys authenticate them), peers may not.
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { TLSSocket } from 'node:tls';
import type { FastifyRequest } from 'fastify';
import type { TlsStatus } from '../../../shared/contract.js';
import { ConfigError, type TlsPaths } from '../config/env.js';
import { uriSans, type TlsMaterial } from '../crypto/tlsMaterial.js';

export type { TlsMaterial };

function readPem(variable: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(`${variable}=${path} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/** Read and check the three files: each parses, the key is the certificate's, and the CA bundle holds a certificate. */
export function loadTlsMaterial(paths: TlsPaths): TlsMaterial {
  const m = { cert: readPem('STIGMEM_TLS_CERT_PATH', paths.certPath), key: readPem('STIGMEM_TLS_KEY_PATH', paths.keyPath), ca: readPem('STIGMEM_TLS_CA_BUNDLE', paths.caBundlePath) };
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(m.cert);
  } catch {
    throw new ConfigError(`STIGMEM_TLS_CERT_PATH=${paths.certPath} is not a PEM certificate`);
  }
  try {
    if (!cert.checkPrivateKey(createPrivateKey(m.key))) throw new ConfigError(`STIGMEM_TLS_KEY_PATH=${paths.keyPath} is not the key of the certificate in STIGMEM_TLS_CERT_PATH`);
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw new ConfigError(`STIGMEM_TLS_KEY_PATH=${paths.keyPath} is not a PEM private key`);
  }
  try {
    new X509Certificate(m.ca);
  } catch {
    throw new ConfigError(`STIGMEM_TLS_CA_BUNDLE=${paths.caBundlePath} holds no PEM certificate`);
  }
  return m;
}

/** Fastify's `https` options: a client certificate is asked for and checked against the CA, required by peer routes. */
export function serverTlsOptions(m: TlsMaterial) {
  return { cert: m.cert, key: m.key, ca: m.ca, requestCert: true, rejectUnauthorized: false, minVersion: 'TLSv1.3' as const };
}

/** What the screens show of the certificate in use, and what the Overview warns about. */
export function tlsStatusOf(m: TlsMaterial, nodeId: string): TlsStatus {
  const cert = new X509Certificate(m.cert);
  const uris = uriSans(cert.subjectAltName);
  const iso = (text: string): string => new Date(Date.parse(text)).toISOString();
  return { certificateUris: uris, namesThisNode: uris.includes(nodeId), validTo: iso(cert.validTo), caValidTo: iso(new X509Certificate(m.ca).validTo) };
}

/** This certificate's URI SANs (for the start-up check that our own names our node id). */
export function certificateUris(pem: string): string[] {
  return uriSans(new X509Certificate(pem).subjectAltName);
}

/** The caller's client certificate: absent (plain connection, or none sent), or verified against the CA and its URIs. */
export function clientCertificateOf(req: FastifyRequest): { verified: boolean; uris: string[] } | null {
  const socket = req.raw.socket as Partial<TLSSocket>;
  if (socket.encrypted !== true || typeof socket.getPeerCertificate !== 'function') return null;
  const cert = socket.getPeerCertificate();
  if (!cert || Object.keys(cert).length === 0) return null;
  return { verified: socket.authorized === true, uris: uriSans(cert.subjectaltname) };
}

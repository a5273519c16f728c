// Two organisations' nodes for the browser tests: each with its own federation key, federation on, pulling every second.
import { toBase64Url } from '../../src/main/node/crypto/base64url.js';
import { generateSeed } from '../../src/main/node/crypto/ed25519.js';
import { signerFromSeed, type Signer } from '../../src/main/node/identity/signer.js';

export const E2E_ADMIN_KEY = 'e2e-orgs-admin-key-0123456789abcdef';

/** The environment of `stigmem://<name>.example`'s node, and the federation key its peers pin. */
export function orgEnv(name: string, extra: Record<string, string> = {}): { env: Record<string, string>; key: Signer } {
  const seed = generateSeed();
  const key = signerFromSeed(seed, 'e2e');
  const env = {
    STIGMEM_ADMIN_KEY: E2E_ADMIN_KEY, STIGMEM_ENTITY_URI: `stigmem://${name}.example`, STIGMEM_FEDERATION_ENABLED: 'true', STIGMEM_FEDERATION_PULL_INTERVAL_S: '1',
    STIGMEM_FEDERATION_PRIVKEY: toBase64Url(seed), STIGMEM_FEDERATION_PUBKEY: key.publicKey, ...extra,
  };
  return { env, key };
}

/** A call to a node's HTTP API with the admin key. */
export async function adminApi(url: string, method: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url, { method, headers: { authorization: `Bearer ${E2E_ADMIN_KEY}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

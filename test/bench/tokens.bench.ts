// Capability-token verification (parse, manifest lookup, signature, revocation, expiry) against raw native Ed25519
// verify of the same bytes, measured in the same run: parsing and lookups must not dominate.
import { createPublicKey, verify as nodeVerify } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { isoFromMs, systemClock } from '../../src/main/node/clock.js';
import { openDatabase } from '../../src/main/node/db/connection.js';
import { storePeerManifest, verifyPeerManifest } from '../../src/main/node/federation/peerManifest.js';
import { signerFromSeed } from '../../src/main/node/identity/signer.js';
import type { NodeConfig } from '../../src/main/node/config/env.js';
import { canonicalJcsBytes } from '../../src/main/node/json/canonical.js';
import { initTransparencyLog } from '../../src/main/node/transparency/store.js';
import { tokenJsonOf, tokenSigningBytes, type TokenBody } from '../../src/main/node/tokens/format.js';
import { insertRevocation } from '../../src/main/node/tokens/store.js';
import { verifyCapabilityToken } from '../../src/main/node/tokens/verify.js';
import { bestOpsInTurn, printRatio } from './measure.js';

const ISSUER = 'stigmem://org-a.example';

export function benchTokens(): void {
  const dir = mkdtempSync(join(tmpdir(), 'stigmem-bench-tokens-'));
  const db = openDatabase(join(dir, 'tokens.db'));
  try {
    const key = signerFromSeed(randomBytes(32), 'bench');
    const nowMs = Date.now();
    initTransparencyLog(db, key.publicKeyBytes);
    const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const fields = {
      entities: [ISSUER, `${ISSUER}/agent/assistant`], entity_uri: ISSUER, expires_at: iso(nowMs + 300 * 86_400_000), issued_at: iso(nowMs - 60_000),
      key_id: key.keyId, public_key: key.publicKey, rotation_events: [],
    };
    const doc = { ...fields, signature: key.signB64(canonicalJcsBytes(fields)) };
    storePeerManifest({ db }, verifyPeerManifest(doc, ISSUER, nowMs, { config: { trustMode: 'relaxed' } as NodeConfig }), nowMs, 'bench');
    // Some revocations on file, so the revocation lookup is a real index probe.
    db.transaction(() => {
      for (let i = 0; i < 1000; i++) {
        insertRevocation(db, { tokenId: randomUUID(), issuerEntity: ISSUER, revokedBy: ISSUER, revokedAt: isoFromMs(nowMs), reason: '', signature: 'x', logIndex: i, origin: 'peer', receivedFrom: null, receivedAt: isoFromMs(nowMs) });
      }
    });
    const body: TokenBody = {
      expiry: isoFromMs(nowMs + 86_400_000), issued_at: isoFromMs(nowMs), issuer: ISSUER, nonce: randomBytes(32).toString('hex'),
      object: 'stigmem://org-a.example/scope/shared', subject: 'stigmem://org-b.example/agent/bot', token_id: randomUUID(), token_version: 1, verb: 'write',
    };
    const signingBytes = tokenSigningBytes(body);
    const signature = key.signB64(signingBytes);
    const tokenJson = tokenJsonOf({ ...body, signature });
    const deps = { db, clock: systemClock };
    if (!verifyCapabilityToken(deps, tokenJson).valid) throw new Error('the bench token does not verify');

    const publicKey = createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), key.publicKeyBytes]), format: 'der', type: 'spki' });
    const sigBytes = Buffer.from(signature, 'base64url');
    const [native = 0, ours = 0] = bestOpsInTurn([() => nodeVerify(null, signingBytes, publicKey, sigBytes), () => verifyCapabilityToken(deps, tokenJson)]);
    process.stdout.write(`baseline: node:crypto Ed25519 verify of the token's signed bytes ${native.toFixed(0)}/s\n`);
    printRatio('capability token verify (full path)', ours, native, 'native verify', 'tokens/s', 0.5);
  } finally {
    db.raw.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

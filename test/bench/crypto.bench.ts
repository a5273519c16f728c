// Ed25519 sign and verify throughput of our signer against node:crypto's native Ed25519, measured in the same run.
import { generateKeyPairSync, sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import { generateSeed, signBytes } from '../../src/main/node/crypto/ed25519.js';
import { verifyNoble, verifySignature } from '../../src/main/node/crypto/ed25519.js';
import { signerFromSeed } from '../../src/main/node/identity/signer.js';
import { bestOpsInTurn, opsPerSecond, printRatio } from './measure.js';

export function benchCrypto(): void {
  const msg = Buffer.from('{"entities":["stigmem://org-a.example"],"entity_uri":"stigmem://org-a.example","expires_at":"2027-01-01T00:00:00Z"}');
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const nativeSig = nodeSign(null, msg, privateKey);
  const signer = signerFromSeed(generateSeed(), 'bench');
  const sig = signer.sign(msg);
  const seed = generateSeed();
  // Native paths and their baselines in turn (best of five rounds each); the pure-JS paths are an order slower.
  const [nativeSign = 0, ourSign = 0, nativeVerify = 0, ourVerify = 0] = bestOpsInTurn([
    () => nodeSign(null, msg, privateKey),
    () => signer.sign(msg),
    () => nodeVerify(null, msg, publicKey, nativeSig),
    () => verifySignature(signer.publicKeyBytes, msg, sig),
  ]);
  process.stdout.write(`baseline: node:crypto Ed25519 sign ${nativeSign.toFixed(0)}/s, verify ${nativeVerify.toFixed(0)}/s\n`);
  printRatio('signer.sign (native path)', ourSign, nativeSign, 'native sign', 'ops/s');
  printRatio('signBytes (@noble/ed25519)', opsPerSecond(() => signBytes(seed, msg), 500), nativeSign, 'native sign', 'ops/s');
  printRatio('verifySignature (bulk path, native)', ourVerify, nativeVerify, 'native verify', 'ops/s', 0.8);
  printRatio('verifyNoble (@noble/ed25519)', opsPerSecond(() => verifyNoble(signer.publicKeyBytes, msg, sig), 500), nativeVerify, 'native verify', 'ops/s');
}

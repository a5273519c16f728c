// The ceremony record: one signed JSON line per step (what was done, when, with which public key), never a secret.
import { FileTooLargeError, readTextUpTo } from '../boundedRead.js';
import { closeSync, existsSync, fsyncSync, openSync, renameSync, statSync, writeSync } from 'node:fs';
import { isoFromMs } from '../clock.js';
import { fromBase64Url, normaliseKey } from '../crypto/base64url.js';
import { approvalFingerprint, verifyB64 } from '../crypto/ed25519.js';
import { fail, ok, type Result } from '../errors.js';
import type { Signer } from '../identity/signer.js';
import { canonicalJcs, canonicalJcsBytes } from '../json/canonical.js';
import { parseJson } from '../json/parse.js';
import { rotationEventSigningBody } from '../manifests/rotation.js';
import { PRODUCT_VERSION } from '../version.js';
import { CeremonyError } from './errors.js';

export const RECORD_VERSION = 1;
export const TOOL_VERSION = `stigmem-desktop ${PRODUCT_VERSION}`;
export type CeremonyStep = 'init' | 'backup' | 'restore' | 'manifest_sign' | 'rotate_key';
const STEPS: readonly string[] = ['init', 'backup', 'restore', 'manifest_sign', 'rotate_key'];
const MAX_LINE_CHARS = 64 * 1024;
const MAX_LINES = 100_000;
export const MAX_RECORD_BYTES = 64 * 1024 * 1024;

/** Details are plain public values; a field whose name suggests a secret is refused outright. */
export type RecordDetail = string | number | boolean | null | string[];
const SECRET_NAME = /pass|private|seed|secret|pem/i;

/** `2026-11-23T17:32:38.123000Z`: the reference's timestamp style with a Z. */
export const isoZ = (ms: number): string => isoFromMs(ms).replace('+00:00', 'Z');

/** One record line: the step's facts signed by the key it names, as canonical JSON. */
export function ceremonyRecordLine(signer: Signer, nodeId: string, step: CeremonyStep, nowMs: number, details: Record<string, RecordDetail> = {}): string {
  for (const name of Object.keys(details)) {
    if (SECRET_NAME.test(name)) throw new CeremonyError('invalid_argument', `a ceremony record never holds a field named ${name}`);
  }
  const body = {
    ...details,
    record_version: RECORD_VERSION,
    step,
    at: isoZ(nowMs),
    node_id: nodeId,
    public_key: signer.publicKey,
    key_id: signer.keyId,
    fingerprint: signer.fingerprint,
    approval_fingerprint: approvalFingerprint(signer.publicKey),
    tool_version: TOOL_VERSION,
  };
  return canonicalJcs({ ...body, signature: signer.signB64(canonicalJcsBytes(body)) });
}

/** Append a signed line (flushed to disk before returning). */
export function appendCeremonyRecord(path: string, signer: Signer, nodeId: string, step: CeremonyStep, nowMs: number, details: Record<string, RecordDetail> = {}): string {
  const line = ceremonyRecordLine(signer, nodeId, step, nowMs, details);
  const fd = openSync(path, 'a', 0o644);
  try {
    writeSync(fd, line + '\n');
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return line;
}

/**
 * Begin the record of a new identity. A record left in the folder by an earlier identity is kept apart, renamed
 * `<record>.before-init-<time>`, since the new key cannot continue it; returns where it went, if anywhere.
 */
export function startCeremonyRecord(path: string, signer: Signer, nodeId: string, nowMs: number, details: Record<string, RecordDetail>): string | null {
  let keptAs: string | null = null;
  if (existsSync(path) && statSync(path).size > 0) {
    keptAs = `${path}.before-init-${new Date(nowMs).toISOString().replace(/[:.]/g, '-')}`;
    renameSync(path, keptAs);
  }
  appendCeremonyRecord(path, signer, nodeId, 'init', nowMs, details);
  return keptAs;
}

export interface RecordProblem {
  line: number;
  reason: string;
}

export interface RecordVerification {
  lines: number;
  steps: { line: number; step: string; at: string; keyId: string }[];
  /** The keys that signed, in order (more than one after a rotation or a restore over another key). */
  publicKeys: string[];
  problems: RecordProblem[];
  notes: string[];
}

type Line = Record<string, unknown>;

function parseLine(text: string): Line | string {
  if (text.length > MAX_LINE_CHARS) return `longer than ${MAX_LINE_CHARS} characters`;
  let value: unknown;
  try {
    value = parseJson(text);
  } catch (e) {
    return `not JSON (${(e as Error).message})`;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  return value as Line;
}

/** Why this line's own signature fails, or null when it verifies under the public key it names. */
function signatureProblem(line: Line): string | null {
  const { signature, ...body } = line;
  if (typeof body['public_key'] !== 'string' || normaliseKey(body['public_key']) === null) return 'public_key is not a base64url Ed25519 key';
  if (typeof signature !== 'string' || fromBase64Url(signature)?.length !== 64) return 'signature is missing or malformed';
  if (typeof body['step'] !== 'string' || !STEPS.includes(body['step'])) return `unknown step ${JSON.stringify(body['step'])}`;
  if (typeof body['at'] !== 'string') return 'at is missing';
  return verifyB64(body['public_key'], canonicalJcsBytes(body), signature) ? null : 'signature does not verify (the line was altered or signed by another key)';
}

/** True when a rotate_key line carries a rotation event that the expected key signed, handing over to the line's key. */
function isRotationFrom(line: Line, expectedKey: string): boolean {
  const { previous_public_key: prev, previous_key_id: prevId, rotation_signature: sig, rotated_at: at, key_id: newId, public_key: newKey } = line;
  if (line['step'] !== 'rotate_key' || prev !== expectedKey) return false;
  if (typeof prevId !== 'string' || typeof sig !== 'string' || typeof at !== 'string' || typeof newId !== 'string' || typeof newKey !== 'string') return false;
  return verifyB64(expectedKey, rotationEventSigningBody({ previous_key_id: prevId, new_key_id: newId, new_public_key: newKey, rotated_at: at }), sig);
}

/**
 * Check every line's signature and that the signing key changes only through a rotation the previous key signed
 * (or a restore that names the key it replaced). `trustedPublicKey` pins the first signer.
 */
export function verifyCeremonyRecord(text: string, trustedPublicKey?: string): RecordVerification {
  const result: RecordVerification = { lines: 0, steps: [], publicKeys: [], problems: [], notes: [] };
  const rows = text.split('\n').map((t) => t.replace(/\r$/, ''));
  if (rows.at(-1) === '') rows.pop();
  if (rows.length > MAX_LINES) {
    result.problems.push({ line: MAX_LINES + 1, reason: `the record has more than ${MAX_LINES} lines` });
    return result;
  }
  let expected: string | null = trustedPublicKey === undefined ? null : normaliseKey(trustedPublicKey);
  if (trustedPublicKey !== undefined && expected === null) result.problems.push({ line: 0, reason: 'the pinned public key is not a base64url Ed25519 key' });
  rows.forEach((text, i) => {
    const n = i + 1;
    result.lines = n;
    const line = parseLine(text);
    if (typeof line === 'string') return void result.problems.push({ line: n, reason: line });
    const problem = signatureProblem(line);
    if (problem) return void result.problems.push({ line: n, reason: problem });
    const key = normaliseKey(line['public_key'] as string)!;
    if (expected !== null && key !== expected) {
      if (isRotationFrom(line, expected)) result.notes.push(`line ${n}: key rotated to ${line['key_id'] as string}`);
      else if (line['step'] === 'restore' && line['replaced_public_key'] === expected) result.notes.push(`line ${n}: a restore replaced the key (not signed by the earlier key)`);
      else return void result.problems.push({ line: n, reason: `signed by ${key}, but the record's key is ${expected} and no rotation signed by it hands over` });
    }
    if (result.publicKeys.at(-1) !== key) result.publicKeys.push(key);
    expected = key;
    result.steps.push({ line: n, step: line['step'] as string, at: line['at'] as string, keyId: String(line['key_id']) });
  });
  if (result.lines === 0) result.problems.push({ line: 0, reason: 'the record is empty' });
  return result;
}

/** Verify a record file; any problem makes it `record_invalid`, with every problem in the message. */
export function verifyCeremonyRecordFile(path: string, trustedPublicKey?: string): Result<RecordVerification> {
  let text: string;
  try {
    text = readTextUpTo(path, MAX_RECORD_BYTES);
  } catch (e) {
    if (e instanceof FileTooLargeError) return fail('record_invalid', e.message);
    return fail('file_unreadable', `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const v = verifyCeremonyRecord(text, trustedPublicKey);
  if (v.problems.length > 0) return fail('record_invalid', v.problems.map((p) => `line ${p.line}: ${p.reason}`).join('\n'));
  return ok(v);
}

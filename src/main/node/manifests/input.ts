// The untrusted PUT body → a typed manifest, checked in the reference's order (REFERENCE-NODE.md §4.1) with its detail strings.
import { unprocessable } from '../errors.js';
import { pyStrRepr } from './pyrepr.js';

export const SELF_SIGN = '__self_sign__';
export const MAX_ROTATION_EVENTS = 100;
export const MAX_ENTITY_URI_CHARS = 2048;
export const MAX_ENTITIES = 1000;
const MAX_ID_CHARS = 512;
const MAX_KEY_CHARS = 256;
const MAX_TIMESTAMP_CHARS = 64;

export interface RotationEventInput {
  previous_key_id: string;
  new_key_id: string;
  new_public_key: string;
  rotated_at: string;
  signature: string;
  /** Empty when absent; then it is left out of every signed body. */
  previous_public_key: string;
}

export interface ManifestInput {
  entity_uri: string;
  key_id: string;
  public_key: string;
  issued_at: string;
  expires_at: string;
  entities: string[];
  rotation_events: RotationEventInput[];
  /** The given signature, or SELF_SIGN. */
  signature: string;
  manifest_version: number | undefined;
}

export type JsonObject = Record<string, unknown>;

export function isJsonObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const has = (o: JsonObject, key: string): boolean => Object.prototype.hasOwnProperty.call(o, key);
const invalid = (what: string) => unprocessable(`invalid manifest: ${what}`);

/** Steps 2 of §4.1: the entity_uri decides the rate-limit bucket, so it is read first. */
export function readEntityUri(body: JsonObject): string {
  const v = has(body, 'entity_uri') ? body['entity_uri'] : '';
  if (v === '' || v === null || v === undefined) throw unprocessable('entity_uri is required');
  if (typeof v !== 'string') throw unprocessable('entity_uri must be a string');
  if (v.length > MAX_ENTITY_URI_CHARS) throw unprocessable(`entity_uri must be at most ${MAX_ENTITY_URI_CHARS} characters`);
  if (/[\s\u0000-\u001f\u007f]/.test(v)) throw unprocessable('entity_uri must not contain whitespace or control characters');
  return v;
}

/** Step 4 of §4.1, before any field is read. */
export function checkRotationEventCount(body: JsonObject): void {
  const events = body['rotation_events'];
  if (Array.isArray(events) && events.length > MAX_ROTATION_EVENTS) {
    throw unprocessable(`rotation_events must not exceed ${MAX_ROTATION_EVENTS} entries`);
  }
}

/** A required string: missing → the reference's KeyError text (`invalid manifest: 'key_id'`). */
function requiredString(o: JsonObject, key: string, maxChars: number, where = key): string {
  if (!has(o, key)) throw invalid(pyStrRepr(key));
  const v = o[key];
  if (typeof v !== 'string') throw invalid(`${where} must be a string`);
  if (v.length > maxChars) throw invalid(`${where} must be at most ${maxChars} characters`);
  return v;
}

function optionalString(o: JsonObject, key: string, maxChars: number, where = key): string {
  if (!has(o, key) || o[key] === null) return '';
  return requiredString(o, key, maxChars, where);
}

function readEntities(body: JsonObject): string[] {
  if (!has(body, 'entities') || body['entities'] === null) return [];
  const v = body['entities'];
  if (!Array.isArray(v)) throw invalid('entities must be an array of strings');
  if (v.length > MAX_ENTITIES) throw invalid(`entities must not exceed ${MAX_ENTITIES} entries`);
  return v.map((e, i) => {
    if (typeof e !== 'string' || e === '') throw invalid(`entities[${i}] must be a non-empty string`);
    if (e.length > MAX_ENTITY_URI_CHARS) throw invalid(`entities[${i}] must be at most ${MAX_ENTITY_URI_CHARS} characters`);
    return e;
  });
}

function readRotationEvent(v: unknown, i: number): RotationEventInput {
  const where = (k: string) => `rotation_events[${i}].${k}`;
  if (!isJsonObject(v)) throw invalid(`rotation_events[${i}] must be an object`);
  return {
    previous_key_id: requiredString(v, 'previous_key_id', MAX_ID_CHARS, where('previous_key_id')),
    new_key_id: requiredString(v, 'new_key_id', MAX_ID_CHARS, where('new_key_id')),
    new_public_key: requiredString(v, 'new_public_key', MAX_KEY_CHARS, where('new_public_key')),
    rotated_at: requiredString(v, 'rotated_at', MAX_TIMESTAMP_CHARS, where('rotated_at')),
    signature: requiredString(v, 'signature', MAX_KEY_CHARS, where('signature')),
    previous_public_key: optionalString(v, 'previous_public_key', MAX_KEY_CHARS, where('previous_public_key')),
  };
}

function readRotationEvents(body: JsonObject): RotationEventInput[] {
  if (!has(body, 'rotation_events') || body['rotation_events'] === null) return [];
  const v = body['rotation_events'];
  if (!Array.isArray(v)) throw invalid('rotation_events must be an array');
  return v.map(readRotationEvent);
}

/** `manifest_version` is accepted and returned, never signed; the spec fixes it at 1. */
function readManifestVersion(body: JsonObject): number | undefined {
  if (!has(body, 'manifest_version') || body['manifest_version'] === null) return undefined;
  if (body['manifest_version'] !== 1) throw invalid('manifest_version must be 1');
  return 1;
}

/** Step 5 of §4.1: every field typed and bounded, in the order the reference reads them. */
export function parseManifestBody(body: JsonObject): ManifestInput {
  const entity_uri = readEntityUri(body);
  const key_id = requiredString(body, 'key_id', MAX_ID_CHARS);
  const public_key = requiredString(body, 'public_key', MAX_KEY_CHARS);
  const issued_at = requiredString(body, 'issued_at', MAX_TIMESTAMP_CHARS);
  const expires_at = requiredString(body, 'expires_at', MAX_TIMESTAMP_CHARS);
  const entities = readEntities(body);
  const rotation_events = readRotationEvents(body);
  const signature = optionalString(body, 'signature', MAX_KEY_CHARS);
  const manifest_version = readManifestVersion(body);
  if (key_id === '') throw invalid('key_id must not be empty');
  return { entity_uri, key_id, public_key, issued_at, expires_at, entities, rotation_events, signature, manifest_version };
}

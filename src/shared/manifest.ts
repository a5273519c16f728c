// The Manifest screen's part of the admin contract: this node's published org manifest, and publishing a new one.
import { fail, ok, type Result } from './result.js';
import { filePathValue, objectWith } from './validators.js';
import { isUriLike } from './uri.js';

export const MANIFEST_VALIDITY_DAYS = [30, 90, 180, 365] as const;
export const MAX_MANIFEST_ENTITIES = 100;

export interface PublishedManifestSummary {
  issuedAt: string;
  expiresAt: string;
  entities: string[];
  /** Key rotations the manifest carries (its chain back to earlier keys). */
  rotationCount: number;
  logIndex: number;
  publishedAt: string;
  publishedBy: string;
}

export interface ManifestState {
  /** The organisation the manifest speaks for, and the key it is signed with. */
  entityUri: string;
  publicKey: string;
  keyId: string;
  fingerprint: string;
  /** The current unexpired manifest, or null when none is published (tokens cannot be issued then). */
  current: PublishedManifestSummary | null;
  /** Where a signed manifest file goes unless the operator says otherwise ('' without a data folder). */
  suggestedExportPath: string;
}

export interface PublishManifestInput {
  entities: string[];
  validDays: (typeof MANIFEST_VALIDITY_DAYS)[number];
}

export function validatePublishManifest(arg: unknown): Result<PublishManifestInput> {
  const f = objectWith(arg, ['entities', 'validDays'], '{"entities": ["stigmem://org.example"], "validDays": 365}');
  if (!f.ok) return f;
  const { entities, validDays } = f.value;
  if (!Array.isArray(entities) || entities.length === 0 || entities.length > MAX_MANIFEST_ENTITIES) return fail('validation_failed', `list 1 to ${MAX_MANIFEST_ENTITIES} entities`);
  const cleaned: string[] = [];
  for (const e of entities) {
    if (typeof e !== 'string' || !isUriLike(e.trim()) || e.length > 2048) return fail('validation_failed', `each entity is a URI without spaces (${JSON.stringify(String(e).slice(0, 60))} is not)`);
    if (!cleaned.includes(e.trim())) cleaned.push(e.trim());
  }
  if (!(MANIFEST_VALIDITY_DAYS as readonly unknown[]).includes(validDays)) return fail('validation_failed', `validDays is one of ${MANIFEST_VALIDITY_DAYS.join(', ')}`);
  return ok({ entities: cleaned, validDays: validDays as PublishManifestInput['validDays'] });
}

/** Sign a manifest with the org key into a file, for the node that publishes it (the offline ceremony's step). */
export interface ExportManifestInput extends PublishManifestInput {
  /** Absolute path of the file to write. */
  path: string;
  /** Replace an earlier signed manifest file at `path` (never any other kind of file). */
  overwrite: boolean;
}

export interface ExportedManifest {
  path: string;
  /** `sha256:<hex>` of the file as written. */
  sha256: string;
  entityUri: string;
  entities: string[];
  expiresAt: string;
  recordPath: string;
}

export function validateExportManifest(arg: unknown): Result<ExportManifestInput> {
  const f = objectWith(arg, ['entities', 'validDays', 'path', 'overwrite'], '{"entities": ["stigmem://org.example"], "validDays": 365, "path": "/media/usb/manifest.json"}');
  if (!f.ok) return f;
  const { path, overwrite, ...rest } = f.value;
  const base = validatePublishManifest(rest);
  if (!base.ok) return base;
  const file = filePathValue(path);
  if (!file.ok) return file;
  if (overwrite !== undefined && typeof overwrite !== 'boolean') return fail('validation_failed', 'overwrite is true or false');
  return ok({ ...base.value, path: file.value, overwrite: overwrite === true });
}

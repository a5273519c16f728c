// Wire schemas of the manifest routes, for /docs. The PUT body is checked by input.ts, in the reference's order.
import { Type } from 'typebox';
import { LogEntryRecord } from '../transparency/schemas.js';

export { ErrorBody } from '../transparency/schemas.js';

const RotationEvent = Type.Object({
  previous_key_id: Type.String(),
  new_key_id: Type.String(),
  new_public_key: Type.String({ description: 'base64url raw 32-byte Ed25519 key' }),
  rotated_at: Type.String(),
  signature: Type.String({ description: 'by the previous key over the four other required fields' }),
  previous_public_key: Type.Optional(Type.String()),
});

export const ManifestPutBody = Type.Object({
  manifest_version: Type.Optional(Type.Literal(1, { description: 'accepted and returned, never signed' })),
  entity_uri: Type.String({ maxLength: 2048 }),
  public_key: Type.String({ description: 'base64url raw 32-byte Ed25519 key (padding and +/ accepted)' }),
  key_id: Type.String({ description: 'opaque; ours is the 64-hex SHA-256 of the raw public key' }),
  entities: Type.Optional(Type.Array(Type.String(), { maxItems: 1000 })),
  rotation_events: Type.Optional(Type.Array(RotationEvent, { maxItems: 100 })),
  issued_at: Type.String({ description: 'ISO 8601 with a timezone' }),
  expires_at: Type.String({ description: 'after issued_at, within 730 days (366 in strict mode), not yet passed' }),
  signature: Type.Optional(Type.String({ description: 'Ed25519 over the seven signed fields, or "__self_sign__"' })),
}, { additionalProperties: true });

export const ManifestPutResult = Type.Object({
  entity_uri: Type.String(),
  key_id: Type.String(),
  issued_at: Type.String(),
  expires_at: Type.String(),
  signature: Type.String(),
  manifest_version: Type.Optional(Type.Integer()),
  log_entry: LogEntryRecord,
});

export const ManifestRecord = Type.Object({
  entities: Type.Array(Type.String()),
  entity_uri: Type.String(),
  expires_at: Type.String(),
  issued_at: Type.String(),
  key_id: Type.String(),
  public_key: Type.String(),
  rotation_events: Type.Array(RotationEvent),
  signature: Type.String(),
  manifest_version: Type.Optional(Type.Integer()),
  log_entry: LogEntryRecord,
});

export const ManifestParams = Type.Object({
  '*': Type.String({ maxLength: 8192, description: 'the entity URI, percent-encoded (decoded once more, as the reference does)' }),
});

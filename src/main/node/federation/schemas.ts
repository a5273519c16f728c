// Request and response schemas of the federation routes (they validate and they generate /docs).
import { Type } from 'typebox';

const Url = Type.String({ minLength: 1, maxLength: 2048, pattern: '^https?://' });
const Key = Type.String({ minLength: 40, maxLength: 100 });
const Scopes = Type.Array(Type.String({ enum: ['local', 'team', 'company', 'public'] }), { maxItems: 4 });

export const PinnedPeerBody = Type.Object({ peer_url: Url, trusted_public_key: Key, allowed_scopes: Type.Optional(Scopes) }, { additionalProperties: false });
export const ManifestPeerBody = Type.Object({ peer_url: Url, peer_entity_uri: Type.String({ minLength: 1, maxLength: 2048 }), allowed_scopes: Type.Optional(Scopes) }, { additionalProperties: false });
export const DeclarationPeerBody = Type.Object(
  {
    node_url: Url,
    node_id: Type.String({ minLength: 1, maxLength: 256 }),
    federation_pubkey: Key,
    allowed_scopes: Scopes,
    declaration_sig: Type.String({ minLength: 1, maxLength: 200 }),
    signed_at: Type.String({ minLength: 1, maxLength: 64 }),
  },
  { additionalProperties: false },
);
export const RegisterPeerBody = Type.Union([PinnedPeerBody, ManifestPeerBody, DeclarationPeerBody], {
  description: 'One of: a pinned key (runbook), an entity URI resolved through its manifest (tutorial), or the peer\'s signed declaration (reference).',
});

export const PatchPeerBody = Type.Object(
  { trusted_public_key: Type.Optional(Key), allowed_scopes: Type.Optional(Scopes), peer_url: Type.Optional(Url) },
  { additionalProperties: false, minProperties: 1 },
);

export const ApproveBody = Type.Object({ pubkey_fingerprint: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false });

export const PeerParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }) });

export const PeerRecord = Type.Object(
  {
    id: Type.String(), peer_id: Type.String(), peer_url: Type.String(), node_url: Type.String(), node_id: Type.Union([Type.String(), Type.Null()]),
    entity_uri: Type.Union([Type.String(), Type.Null()]), trusted_public_key: Type.String(), fingerprint: Type.Union([Type.String(), Type.Null()]),
    status: Type.String(), allowed_scopes: Type.Array(Type.String()), established_at: Type.Union([Type.String(), Type.Null()]),
    last_pull: Type.Union([Type.String(), Type.Null()]), pull_lag_ms: Type.Union([Type.Integer(), Type.Null()]),
    error: Type.Union([Type.String(), Type.Null()]), facts_received: Type.Integer(), cursor: Type.Union([Type.String(), Type.Null()]),
  },
  { additionalProperties: true },
);

export const PullQuery = Type.Object({
  scope: Type.Optional(Type.String({ maxLength: 16 })),
  cursor: Type.Optional(Type.String({ maxLength: 64 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
});

export const AuditQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  peer_id: Type.Optional(Type.String({ maxLength: 128 })),
  event_type: Type.Optional(Type.String({ maxLength: 64 })),
  cursor: Type.Optional(Type.String({ maxLength: 64 })),
});

export const ErrorBody = Type.Object({ detail: Type.Unknown(), code: Type.String() });

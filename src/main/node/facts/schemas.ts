// Request and response schemas of the facts and conflicts routes (validation and the OpenAPI document at /docs).
import { Type, type Static } from 'typebox';
import { INTERPRET_AS, SCOPES, VALUE_TYPES } from './values.js';

const MAX_NAME_CHARS = 4096;

const Name = (description: string) => Type.String({ minLength: 1, maxLength: MAX_NAME_CHARS, description });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const FactValueSchema = Type.Object(
  {
    type: Type.Enum([...VALUE_TYPES], { description: 'Value type' }),
    v: Type.Optional(Type.Unknown({ description: 'string for string/text/ref/datetime, number, boolean; absent or null for null' })),
    interpret_as: Type.Optional(Type.Enum([...INTERPRET_AS], { default: 'content' })),
  },
  { additionalProperties: false },
);

const AttestationSchema = Type.Object(
  {
    key_id: Type.String({ minLength: 1, maxLength: 512 }),
    signature: Type.String({ minLength: 1, maxLength: 4096 }),
    signer: Type.Optional(Type.String({ minLength: 1, maxLength: MAX_NAME_CHARS })),
  },
  { additionalProperties: false },
);

export const AssertBodySchema = Type.Object(
  {
    entity: Name('Entity URI (normalised)'),
    relation: Name('Relation, e.g. memory:role'),
    value: FactValueSchema,
    source: Name('Source URI (normalised)'),
    confidence: Type.Optional(Type.Number({ minimum: 0, maximum: 1, default: 1, description: '0 retracts earlier facts with the same value' })),
    scope: Type.Optional(Type.Enum([...SCOPES], { default: 'local' })),
    valid_until: Type.Optional(Nullable(Type.String({ maxLength: 64, description: 'ISO 8601 expiry' }))),
    attestation: Type.Optional(Nullable(AttestationSchema)),
    garden_id: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: MAX_NAME_CHARS, description: 'Garden URI, slug or id' }))),
    write_mode: Type.Optional(Type.Enum(['assert', 'summarize_with_provenance'], { default: 'assert' })),
    derived_from: Type.Optional(Type.Array(Type.Object({}, { additionalProperties: true }), { maxItems: 1000 })),
  },
  { additionalProperties: false },
);
export type AssertBody = Static<typeof AssertBodySchema>;

export const FactRecordSchema = Type.Object(
  {
    id: Type.String(),
    entity: Type.String(),
    relation: Type.String(),
    value: Type.Object({ type: Type.String(), v: Type.Unknown(), interpret_as: Type.String() }),
    source: Type.String(),
    timestamp: Type.String(),
    hlc: Nullable(Type.String()),
    // Served as a Python-style float (`1.0`), hence not typed as a JS number here.
    confidence: Type.Unsafe<unknown>({ type: 'number' }),
    scope: Type.String(),
    garden_id: Nullable(Type.String()),
    contradicted: Type.Boolean(),
    retracted: Type.Boolean(),
    cid: Nullable(Type.String()),
    fact_id: Type.String(),
  },
  { additionalProperties: true },
);

const ErrorSchema = Type.Object({ detail: Type.Unknown(), code: Type.Optional(Type.String()) });
export const errorResponses = { 400: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema, 413: ErrorSchema, 422: ErrorSchema };

export const FactQuerySchema = Type.Object(
  {
    entity: Type.Optional(Type.String()),
    relation: Type.Optional(Type.String()),
    source: Type.Optional(Type.String()),
    scope: Type.Optional(Type.String({ description: 'local, team, company or public' })),
    min_confidence: Type.Optional(Type.Number({ minimum: 0, maximum: 1, default: 0 })),
    include_contradicted: Type.Optional(Type.Boolean({ default: false })),
    include_expired: Type.Optional(Type.Boolean({ default: false })),
    include_retracted: Type.Optional(Type.Boolean({ default: false, description: 'Also list retracted facts and the retractions' })),
    after: Type.Optional(Type.String({ description: 'Only facts with a later timestamp (ISO 8601)' })),
    garden_id: Type.Optional(Type.String({ description: 'Garden URI, slug or id' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    cursor: Type.Optional(Type.String({ description: 'Opaque cursor from the previous page' })),
  },
  { additionalProperties: true },
);
export type FactQuery = Static<typeof FactQuerySchema>;

export const FactListSchema = Type.Object({
  facts: Type.Array(FactRecordSchema),
  total: Type.Integer(),
  cursor: Nullable(Type.String()),
  tombstone_notices: Type.Array(Type.Unknown()),
});

export const FactIdParamsSchema = Type.Object({ fact_id: Type.String({ minLength: 1, maxLength: 256 }) });

export const VerifyCidBodySchema = Nullable(Type.Object({ cid: Type.Optional(Nullable(Type.String({ maxLength: 256 }))) }, { additionalProperties: false }));

export const VerifyCidResponseSchema = Type.Object({
  cid_valid: Type.Boolean(),
  computed_cid: Type.String(),
  stored_cid: Nullable(Type.String()),
  mismatch_reason: Nullable(Type.String()),
});

export const ConflictQuerySchema = Type.Object(
  {
    status: Type.Optional(Type.Enum(['unresolved', 'resolved'])),
    cursor: Type.Optional(Type.String()),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  },
  { additionalProperties: true },
);

export const ConflictParamsSchema = Type.Object({ conflict_id: Type.String({ minLength: 1, maxLength: 256 }) });

export const ResolveBodySchema = Type.Object(
  {
    winning_fact_id: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 256 }))),
    resolution_note: Type.Optional(Nullable(Type.String({ maxLength: 8192 }))),
    new_value: Type.Optional(Nullable(FactValueSchema)),
  },
  { additionalProperties: false },
);
export type ResolveBody = Static<typeof ResolveBodySchema>;

export const ConflictListSchema = Type.Object({
  conflicts: Type.Array(
    Type.Object(
      {
        conflict_id: Type.String(),
        fact_a: Nullable(FactRecordSchema),
        fact_b: Nullable(FactRecordSchema),
        status: Type.String(),
        resolved_by: Nullable(Type.String()),
        detected_at: Type.String(),
      },
      { additionalProperties: true },
    ),
  ),
  cursor: Nullable(Type.String()),
  has_more: Type.Boolean(),
});

export const ResolveResponseSchema = Type.Object({ resolution_fact_id: Type.String(), conflict_status: Type.Literal('resolved') });

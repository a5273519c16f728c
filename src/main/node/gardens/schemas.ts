// Wire schemas of the garden routes (REFERENCE-NODE.md §8.1); they validate bodies and document /docs.
import { Type, type Static } from 'typebox';
import { GARDEN_ROLES } from './acl.js';

export const SLUG_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;
/** The reference's 422 detail, verbatim (its regex is written with an escaped hyphen). */
export const SLUG_DETAIL = 'slug must match ^[a-z0-9][a-z0-9\\-]{0,62}$';

const MAX_ENTITY_URI = 2048;
/** An entity URI as a garden member: no whitespace or control characters, so it can be typed and matched exactly. */
const EntityUri = Type.String({ minLength: 1, maxLength: MAX_ENTITY_URI, pattern: '^[^\\s\\x00-\\x1f\\x7f]+$' });
const roleUnion = (opts: { default?: string; description?: string } = {}) =>
  Type.Union([Type.Literal('admin'), Type.Literal('writer'), Type.Literal('reader'), Type.Literal('quarantine:moderator')], opts);
const scopeUnion = (opts: { default?: string } = {}) =>
  Type.Union([Type.Literal('local'), Type.Literal('team'), Type.Literal('company'), Type.Literal('public')], opts);
const Role = roleUnion({ description: GARDEN_ROLES.join(', ') });
const Scope = scopeUnion();

export const GardenCreateBody = Type.Object(
  {
    slug: Type.String({ minLength: 1, maxLength: 63, description: 'lowercased and trimmed, then ^[a-z0-9][a-z0-9-]{0,62}$' }),
    name: Type.String({ minLength: 1, maxLength: 256 }),
    scope: Type.Optional(scopeUnion({ default: 'company' })),
    description: Type.Optional(Type.Union([Type.String({ maxLength: 4096 }), Type.Null()])),
    quarantine: Type.Optional(Type.Boolean({ default: false, description: 'a quarantine garden holds facts awaiting moderation' })),
  },
  { additionalProperties: false },
);
export type GardenCreateBody = Static<typeof GardenCreateBody>;

export const MemberAddBody = Type.Object(
  { entity_uri: EntityUri, role: Type.Optional(roleUnion({ default: 'reader' })) },
  { additionalProperties: false },
);
export type MemberAddBody = Static<typeof MemberAddBody>;

export const MemberPatchBody = Type.Object({ role: Role }, { additionalProperties: false });
export type MemberPatchBody = Static<typeof MemberPatchBody>;

const GardenRef = Type.String({ minLength: 1, maxLength: 2048, description: 'garden slug, UUID or garden URI' });
export const GardenParams = Type.Object({ slug_or_id: GardenRef });
export const MemberParams = Type.Object({
  slug_or_id: GardenRef,
  '*': Type.String({ minLength: 1, maxLength: MAX_ENTITY_URI, description: 'the member entity URI, percent-encoded' }),
});

export const MemberRecord = Type.Object({
  entity_uri: Type.String(),
  role: Role,
  added_by: Type.String(),
  added_at: Type.String(),
});
export type MemberRecord = Static<typeof MemberRecord>;

export const GardenRecord = Type.Object({
  id: Type.String(),
  garden_id: Type.String({ description: 'stigmem://<node authority>/garden/<slug>' }),
  slug: Type.String(),
  name: Type.String(),
  scope: Scope,
  description: Type.Union([Type.String(), Type.Null()]),
  created_by: Type.String(),
  created_at: Type.String(),
  members: Type.Array(MemberRecord),
  quarantine: Type.Boolean(),
});
export type GardenRecord = Static<typeof GardenRecord>;

export const ErrorBody = Type.Object({ detail: Type.Unknown(), code: Type.String() });

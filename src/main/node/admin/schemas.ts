// Wire schemas of /v1/admin/config.
import { Type, type Static } from 'typebox';

export const ErrorBody = Type.Object({ detail: Type.Unknown(), code: Type.String() });
export const errors = (...statuses: number[]) => Object.fromEntries(statuses.map((s) => [s, ErrorBody]));

export const ConfigPatchBody = Type.Object(
  {
    quarantine_garden_id: Type.Union([Type.String({ minLength: 1, maxLength: 2048 }), Type.Null()], {
      description: 'a garden created with "quarantine": true (UUID, slug or garden URI); null returns to the built-in quarantine garden',
    }),
  },
  { additionalProperties: false },
);
export type ConfigPatchBody = Static<typeof ConfigPatchBody>;

export const ConfigView = Type.Object(
  {
    quarantine_garden_id: Type.String(),
    quarantine_garden: Type.Object({ id: Type.String(), slug: Type.String(), name: Type.String(), garden_id: Type.String() }),
    quarantine_garden_source: Type.String({ description: 'env, config or builtin' }),
    configured_quarantine_garden_id: Type.Union([Type.String(), Type.Null()]),
    trust_mode: Type.String(),
    quarantine_trust_threshold: Type.Unsafe<unknown>({ type: 'number' }),
    warnings: Type.Array(Type.String()),
  },
  { additionalProperties: true },
);

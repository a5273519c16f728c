// Wire schemas of the quarantine routes (REFERENCE-NODE.md §8.3, §8.4, and the runbook's batch promotion).
import { Type, type Static } from 'typebox';

const FactId = Type.String({ minLength: 1, maxLength: 256 });
const Reason = Type.String({ maxLength: 4096 });
const GardenRef = Type.String({ minLength: 1, maxLength: 2048, description: 'garden UUID, slug or garden URI' });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
export const MAX_BATCH = 500;

export const ErrorBody = Type.Object({ detail: Type.Unknown(), code: Type.String() });
export const errors = (...statuses: number[]) => Object.fromEntries(statuses.map((s) => [s, ErrorBody]));

export const QuarantineListQuery = Type.Object(
  {
    garden_id: Type.Optional(Type.String({ maxLength: 2048, description: 'a quarantine garden (UUID or slug)' })),
    quarantine_status: Type.Optional(Type.String({ maxLength: 64, description: 'pending, promoted or rejected; omit for all' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000, default: 0 })),
  },
  { additionalProperties: true },
);
export type QuarantineListQuery = Static<typeof QuarantineListQuery>;

export const QuarantineItem = Type.Object(
  {
    fact_id: Type.String(), entity: Type.String(), relation: Type.String(), source: Type.String(), quarantine_status: Type.String(),
    quarantine_garden_id: Type.String(), quarantine_reason: Nullable(Type.String()), quarantine_acted_by: Nullable(Type.String()),
    quarantine_acted_at: Nullable(Type.String()), source_trust: Type.Unsafe<unknown>({ type: ['number', 'null'] }),
    received_from: Nullable(Type.String()), timestamp: Type.String(),
  },
  { additionalProperties: true },
);
export const QuarantineList = Type.Object({ items: Type.Array(QuarantineItem), total: Type.Integer() });

export const FactIdParams = Type.Object({ fact_id: FactId });
export const GardenParams = Type.Object({ slug_or_id: GardenRef });

export const AdmitQuery = Type.Object(
  { target_garden_id: Type.Optional(Type.String({ maxLength: 2048 })), reason: Type.Optional(Reason) },
  { additionalProperties: true },
);
export type AdmitQuery = Static<typeof AdmitQuery>;
export const RejectQuery = Type.Object({ reason: Type.Optional(Reason) }, { additionalProperties: true });
export type RejectQuery = Static<typeof RejectQuery>;

export const PromoteBody = Type.Object(
  { fact_id: FactId, target_garden_id: Type.Optional(Nullable(GardenRef)), reason: Type.Optional(Nullable(Reason)) },
  { additionalProperties: false },
);
export type PromoteBody = Static<typeof PromoteBody>;
export const RejectBody = Type.Object({ fact_id: FactId, reason: Type.Optional(Nullable(Reason)) }, { additionalProperties: false });
export type RejectBody = Static<typeof RejectBody>;

export const BatchPromoteBody = Type.Object(
  {
    fact_ids: Type.Array(FactId, { minItems: 1, maxItems: MAX_BATCH }),
    target_garden_id: Type.Optional(Nullable(GardenRef)),
    reason: Type.Optional(Nullable(Reason)),
  },
  { additionalProperties: false },
);
export type BatchPromoteBody = Static<typeof BatchPromoteBody>;

export const DecisionResult = Type.Object(
  {
    fact_id: Type.String(), action: Type.String(), target_garden_id: Type.Optional(Nullable(Type.String())), acted_by: Type.String(),
    acted_at: Type.String(), reason: Type.String(),
  },
  { additionalProperties: true },
);
export const BatchResult = Type.Object({
  results: Type.Array(Type.Object({ fact_id: Type.String() }, { additionalProperties: true })),
  promoted: Type.Integer(),
  failed: Type.Integer(),
});

// POST /v1/recall request (the reference's RecallRequest plus Spec-07's filters) and response shapes.
import { Type, type Static } from 'typebox';

const Weight = (d: number) => Type.Number({ minimum: 0, maximum: 1, default: d });

export const DEFAULT_WEIGHTS = { lexical: 0.35, semantic: 0.35, graph: 0.15, source_trust: 0.1, recency: 0.05 } as const;

export const RecallWeightsSchema = Type.Object(
  {
    lexical: Type.Optional(Weight(DEFAULT_WEIGHTS.lexical)),
    semantic: Type.Optional(Weight(DEFAULT_WEIGHTS.semantic)),
    graph: Type.Optional(Weight(DEFAULT_WEIGHTS.graph)),
    source_trust: Type.Optional(Weight(DEFAULT_WEIGHTS.source_trust)),
    recency: Type.Optional(Weight(DEFAULT_WEIGHTS.recency)),
  },
  { additionalProperties: true },
);

const Filter = (description: string) => Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 4096, description }), Type.Null()]));

export const RecallBodySchema = Type.Object(
  {
    query: Type.String({ minLength: 1, maxLength: 4096, description: 'Words to match against values, entities and relations' }),
    scope: Type.Optional(Type.String({ default: 'local', description: 'local, team, company or public (facts of exactly this scope)' })),
    token_budget: Type.Optional(Type.Integer({ minimum: 1, maximum: 200_000, default: 4000 })),
    depth: Type.Optional(Type.Integer({ minimum: 1, maximum: 3, default: 2 })),
    weights: Type.Optional(RecallWeightsSchema),
    min_confidence: Type.Optional(Type.Number({ minimum: 0, maximum: 1, default: 0.1 })),
    include_neighbors: Type.Optional(Type.Boolean({ default: true })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100, description: 'Most candidates kept before token-budget packing' })),
    as_of: Type.Optional(Type.Union([Type.String({ maxLength: 64 }), Type.Null()])),
    entity: Filter('Only facts about this entity'),
    relation: Filter('Only facts with this relation'),
    source: Filter('Only facts from this source'),
    garden_id: Filter('Only facts in this garden (URI, slug or id)'),
  },
  { additionalProperties: true },
);
export type RecallBody = Static<typeof RecallBodySchema>;

export const RecallQuerySchema = Type.Object({ legacy_format: Type.Optional(Type.Boolean({ default: false })) }, { additionalProperties: true });

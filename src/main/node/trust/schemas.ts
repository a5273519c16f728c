// Wire schemas of the trust-score routes (the runbook's Step 6).
import { Type, type Static } from 'typebox';

export const ErrorBody = Type.Object({ detail: Type.Unknown(), code: Type.String() });
export const errors = (...statuses: number[]) => Object.fromEntries(statuses.map((s) => [s, ErrorBody]));

export const SourceParams = Type.Object({
  '*': Type.String({ minLength: 1, maxLength: 2048, description: 'a source URI or a prefix of one, URL-encoded' }),
});

export const TrustListQuery = Type.Object(
  { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100, description: 'how many recently seen sources to include' })) },
  { additionalProperties: true },
);
export type TrustListQuery = Static<typeof TrustListQuery>;

export const TrustOneQuery = Type.Object(
  {
    scope: Type.Optional(Type.Union([Type.Literal('local'), Type.Literal('team'), Type.Literal('company'), Type.Literal('public')])),
    via: Type.Optional(Type.Union([Type.Literal('federation'), Type.Literal('token')])),
  },
  { additionalProperties: true },
);
export type TrustOneQuery = Static<typeof TrustOneQuery>;

export const PutScoreBody = Type.Object(
  {
    score: Type.Number({ minimum: 0, maximum: 1, description: 'trust t in [0, 1]' }),
    note: Type.Optional(Type.Union([Type.String({ maxLength: 1000 }), Type.Null()])),
  },
  { additionalProperties: false },
);
export type PutScoreBody = Static<typeof PutScoreBody>;

const Score = Type.Unsafe<unknown>({ type: 'number' });
export const OverrideRecord = Type.Object(
  { source: Type.String(), score: Score, origin: Type.Literal('override'), note: Type.Union([Type.String(), Type.Null()]), set_by: Type.String(), set_at: Type.String() },
  { additionalProperties: true },
);
export const ScoreEntry = Type.Object(
  { source: Type.String(), score: Score, origin: Type.String(), computed_score: Score, parts: Type.Object({}, { additionalProperties: true }) },
  { additionalProperties: true },
);
export const ScoreList = Type.Object({ scores: Type.Array(ScoreEntry) }, { additionalProperties: true });

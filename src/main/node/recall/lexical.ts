// Lexical match: the query's words found in a fact's value, entity, relation or source (case-insensitive).
import { joinSql, sql, type Sql } from '../db/sql.js';

export const MAX_TERMS = 8;
const MIN_TERM_CHARS = 2;

/** Distinct lowercase words of the query (letters, digits, underscore), at most MAX_TERMS of them. */
export function queryTerms(query: string): string[] {
  const words = query.toLowerCase().match(/[\p{L}\p{N}_]+/gu) ?? [];
  return [...new Set(words.filter((w) => [...w].length >= MIN_TERM_CHARS))].slice(0, MAX_TERMS);
}

const likePattern = (term: string): string => `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Facts (alias `f`) that contain at least one of `terms` in a searched column. */
export function lexicalMatchSql(terms: readonly string[]): Sql {
  if (terms.length === 0) return sql`0`;
  const parts = terms.map((t) => {
    const p = likePattern(t);
    return sql`(lower(f.value_v) LIKE ${p} ESCAPE '\\' OR lower(f.entity) LIKE ${p} ESCAPE '\\' OR lower(f.relation) LIKE ${p} ESCAPE '\\' OR lower(f.source) LIKE ${p} ESCAPE '\\')`;
  });
  return sql`(${joinSql(parts, ' OR ')})`;
}

// Where a word is found says how much it matters: in the value most, in the source least.
const FIELD_WEIGHTS = [
  ['value_v', 1.0],
  ['entity', 0.6],
  ['relation', 0.4],
  ['source', 0.2],
] as const;

export interface LexicalHit {
  /** Share of the query's words found, each weighted by the best field it was found in (0..1). */
  score: number;
  matched: string[];
}

export function lexicalScore(row: { value_v: string; entity: string; relation: string; source: string }, terms: readonly string[]): LexicalHit {
  if (terms.length === 0) return { score: 0, matched: [] };
  const texts = FIELD_WEIGHTS.map(([field, w]) => [row[field].toLowerCase(), w] as const);
  let total = 0;
  const matched: string[] = [];
  for (const term of terms) {
    let best = 0;
    for (const [text, w] of texts) if (w > best && text.includes(term)) best = w;
    if (best > 0) matched.push(term);
    total += best;
  }
  return { score: total / terms.length, matched };
}

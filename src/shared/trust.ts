// The Trust screen's part of the admin contract: how each source scores, and the operator's overrides.
import { fail, ok, type Result } from './result.js';
import { objectWith } from './validators.js';
import { isUriLike } from './uri.js';

export interface TrustSettings {
  mode: string;
  /** Facts from federation or tokens scoring below this are held in quarantine. */
  threshold: number;
  weights: Record<string, number>;
}

export interface TrustedSource {
  /** A source URI, or a prefix of one when an override covers many. */
  source: string;
  /** The score routing and recall use, and how it was reached (override, computed, strict_unverified). */
  score: number;
  origin: string;
  computedScore: number;
  parts: Record<string, number>;
  isVerified: boolean;
  isBelowThreshold: boolean;
  override: { source: string; score: number; note: string | null; setBy: string; setAt: string } | null;
  lastSeenAt: string | null;
  factsSeen: number;
}

export interface TrustOverview {
  settings: TrustSettings;
  sources: TrustedSource[];
}

export interface TrustOverrideInput {
  source: string;
  score: number;
  note?: string;
}

export interface TrustSourceRef {
  source: string;
}

const MAX_SOURCE = 2048;
const MAX_NOTE = 1000;


function checkSource(x: unknown): Result<string> {
  if (typeof x !== 'string' || x.trim() === '') return fail('validation_failed', 'a source URI or prefix is required');
  const source = x.trim();
  if (source.length > MAX_SOURCE) return fail('validation_failed', `the source is longer than ${MAX_SOURCE} characters`);
  if (/[\u0000-\u001f\u007f]/.test(source)) return fail('validation_failed', 'the source contains control characters');
  return ok(source);
}

/** Why a typed override source is not a URI or a prefix of one (scheme, colon, no spaces), or null when it is. */
export function sourceUriProblem(raw: string): string | null {
  const source = raw.trim();
  if (source === '') return 'Type a source URI, or a prefix such as stigmem://partner.example/agent/.';
  if (/\s/.test(source)) return 'A source URI has no spaces (the node would turn them into dashes).';
  if (!isUriLike(source)) return 'A source is a URI such as stigmem://partner.example/agent/bot, or a prefix of one.';
  if (/^stigmem:/i.test(source) && !/^stigmem:\/\/[^/\s]+/i.test(source)) return 'A stigmem source starts stigmem:// and names its authority (stigmem://partner.example/…).';
  return source.length > MAX_SOURCE ? `The source is longer than ${MAX_SOURCE} characters.` : null;
}

export function validateTrustOverride(arg: unknown): Result<TrustOverrideInput> {
  const f = objectWith(arg, ['source', 'score', 'note'], '{"source": "stigmem://org.example/agent/a", "score": 0.8}');
  if (!f.ok) return f;
  const source = checkSource(f.value['source']);
  if (!source.ok) return source;
  const score = f.value['score'];
  if (typeof score !== 'number' || !Number.isFinite(score) || score < 0 || score > 1) return fail('validation_failed', 'score is a number from 0 to 1');
  const note = f.value['note'];
  if (note !== undefined && (typeof note !== 'string' || note.length > MAX_NOTE)) return fail('validation_failed', `note is text of at most ${MAX_NOTE} characters`);
  const trimmed = typeof note === 'string' ? note.trim() : '';
  return ok({ source: source.value, score, ...(trimmed !== '' ? { note: trimmed } : {}) });
}

export function validateTrustSourceRef(arg: unknown): Result<TrustSourceRef> {
  const f = objectWith(arg, ['source'], '{"source": "stigmem://org.example/agent/a"}');
  if (!f.ok) return f;
  const source = checkSource(f.value['source']);
  return source.ok ? ok({ source: source.value }) : source;
}

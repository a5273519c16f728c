// The Trust screen's operations: sources scored as the routes score them, operator overrides (exact and by prefix)
// set and removed with an audit event each, refusals in the node's words, strict arguments.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { operationsOn, valueOf } from './helpers.js';
import { validateTrustOverride, validateTrustSourceRef, type TrustedSource, type TrustOverview } from '../../../src/shared/trust.js';
import { addPeer, auditEvents, BOT, ingestIds, makeTestNode, remoteFact, type TestNode } from '../quarantine/helpers.js';

let n: TestNode;
beforeEach(async () => {
  n = await makeTestNode({ STIGMEM_TRUST_MODE: 'strict', STIGMEM_ENTITY_URI: 'stigmem://org-a.example' });
});
afterEach(async () => n.close());

const op = operationsOn(() => n.deps);
const value = valueOf;
const PREFIX = 'stigmem://org-b.example/agent/';
// The node keeps a prefix without its trailing slash.
const KEY = 'stigmem://org-b.example/agent';

describe('trust operation arguments', () => {
  it('take a source (or prefix) and a score from 0 to 1, and refuse anything else', () => {
    expect(validateTrustOverride({ source: ` ${BOT} `, score: 0, note: ' vetted ' })).toEqual({ ok: true, value: { source: BOT, score: 0, note: 'vetted' } });
    expect(validateTrustSourceRef({ source: PREFIX })).toEqual({ ok: true, value: { source: PREFIX } });
    const hostile: unknown[] = [
      null, BOT, { source: BOT }, { source: '', score: 0.5 }, { source: BOT, score: -0.1 }, { source: BOT, score: 1.01 }, { source: BOT, score: '0.5' }, { source: BOT, score: Number.NaN },
      { source: 'a\nb', score: 0.5 }, { source: 'x'.repeat(2049), score: 0.5 }, { source: BOT, score: 0.5, note: 7 }, { source: BOT, score: 0.5, note: 'n'.repeat(1001) }, { source: BOT, score: 0.5, by: 'me' },
    ];
    for (const arg of hostile) expect(validateTrustOverride(arg).ok, JSON.stringify(arg)?.slice(0, 60)).toBe(false);
    for (const arg of [null, {}, { source: '' }, { source: ['x'] }, { source: BOT, score: 1 }]) expect(validateTrustSourceRef(arg).ok).toBe(false);
  });
});

describe('trust operations', () => {
  it('list the settings and the sources facts arrived from, with how each score was reached', async () => {
    ingestIds(n, addPeer(n), [remoteFact(), remoteFact()]);
    const overview = value(await op<TrustOverview>('trust:list'));
    expect(overview.settings).toMatchObject({ mode: 'strict', threshold: 0.3 });
    expect(overview.sources).toEqual([expect.objectContaining({ source: BOT, score: 0.15, origin: 'strict_unverified', isBelowThreshold: true, override: null, factsSeen: 2 })]);
  });

  it('set an override by prefix that covers a source, then remove it, each audited with the org as actor', async () => {
    ingestIds(n, addPeer(n), [remoteFact()]);
    const set = value(await op<TrustedSource>('trust:set', { source: PREFIX, score: 0.9, note: 'partner bots vetted' }));
    expect(set).toMatchObject({ source: KEY, score: 0.9, origin: 'override', isBelowThreshold: false, override: { source: KEY, score: 0.9, note: 'partner bots vetted', setBy: 'stigmem://org-a.example' } });
    const covered = value(await op<TrustOverview>('trust:list')).sources.find((s) => s.source === BOT)!;
    expect(covered).toMatchObject({ score: 0.9, origin: 'override', isBelowThreshold: false, override: { source: KEY } });
    // A fact from the covered source now arrives admitted, not held.
    ingestIds(n, addPeer(n), [remoteFact()]);
    expect((await n.req('GET', '/v1/quarantine?quarantine_status=pending')).body.total).toBe(1);

    const cleared = value(await op<TrustedSource>('trust:clear', { source: PREFIX }));
    expect(cleared).toMatchObject({ source: KEY, override: null });
    expect(value(await op<TrustOverview>('trust:list')).sources.find((s) => s.source === BOT)).toMatchObject({ score: 0.15, origin: 'strict_unverified' });
    expect(await op('trust:clear', { source: PREFIX })).toMatchObject({ ok: false, error: { code: 'override_not_found' } });
    expect(auditEvents(n, 'trust_override_set').map((e) => [e.subject, e.actor, e.detail['score']])).toEqual([[KEY, 'stigmem://org-a.example', 0.9]]);
    expect(auditEvents(n, 'trust_override_removed').map((e) => [e.subject, e.actor])).toEqual([[KEY, 'stigmem://org-a.example']]);
  });
});

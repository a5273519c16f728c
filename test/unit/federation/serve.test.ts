import { afterEach, describe, expect, it } from 'vitest';
import { makeTestNode, type TestNode } from '../../helpers/inject.js';
import { servablePage, REFERENCE_MAX_PAST_MS } from '../../../src/main/node/federation/serve.js';
import { checkAllowedScopes, servedScopes } from '../../../src/main/node/federation/scopes.js';
import { isSourceOwnedBy } from '../../../src/main/node/federation/sender.js';
import { formatHlc } from '../../../src/main/node/facts/hlc.js';
import { HttpError } from '../../../src/main/node/errors.js';
import { sql } from '../../../src/main/node/db/sql.js';

let node: TestNode | undefined;
afterEach(async () => {
  await node?.close();
  node = undefined;
});

const fact = (entity: string, scope: string, extra: Record<string, unknown> = {}) => ({ entity, relation: 'memory:role', value: { type: 'string', v: entity }, source: 'stigmem://a.example/agent/x', scope, ...extra });

describe('what a node serves to peers', () => {
  it('serves only its own non-local facts outside gardens and bookkeeping, in HLC order', async () => {
    node = await makeTestNode();
    for (const [e, s] of [['stigmem://a.example/e/1', 'public'], ['stigmem://a.example/e/2', 'local'], ['stigmem://a.example/e/3', 'company'], ['stigmem://a.example/e/4', 'team']]) {
      expect((await node.req('POST', '/v1/facts', fact(e!, s!))).status).toBe(201);
    }
    node.deps.db.run(sql`UPDATE facts SET received_from = 'stigmem:node:other' WHERE entity = 'stigmem://a.example/e/3'`);
    const page = servablePage(node.deps.db, ['public', 'company', 'team'], null, 10);
    expect(page.rows.map((r) => r.entity)).toEqual(['stigmem://a.example/e/1', 'stigmem://a.example/e/4']);
    expect(page.rows[0]!.hlc < page.rows[1]!.hlc).toBe(true);
    const next = servablePage(node.deps.db, ['public', 'team'], page.rows[0]!.hlc, 10);
    expect(next.rows.map((r) => r.entity)).toEqual(['stigmem://a.example/e/4']);
  });

  it('never serves a reference puller a fact older than its 30-day stall limit', async () => {
    node = await makeTestNode();
    await node.req('POST', '/v1/facts', fact('stigmem://a.example/e/old', 'public'));
    await node.req('POST', '/v1/facts', fact('stigmem://a.example/e/new', 'public'));
    const old = formatHlc({ wallMs: Date.now() - 40 * 24 * 3_600_000, counter: 0 });
    node.deps.db.run(sql`UPDATE facts SET hlc = ${old} WHERE entity = 'stigmem://a.example/e/old'`);
    const minHlc = formatHlc({ wallMs: Date.now() - REFERENCE_MAX_PAST_MS, counter: 0 });
    expect(servablePage(node.deps.db, ['public'], null, 10, minHlc).rows.map((r) => r.entity)).toEqual(['stigmem://a.example/e/new']);
    expect(servablePage(node.deps.db, ['public'], null, 10).rows).toHaveLength(2);
  });
});

describe('federation scopes and ownership', () => {
  it('intersects our row with the token, never local, team only when allowed', () => {
    expect(servedScopes(['company', 'public'], ['public'], false)).toEqual(['public']);
    expect(servedScopes(['team', 'public'], ['team', 'public', 'local'], false)).toEqual(['public']);
    expect(servedScopes(['team', 'public', 'local'], ['team', 'public', 'local'], true)).toEqual(['public', 'team']);
    expect(servedScopes(['public'], [], true)).toEqual([]);
  });

  it('checks the operator-chosen scopes', () => {
    expect(checkAllowedScopes(undefined, false)).toEqual(['public']);
    expect(checkAllowedScopes(['public', 'company', 'public'], false)).toEqual(['company', 'public']);
    expect(() => checkAllowedScopes(['local'], true)).toThrow(HttpError);
    expect(() => checkAllowedScopes(['team'], false)).toThrow(/STIGMEM_FEDERATION_ALLOW_TEAM/);
    expect(checkAllowedScopes(['team'], true)).toEqual(['team']);
  });

  it('matches source ownership by whole authority or path, never a look-alike host', () => {
    expect(isSourceOwnedBy('stigmem://org-b.example', 'stigmem://org-b.example')).toBe(true);
    expect(isSourceOwnedBy('stigmem://org-b.example/agent/bot', 'stigmem://org-b.example')).toBe(true);
    expect(isSourceOwnedBy('stigmem://org-b.example.evil/agent/bot', 'stigmem://org-b.example')).toBe(false);
    expect(isSourceOwnedBy('stigmem://org-b.examplex', 'stigmem://org-b.example/')).toBe(false);
  });
});

describe('pages parsed on receipt', () => {
  it('need the strict parser exactly when a fact carries a number value', async () => {
    const { pageNeedsLiterals } = await import('../../../src/main/node/federation/page.js');
    expect(pageNeedsLiterals({ facts: [{ value: { type: 'string', v: 'x' } }, { value: 'junk' }, null] })).toBe(false);
    expect(pageNeedsLiterals({ facts: [{ value: { type: 'string', v: 'x' } }, { value: { type: 'number', v: 42 } }] })).toBe(true);
    expect(pageNeedsLiterals({ nope: 1 })).toBe(false);
  });
});

// What the screens check before they send: a token's subject and object, and an override's source. Each accepted
// value is one the node takes as meant.
import { describe, expect, it } from 'vitest';
import { parseTokenObject } from '../../../src/main/node/tokens/coverage.js';
import { normaliseSourceKey } from '../../../src/main/node/trust/prefix.js';
import { tokenObjectProblem, tokenSubjectProblem } from '../../../src/shared/tokens.js';
import { sourceUriProblem } from '../../../src/shared/trust.js';

describe('the token form', () => {
  it('takes an entity URI as subject and refuses anything else', () => {
    for (const ok of ['stigmem://partner.example/agent/bot', 'stigmem://partner.example', ' stigmem://localhost:8765/agent/a ']) expect(tokenSubjectProblem(ok), ok).toBeNull();
    for (const bad of ['', 'bot', 'partner.example/agent/bot', 'https://partner.example/agent', 'stigmem://', 'stigmem:///agent', 'stigmem://partner example/agent', 'stigmem://p.example/a b']) {
      expect(tokenSubjectProblem(bad), bad).not.toBeNull();
    }
  });

  it('takes every fact, one scope or a URI under an authority as object, as the node parses them', () => {
    expect(parseTokenObject('stigmem://facts')).toEqual({ kind: 'all' });
    for (const scope of ['public', 'company', 'team', 'local']) {
      expect(tokenObjectProblem(`stigmem://facts/scope:${scope}`)).toBeNull();
      expect(parseTokenObject(`stigmem://facts/scope:${scope}`)).toEqual({ kind: 'scope', scope });
    }
    expect(tokenObjectProblem('stigmem://facts')).toBeNull();
    expect(tokenObjectProblem('stigmem://org-a.example/scope/shared')).toBeNull();
    const bad = ['', 'facts', 'stigmem://facts/scope:private', 'stigmem://facts/scope:', 'stigmem://facts/public', 'stigmem://facts/scope:Public', 'https://org-a.example/scope/shared', 'stigmem://org a/scope'];
    for (const object of bad) expect(tokenObjectProblem(object), object).not.toBeNull();
  });
});

describe('the trust source field', () => {
  it('takes a URI or a prefix of one, which the node stores without turning spaces into dashes', () => {
    for (const ok of ['stigmem://org-b.example/agent/', 'stigmem://org-b.example', 'urn:agent:bot']) {
      expect(sourceUriProblem(ok), ok).toBeNull();
      expect(normaliseSourceKey(ok)).not.toContain(' ');
    }
    expect(normaliseSourceKey('not a uri')).toBe('not-a-uri');
    for (const bad of ['', '   ', 'not a uri', 'not-a-uri', 'stigmem://org b/agent', 'stigmem:agent', 'stigmem:/x']) expect(sourceUriProblem(bad), bad).not.toBeNull();
  });
});

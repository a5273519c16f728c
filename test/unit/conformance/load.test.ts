import { afterAll, describe, expect, it } from 'vitest';
import { versionOf } from '../../../src/main/node/conformance/index.js';
import { removeVectorFolders, suiteOf, vectorFile } from './suiteFiles.js';

afterAll(removeVectorFolders);

const vec = (id: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ id, method: 'GET', path: '/healthz', body: null, expected_status: 200, ...extra });

describe('loadSuite', () => {
  it('reads every *.json recursively, in sorted order, and tells vector files from scenario lists', () => {
    const suite = suiteOf({
      'v2.0/19_b.json': vectorFile([vec('b1')]),
      'v1.0/01_a.json': vectorFile([vec('a1'), vec('a2')]),
      'adversarial/tokens.json': [{ id: 's1', forgery_shape: 'alg_none', endpoint: '/v1/facts', method: 'POST', expected_status: [401] }],
      'v1.0/notes.txt': 'ignored',
    });
    expect(suite.cases.map((c) => `${c.kind}:${c.file}:${c.id}`)).toEqual([
      'adversarial:adversarial/tokens.json:s1',
      'vector:v1.0/01_a.json:a1',
      'vector:v1.0/01_a.json:a2',
      'vector:v2.0/19_b.json:b1',
    ]);
    const b1 = suite.cases.find((c) => c.id === 'b1');
    expect(b1).toMatchObject({ kind: 'vector', versionLabel: 'v2.0', major: 2 });
  });

  it('decides the version by the nearest version folder', () => {
    expect(versionOf('v1.0/01_a.json')).toEqual({ label: 'v1.0', major: 1 });
    expect(versionOf('v2.0/sub/x.json')).toEqual({ label: 'v2.0', major: 2 });
    expect(versionOf('v2.0/v1.1/x.json')).toEqual({ label: 'v1.1', major: 1 });
    expect(versionOf('x.json')).toEqual({ label: '', major: 1 });
    expect(versionOf('v3/x.json')).toEqual({ label: 'v3', major: 3 });
  });

  it('indexes requires_setup targets per version folder', () => {
    const suite = suiteOf({ 'v1.0/a.json': vectorFile([vec('same')]), 'v2.0/b.json': vectorFile([vec('same'), vec('only2')]) });
    expect(suite.setupIndex.get('v1.0')?.get('same')?.file).toBe('v1.0/a.json');
    expect(suite.setupIndex.get('v2.0')?.get('same')?.file).toBe('v2.0/b.json');
    expect(suite.setupIndex.get('v1.0')?.has('only2')).toBe(false);
  });

  it('turns unreadable files and malformed entries into failing cases instead of dropping them', () => {
    const suite = suiteOf({
      'v1.0/broken.json': '{"vectors": [',
      'v1.0/other.json': { hello: 1 },
      'v1.0/bad.json': vectorFile([{ id: 'no-path', method: 'GET' }, vec('fine'), { method: 'GET', path: '/x' }]),
      'adversarial/bad.json': [{ id: 's', endpoint: '/v1/facts' }],
    });
    const invalid = suite.cases.filter((c) => c.kind === 'invalid').map((c) => [c.id, c.kind === 'invalid' ? c.reason : '']);
    expect(invalid).toEqual([
      ['s', 'scenario has neither expected_status nor expected_status_on_replay'],
      ['no-path', "vector has no path starting with '/'"],
      ['v1.0/bad.json[2]', 'vector has no string id'],
      ['v1.0/broken.json', expect.stringMatching(/^cannot parse: /)],
      ['v1.0/other.json', 'neither a vector file ({"vectors": [...]}) nor a scenario list'],
    ]);
    expect(suite.cases.some((c) => c.id === 'fine' && c.kind === 'vector')).toBe(true);
  });

  it('carries a file-level requires_plugin onto each vector', () => {
    const suite = suiteOf({ 'v2.0/p.json': { requires_plugin: 'tombstones', vectors: [vec('p1'), vec('p2', { requires_plugin: 'other' })] } });
    expect(suite.cases.map((c) => (c.kind === 'vector' ? c.requiresPlugin : null))).toEqual(['tombstones', 'other']);
  });
});

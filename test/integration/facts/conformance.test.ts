// The shared v1.0 conformance vectors for facts, each on a fresh auth-disabled node (as the reference runner does).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../helpers/process.js';
import { makeTestNode } from '../../helpers/inject.js';
import { bodyContains, nestedValue, runSetupChain, sendVector, type V1Vector } from '../../helpers/vectors.js';

const VECTOR_DIR = join(REPO_ROOT, '../shared/conformance/v1.0');
const FILES = ['01_fact_assert.json', '02_fact_query.json', '05_garden_facts.json'];

const vectors = new Map<string, V1Vector>();
if (existsSync(VECTOR_DIR)) {
  for (const f of FILES) for (const v of (JSON.parse(readFileSync(join(VECTOR_DIR, f), 'utf8')) as { vectors: V1Vector[] }).vectors) vectors.set(v.id, v);
}

describe.skipIf(vectors.size === 0)('conformance v1.0 facts vectors', () => {
  it.each([...vectors.keys()])('%s', async (id) => {
    const v = vectors.get(id)!;
    const node = await makeTestNode({ STIGMEM_AUTH_REQUIRED: 'false', STIGMEM_NODE_URL: 'http://testnode' });
    try {
      await runSetupChain(node, vectors, v.requires_setup);
      const r = await sendVector(node, v);
      if (v.expected_status !== undefined) expect(r.status, r.text).toBe(v.expected_status);
      else expect(v.expected_status_in, r.text).toContain(r.status);
      if (r.status >= 400) return;
      if (v.expected_body_contains !== undefined) expect(bodyContains(r.body, v.expected_body_contains), r.text).toBe(true);
      for (const k of v.expected_body_has_keys ?? []) expect(r.body, k).toHaveProperty([k]);
      for (const [path, want] of Object.entries(v.expected_nested ?? {})) expect(nestedValue(r.body, path), path).toEqual(want);
    } finally {
      await node.close();
    }
  });
});

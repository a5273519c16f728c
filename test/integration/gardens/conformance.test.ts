// The gardens conformance vectors (../shared/conformance/v1.0/04_gardens.json), each on a fresh auth-disabled node.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTestNode, type TestNode } from '../../helpers/inject.js';
import { bodyContains, runSetupChain, sendVector, type V1Vector } from '../../helpers/vectors.js';
import { REPO_ROOT } from '../../helpers/process.js';

const VECTORS_FILE = join(REPO_ROOT, '../shared/conformance/v1.0/04_gardens.json');
const vectors: V1Vector[] = existsSync(VECTORS_FILE) ? (JSON.parse(readFileSync(VECTORS_FILE, 'utf8')) as { vectors: V1Vector[] }).vectors : [];
const byId = new Map(vectors.map((v) => [v.id, v]));

describe.skipIf(vectors.length === 0)('conformance v1.0 04_gardens', () => {
  let node: TestNode | undefined;
  afterEach(async () => {
    await node?.close();
    node = undefined;
  });

  it('has the vectors', () => {
    expect(vectors.length).toBeGreaterThanOrEqual(15);
  });

  it.each(vectors.map((v) => [v.id, v] as const))('%s', async (_id, v) => {
    node = await makeTestNode({ STIGMEM_AUTH_REQUIRED: 'false', STIGMEM_NODE_URL: 'http://testnode' });
    await runSetupChain(node, byId, v.requires_setup);
    const res = await sendVector(node, v);
    if (v.expected_status !== undefined) expect(res.status, res.text).toBe(v.expected_status);
    else expect(v.expected_status_in).toContain(res.status);
    if (res.status >= 400) {
      expect(res.body).toHaveProperty('detail');
      return;
    }
    if (v.expected_body_contains !== undefined) expect(bodyContains(res.body, v.expected_body_contains), res.text).toBe(true);
    for (const k of v.expected_body_has_keys ?? []) expect(res.body).toHaveProperty(k);
    if (v.expected_members_contain_role) {
      expect((res.body as { members: { role: string }[] }).members.map((m) => m.role)).toContain(v.expected_members_contain_role);
    }
    if (v.expected_response_is_list) expect(Array.isArray(res.body)).toBe(true);
  });
});

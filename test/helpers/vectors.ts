// Running conformance vectors in-process: send one without credentials, and its requires_setup chain first.
import { expect } from 'vitest';
import type { TestNode } from './inject.js';

export interface SendableVector {
  method: string;
  path: string;
  body: unknown;
  requires_setup?: string;
}

export async function sendVector(node: TestNode, v: SendableVector) {
  return node.req(v.method, v.path, v.body === null ? undefined : v.body, false);
}

/** Run the setup chain deepest first; each prerequisite must answer below 300. */
export async function runSetupChain(node: TestNode, byId: ReadonlyMap<string, SendableVector>, id: string | undefined): Promise<void> {
  if (!id) return;
  const setup = byId.get(id);
  if (!setup) throw new Error(`unknown setup vector ${id}`);
  await runSetupChain(node, byId, setup.requires_setup);
  const r = await sendVector(node, setup);
  expect(r.status, `setup ${id}: ${r.text}`).toBeLessThan(300);
}

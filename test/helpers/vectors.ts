// Running conformance vectors in-process: send one without credentials, and its requires_setup chain first.
import { expect } from 'vitest';
import { containsSubset, dotted } from '../../src/main/node/conformance/match.js';
import type { TestNode } from './inject.js';

export interface SendableVector {
  method: string;
  path: string;
  body: unknown;
  requires_setup?: string;
}

/** A v1.0 vector as the facts and gardens files write them. */
export interface V1Vector extends SendableVector {
  id: string;
  expected_status?: number;
  expected_status_in?: number[];
  expected_body_contains?: unknown;
  expected_body_has_keys?: string[];
  expected_nested?: Record<string, unknown>;
  expected_members_contain_role?: string;
  expected_response_is_list?: boolean;
}

/** `expected_body_contains` as the v1 reference runner matches it (the node's own conformance matcher). */
export function bodyContains(actual: unknown, expected: unknown): boolean {
  return containsSubset(actual, expected, 'body', 1) === null;
}

/** The value at a dotted `expected_nested` path, or undefined. */
export function nestedValue(body: unknown, path: string): unknown {
  const d = dotted(body, path);
  return d.found ? d.value : undefined;
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

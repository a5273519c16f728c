// Builds the `StigmemApi` shape over any "invoke an operation" function (the console's HTTP transport uses it).
import { OPERATION_NAMES, splitOperationName, type OperationName, type StigmemApi } from './contract.js';
import type { Result } from './result.js';

export type InvokeOperation = (op: OperationName, arg: unknown) => Promise<Result<unknown>>;

export function buildStigmemApi(invoke: InvokeOperation): StigmemApi {
  const api: Record<string, Record<string, (arg?: unknown) => Promise<Result<unknown>>>> = {};
  for (const op of OPERATION_NAMES) {
    const { domain, verb } = splitOperationName(op);
    (api[domain] ??= {})[verb] = (arg?: unknown) => invoke(op, arg);
  }
  // The loop above creates exactly one method per operation name, which is what StigmemApi describes.
  return api as unknown as StigmemApi;
}

// An admin handler takes the raw argument (`unknown`) and answers with an envelope, never an exception; the contract's
// validator runs first, so an implementation only ever sees a valid argument.
import { ADMIN_OPERATIONS, type ArgsOf, type OperationName, type ResultOf } from '../../../shared/contract.js';
import type { Result } from '../../../shared/result.js';
import type { NodeDeps } from '../server/deps.js';

export type AdminHandler<N extends OperationName> = (deps: NodeDeps, arg: unknown) => Result<ResultOf<N>> | Promise<Result<ResultOf<N>>>;

export function withValidArgument<N extends OperationName>(
  op: N,
  impl: (deps: NodeDeps, args: ArgsOf<N>) => Result<ResultOf<N>> | Promise<Result<ResultOf<N>>>,
): AdminHandler<N> {
  return (deps, arg) => {
    const checked = ADMIN_OPERATIONS[op].validate(arg) as Result<ArgsOf<N>>;
    return checked.ok ? impl(deps, checked.value) : checked;
  };
}

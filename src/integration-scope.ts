/**
 * `withIntegrationScope`: gives an adapter a second way of working, for requests in integration
 * scope (`ctx.scope === "integration"`, DESIGN §10.4): `locate`, `export`, `delete` and `status` then
 * go to `operations`, which act only on the records the integration wrote (its call activities,
 * their recordings, the notes it attached), and `restrict` refuses (the engine never restricts in
 * that scope: the records around them are the account owner's). Everything else is the adapter's.
 * @see docs/tenants.md
 */
import type {
  DeleteResult,
  ExportResult,
  IdentifierKind,
  LocateResult,
  OperationContext,
  RecordRef,
  StatusResult,
  SubprocessorAdapter,
} from "./adapter.js";
import { FanoutError } from "./errors.js";
import type { Subject } from "./subject.js";

/** What an adapter does in integration scope. */
export interface IntegrationOperations {
  /** Identifier kinds the integration's records are found by (`capabilities.integrationLookup`). */
  readonly lookup: readonly IdentifierKind[];
  locate(subject: Subject, ctx: OperationContext): Promise<LocateResult>;
  export(refs: readonly RecordRef[], ctx: OperationContext): Promise<ExportResult>;
  delete(refs: readonly RecordRef[], ctx: OperationContext): Promise<DeleteResult>;
  status(refs: readonly RecordRef[], deletion: DeleteResult, ctx: OperationContext): Promise<StatusResult>;
}

const inIntegrationScope = (ctx: OperationContext) => ctx.scope === "integration";

/** The adapter, dispatching to `operations` when a request is in integration scope. */
export function withIntegrationScope(
  adapter: SubprocessorAdapter,
  operations: IntegrationOperations,
): SubprocessorAdapter {
  const refuse = (adapterId: string): never => {
    throw new FanoutError("UNSUPPORTED", `${adapterId} does not restrict in integration scope`, {
      retryable: false,
      provider: adapterId,
      operation: "restrict",
    });
  };
  const scoped: SubprocessorAdapter = {
    ...adapter,
    capabilities: { ...adapter.capabilities, integrationLookup: [...operations.lookup] },
    locate: (subject, ctx) =>
      inIntegrationScope(ctx) ? operations.locate(subject, ctx) : adapter.locate(subject, ctx),
    export: (refs, ctx) =>
      inIntegrationScope(ctx) ? operations.export(refs, ctx) : adapter.export(refs, ctx),
    delete: (refs, ctx) =>
      inIntegrationScope(ctx) ? operations.delete(refs, ctx) : adapter.delete(refs, ctx),
    status: (refs, deletion, ctx) =>
      inIntegrationScope(ctx) ? operations.status(refs, deletion, ctx) : adapter.status(refs, deletion, ctx),
  };
  const { restrict, unrestrict } = adapter;
  if (restrict) {
    scoped.restrict = (refs, ctx) =>
      inIntegrationScope(ctx) ? refuse(adapter.id) : restrict.call(adapter, refs, ctx);
  }
  if (unrestrict) {
    // Nothing was restricted in integration scope, so there is nothing to undo.
    scoped.unrestrict = (refs, undo, ctx) =>
      inIntegrationScope(ctx) ? Promise.resolve({}) : unrestrict.call(adapter, refs, undo, ctx);
  }
  return Object.freeze(scoped);
}

/**
 * What a new request is filed with, decided at the call: its tenant, scope, controller's
 * instruction and the adapters it gets a branch for. Anything wrong throws a typed error before
 * anything is recorded; a tenant's resolver is asked here only to learn which adapters the tenant
 * has (their ids go on the request; the adapters themselves are dropped and built again when the
 * request runs).
 */
import type { RequestScope, SubprocessorAdapter } from "../adapter.js";
import { InvalidArgumentError } from "../errors.js";
import type { Subject } from "../subject.js";
import type { EngineContext } from "./context.js";
import {
  adaptersInScope,
  instructionArgument,
  type StoredInstruction,
  scopeArgument,
} from "./integration-request.js";
import { resolveTenant, tenantArgument } from "./tenants.js";

/** A request's plan. */
export interface RequestPlan {
  readonly tenant: string | undefined;
  readonly scope: RequestScope;
  readonly instruction: StoredInstruction | undefined;
  /** The adapters the request gets a branch for, in order. */
  readonly adapterIds: readonly string[];
  /** Every adapter the tenant has (what `subject.ids` of its request may name). */
  readonly tenantAdapterIds: readonly string[];
}

/** The plan of a request with options `raw` for `subject`. */
export async function planRequest(
  ctx: EngineContext,
  raw: Record<string, unknown>,
  subject: Subject,
): Promise<RequestPlan> {
  const tenant = tenantArgument(raw.tenant, ctx.tenants);
  const scope = scopeArgument(raw.scope);
  const instruction = instructionArgument(raw.instruction, scope, subject, ctx.now());
  let adapters: ReadonlyMap<string, SubprocessorAdapter>;
  if (tenant !== undefined) adapters = await resolveTenant(ctx.tenants, tenant);
  else if (ctx.adapters.size > 0) adapters = ctx.adapters;
  else {
    throw new InvalidArgumentError("this fanout has tenants' adapters only: give { tenant }", {
      details: { argument: "tenant" },
    });
  }
  return {
    tenant,
    scope,
    instruction,
    adapterIds: [...adaptersInScope(adapters, scope).keys()],
    tenantAdapterIds: tenant === undefined ? [] : [...adapters.keys()],
  };
}

/** What the plan adds to the request's document (no personal data). */
export function planDoc(plan: RequestPlan): Record<string, unknown> {
  return {
    ...(plan.scope === "integration" ? { scope: plan.scope } : {}),
    ...(plan.instruction ? { instruction: plan.instruction } : {}),
  };
}

/**
 * Tenants (DESIGN §10.4): a SaaS whose customers each connect their own CRM files requests "for a
 * tenant" (`erase(subject, { tenant })`); `createFanout({ tenants })` builds that tenant's adapters,
 * with that tenant's credentials, each time one of its requests runs. The store keeps the tenant id
 * only — never a credential — and a request runs with the adapters of the tenant it was filed for
 * and no other: the worker resolves them from the tenant id on the request's own row, for that run
 * alone (nothing is cached across requests), so a worker serving many tenants cannot hand one
 * tenant's adapters to another's request. Rate-limit budgets follow each adapter's `rateLimitKey`,
 * which differs per credential, so every tenant has its own.
 *
 * When the resolver fails at run time the request waits and tries again (30 s, 2 min, 8 min), then
 * is parked `needs_attention` with `TENANT_UNAVAILABLE`; when it returns a set without one of the
 * request's adapters the request is parked with `TENANT_MISMATCH` at once. `retry()` resumes either.
 * Errors name the tenant and adapter ids, never a credential nor the resolver's own message.
 * @see docs/tenants.md
 */
import type { SubprocessorAdapter } from "../adapter.js";
import { FanoutError, InvalidArgumentError, isFanoutError } from "../errors.js";
import type { RequestRecord } from "../store/types.js";
import type { Subject } from "../subject.js";
import type { EngineContext } from "./context.js";
import { hashedIdempotencyKey, storedIdempotencyKey } from "./free-text.js";
import { resolveAdapters, resolvePolicies } from "./options.js";
import type { RetryOptions, TenantResolver } from "./types.js";

/** What a tenant id may look like: no `@` and no spaces, so it cannot be an email address or a name. */
export const TENANT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** Waits before the resolver is asked again after it failed at run time; then the request is parked. */
export const TENANT_RETRY_DELAYS_MS: readonly number[] = [30_000, 120_000, 480_000];

/** The `tenant` option of a request. */
export function tenantArgument(value: unknown, resolver: TenantResolver | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || !TENANT_ID_PATTERN.test(value)) {
    throw new InvalidArgumentError(
      "tenant must be 1 to 128 letters, digits, dots, colons, dashes or underscores, starting with a letter or digit",
      { details: { argument: "tenant" } },
    );
  }
  if (!resolver) {
    throw new InvalidArgumentError("a request for a tenant needs createFanout({ tenants })", {
      details: { argument: "tenant" },
    });
  }
  return value;
}

/**
 * The idempotency key a request is stored under: per tenant (`<key>/<tenant>`), so the same key
 * filed for several tenants makes one request each, listed together with
 * `list({ idempotencyKeyPrefix: "<key>/" })`. `storedKey` is the key as the engine keeps it (as
 * given, or its keyed hash `idk_…` when it holds an identifier: see free-text.ts); the tenant id
 * cannot hold one ({@link TENANT_ID_PATTERN}).
 */
export function tenantIdempotencyKey(
  storedKey: string | undefined,
  tenant: string | undefined,
): string | null {
  if (storedKey === undefined) return null;
  return tenant === undefined ? storedKey : `${storedKey}/${tenant}`;
}

/**
 * The stored prefixes that `list({ idempotencyKeyPrefix })` looks for. A key holding an identifier
 * is stored as its keyed hash, so it is found only through the whole key followed by `/` (its
 * tenants' requests): `<hash>/`. Whether a key was hashed can depend on the subject it was filed
 * for (its own provider ids count), so a prefix that looks clean without a subject is looked for
 * both as given and hashed. A prefix with an identifier in it that is not a whole key + `/` cannot
 * match anything stored: refused rather than answered with an empty page.
 */
export function storedKeyPrefixes(
  prefix: string,
  secret: string | Uint8Array,
  subject: Subject | undefined,
): readonly string[] {
  const whole = prefix.length > 1 && prefix.endsWith("/") ? prefix.slice(0, -1) : undefined;
  if (whole === undefined) {
    if (storedIdempotencyKey(prefix, secret, subject) === prefix) return [prefix];
    throw new InvalidArgumentError(
      "idempotencyKeyPrefix holds an identifier: keys like that are stored as their keyed hash, so list them by the whole key followed by /",
      { details: { argument: "idempotencyKeyPrefix" } },
    );
  }
  const stored = storedIdempotencyKey(whole, secret, subject);
  if (subject !== undefined || stored !== whole) return [`${stored}/`];
  return [prefix, `${hashedIdempotencyKey(whole, secret)}/`];
}

/** A tenant's adapters, checked. Throws `TENANT_UNAVAILABLE` (no credential, no resolver text). */
export async function resolveTenant(
  resolver: TenantResolver | undefined,
  tenant: string,
): Promise<Map<string, SubprocessorAdapter>> {
  if (!resolver) {
    throw new FanoutError(
      "TENANT_UNAVAILABLE",
      `Tenant "${tenant}": this fanout has no tenant resolver (createFanout({ tenants }))`,
      { retryable: false, details: { tenant } },
    );
  }
  let adapters: unknown;
  try {
    adapters = await resolver(tenant);
  } catch (error) {
    // The resolver's message may hold a token or a customer's details: only its kind is kept.
    const name = error instanceof Error ? error.name : typeof error;
    throw new FanoutError("TENANT_UNAVAILABLE", `Tenant "${tenant}": the tenant resolver failed (${name})`, {
      retryable: true,
      details: { tenant, ...(isFanoutError(error) ? { resolverCode: error.code } : {}) },
    });
  }
  try {
    return resolveAdapters(adapters);
  } catch (error) {
    const option = isFanoutError(error) ? String(error.details?.option ?? "adapters") : "adapters";
    throw new FanoutError(
      "TENANT_UNAVAILABLE",
      `Tenant "${tenant}": the tenant resolver did not return a list of valid adapters (${option})`,
      { retryable: false, details: { tenant, option } },
    );
  }
}

/** Retry policies for a tenant's adapters; per-adapter overrides for ids it lacks are ignored. */
export function tenantPolicies(
  adapters: ReadonlyMap<string, SubprocessorAdapter>,
  retry: RetryOptions | undefined,
): EngineContext["policies"] {
  if (!retry?.perAdapter) return resolvePolicies(adapters, retry);
  const perAdapter = Object.fromEntries(Object.entries(retry.perAdapter).filter(([id]) => adapters.has(id)));
  return resolvePolicies(adapters, { ...retry, perAdapter });
}

/**
 * The context a claimed request runs with: the fanout's own for a request without a tenant; for a
 * tenant's request, the adapters its tenant has now (resolved for this run only), limited to the
 * request's own branches. Throws `TENANT_UNAVAILABLE` or `TENANT_MISMATCH`.
 */
export async function runContext(ctx: EngineContext, record: RequestRecord): Promise<EngineContext> {
  if (record.tenant === null) return ctx;
  const tenant = record.tenant;
  const resolved = await resolveTenant(ctx.tenants, tenant);
  const wanted = record.doc.adapters;
  const integration = record.doc.scope === "integration";
  const missing = wanted.filter((id) => {
    const adapter = resolved.get(id);
    return !adapter || (integration && !Array.isArray(adapter.capabilities.integrationLookup));
  });
  if (missing.length > 0) {
    throw new FanoutError(
      "TENANT_MISMATCH",
      `Tenant "${tenant}" no longer has ${integration ? "integration-scope " : ""}adapter(s) ${missing.join(", ")} that request ${record.id} was filed with`,
      { retryable: false, details: { tenant, missing } },
    );
  }
  const adapters = new Map(wanted.map((id) => [id, resolved.get(id) as SubprocessorAdapter]));
  return { ...ctx, adapters, policies: tenantPolicies(adapters, ctx.retry) };
}

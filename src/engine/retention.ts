/**
 * Retention on a legal basis (Art. 17(3)(b) and (e)): the right to erasure does not apply to
 * records the controller must keep to comply with a legal obligation, such as invoices under tax
 * law. A rule names the adapter, the record types, the legal basis and how long:
 *
 * ```ts
 * createFanout({ retention: [{ adapter: "stripe", types: ["invoice", "charge"],
 *   basis: "NL AWR art. 52", for: "7 years", from: "year-end" }] })
 * ```
 *
 * How long each law asks is the adopter's to state (examples in docs/saga.md: 7 years in the
 * Netherlands, AWR art. 52; 8 in Germany, §147 AO and §14b UStG; 6 in the UK), never built in.
 *
 * What happens:
 * - the rules are resolved when the request is recorded (`erase(…, { retain })` overrides the
 *   fanout's rule for the same adapter and type) and kept with the request's legal facts;
 * - every adapter operation of the request gets `ctx.retain` (types, basis, `until`), so the
 *   adapter keeps those records and what an erasure would reach through them; refs of a retained
 *   type are not even passed to `delete` (the engine withholds them and reports them itself);
 * - `until` is the end of the rule's period counted from the branch's pivot (the day erasure
 *   began), or from the end of that calendar year with `from: "year-end"` (laws that count from
 *   the end of the fiscal year: a record can be no younger than the erasure, so that is never
 *   earlier than the law's own end);
 * - the commit that completes the request also creates, atomically, one follow-up erasure per
 *   distinct `until`: kind `erase`, limited to the retained records of those adapters (their
 *   record ids, no identifiers of the subject), waiting until `until`, with `ctx.retentionEnded`
 *   naming the types. It is an ordinary durable request: it survives restarts, shows in `list()`,
 *   obeys subject holds and signs its own receipt (retention-follow-up.ts builds it).
 */
import type { RecordRef, Residual, RetainedTypes, SubprocessorAdapter } from "../adapter.js";
import { ConfigurationError, InvalidArgumentError } from "../errors.js";
import type { BranchRecord, RequestRecord } from "../store/types.js";
import { endOfYear, formatPeriod, isZero, parsePeriod, periodEnd } from "./periods.js";
import type { FollowUp } from "./retention-follow-up.js";

/** A retention rule as given to `createFanout({ retention })` or `erase(…, { retain })`. */
export interface RetentionRule {
  /** The adapter id. */
  readonly adapter: string;
  /** Record types to keep (as in the adapter's `capabilities.retainable`). */
  readonly types: readonly string[];
  /** The legal basis, e.g. "NL AWR art. 52". Shown on the receipt: no personal data. */
  readonly basis: string;
  /** How long: a period such as `"7 years"`. */
  readonly for: string | number;
  /**
   * Count from the day erasure began (`"erasure"`, default) or from the end of that calendar year
   * (`"year-end"`, for laws that count from the end of the fiscal year).
   */
  readonly from?: "erasure" | "year-end";
}

/** A checked rule, as a request keeps it. */
export interface ResolvedRule {
  readonly adapter: string;
  readonly types: readonly string[];
  readonly basis: string;
  readonly for: string;
  readonly from: "erasure" | "year-end";
}

const TEXT = /^[^\p{Cc}]{1,200}$/u;
const KEYS = new Set(["adapter", "types", "basis", "for", "from"]);

/**
 * Checks rules against the adapters: each names a known adapter, types that adapter declares in
 * `capabilities.retainable`, a basis and a period. `where` names the option in errors;
 * `createFanout` rules fail with `CONFIGURATION`, a request's with `INVALID_ARGUMENT`.
 */
export function resolveRetention(
  value: unknown,
  adapters: ReadonlyMap<string, SubprocessorAdapter>,
  where: "retention" | "retain",
): ResolvedRule[] {
  const bad = (message: string, index?: number): Error => {
    const option = index === undefined ? where : `${where}[${index}]`;
    return where === "retention"
      ? new ConfigurationError(`createFanout: ${option} ${message}`, { option })
      : new InvalidArgumentError(`${option} ${message}`, { details: { argument: option } });
  };
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw bad("must be a list of { adapter, types, basis, for } rules");
  return value.map((raw, index): ResolvedRule => {
    const rule = raw as Partial<RetentionRule> | null;
    if (typeof rule !== "object" || rule === null || Array.isArray(rule))
      throw bad("must be an object { adapter, types, basis, for }", index);
    for (const key of Object.keys(rule)) if (!KEYS.has(key)) throw bad(`has an unknown key "${key}"`, index);
    const adapter = typeof rule.adapter === "string" ? adapters.get(rule.adapter) : undefined;
    if (!adapter) throw bad("names an adapter this fanout does not have", index);
    const retainable = adapter.capabilities.retainable ?? [];
    if (!Array.isArray(rule.types) || rule.types.length === 0)
      throw bad("needs types: the record types to keep", index);
    for (const type of rule.types) {
      if (typeof type !== "string" || !retainable.includes(type)) {
        throw bad(
          `names a type its adapter cannot keep: "${adapter.id}" cannot keep records of type ${JSON.stringify(String(type).slice(0, 40))} (its capabilities.retainable: ${retainable.join(", ") || "none"})`,
          index,
        );
      }
    }
    if (typeof rule.basis !== "string" || !TEXT.test(rule.basis.trim()))
      throw bad("needs a basis: the law that requires keeping the records (1 to 200 characters)", index);
    let period: ReturnType<typeof parsePeriod>;
    try {
      period = parsePeriod(rule.for, `${where}[${index}].for`);
    } catch (error) {
      throw bad(`has an unreadable for: ${(error as Error).message}`, index);
    }
    if (isZero(period)) throw bad("needs for: how long to keep the records", index);
    if (rule.from !== undefined && rule.from !== "erasure" && rule.from !== "year-end")
      throw bad('has from other than "erasure" or "year-end"', index);
    return {
      adapter: adapter.id,
      types: [...new Set(rule.types)],
      basis: rule.basis.trim(),
      for: formatPeriod(period),
      from: rule.from ?? "erasure",
    };
  });
}

/** The fanout's rules with a request's on top: a request's rule replaces them for its adapter and types. */
export function mergeRetention(
  global: readonly ResolvedRule[],
  request: readonly ResolvedRule[],
): ResolvedRule[] {
  const overridden = (adapter: string, type: string) =>
    request.some((r) => r.adapter === adapter && r.types.includes(type));
  const kept = global
    .map((g) => ({ ...g, types: g.types.filter((t) => !overridden(g.adapter, t)) }))
    .filter((g) => g.types.length > 0);
  return [...kept, ...request];
}

/** The rules a request keeps. */
export function requestRules(record: RequestRecord): ResolvedRule[] {
  const rules = record.legal.retain;
  return Array.isArray(rules) ? (rules as unknown as ResolvedRule[]) : [];
}

/** When a rule's retention ends for erasure that began at `start`: the first instant after the period. */
export function retentionUntil(rule: ResolvedRule, start: number, timeZone: string): number {
  const from = rule.from === "year-end" ? endOfYear(start, timeZone) : start;
  return periodEnd(from, parsePeriod(rule.for, "for"), timeZone) + 1;
}

/** When a branch's erasure began: its own pivot (a branch held past the request's), else the request's. */
function erasureStart(record: RequestRecord, branch: BranchRecord | undefined, now: number): number {
  const own = branch?.data.pivotAt;
  return typeof own === "number" ? own : (record.pivotAt ?? now);
}

/** `ctx.retain` for an operation of this branch, or `undefined` when nothing is kept. */
export function retainFor(
  record: RequestRecord,
  adapterId: string,
  branch: BranchRecord | undefined,
  now: number,
  timeZone: string,
): RetainedTypes[] | undefined {
  if (record.kind !== "erase") return undefined;
  const rules = requestRules(record).filter((r) => r.adapter === adapterId);
  if (rules.length === 0) return undefined;
  const start = erasureStart(record, branch, now);
  return rules.map((r) => ({
    types: r.types,
    basis: r.basis,
    until: new Date(retentionUntil(r, start, timeZone)).toISOString(),
  }));
}

/** `ctx.retentionEnded` for an operation of this branch (a follow-up erasure), or `undefined`. */
export function retentionEndedFor(record: RequestRecord, adapterId: string): string[] | undefined {
  const ended = record.legal.retentionEnded as Record<string, string[]> | undefined;
  const types = ended?.[adapterId];
  return Array.isArray(types) && types.length > 0 ? types : undefined;
}

/** Splits refs into those `delete` gets and those kept (a retained type), with residuals for the kept. */
export function withholdRetained(
  refs: readonly RecordRef[],
  retain: readonly RetainedTypes[] | undefined,
): { given: RecordRef[]; kept: RecordRef[]; residuals: Residual[] } {
  if (!retain || retain.length === 0) return { given: [...refs], kept: [], residuals: [] };
  const ruleOf = (type: string) => retain.find((r) => r.types.includes(type));
  const given = refs.filter((r) => !ruleOf(r.type));
  const kept = refs.filter((r) => ruleOf(r.type));
  const counts = new Map<string, number>();
  for (const r of kept) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
  const residuals = [...counts].map(([type, count]): Residual => {
    const rule = ruleOf(type)!;
    return {
      type,
      count,
      reason: "legal_retention",
      basis: rule.basis,
      until: rule.until,
      detail: `${count} ${type} record(s) kept on a legal basis (${rule.basis}) until ${rule.until.slice(0, 10)}`,
    };
  });
  return { given, kept, residuals };
}

/** The refs a branch's delete was given: its refs without those withheld as retained (for `status`). */
export function deletedRefs(branch: BranchRecord): RecordRef[] {
  const refs = Array.isArray(branch.data.refs) ? (branch.data.refs as unknown as RecordRef[]) : [];
  const withheld = Array.isArray(branch.data.withheld)
    ? (branch.data.withheld as unknown as RecordRef[])
    : [];
  if (withheld.length === 0) return refs;
  const key = (r: RecordRef) => `${r.type}\u0000${r.scope ?? ""}\u0000${r.id}`;
  const kept = new Set(withheld.map(key));
  return refs.filter((r) => !kept.has(key(r)));
}

/** What a branch keeps on a legal basis: its `legal_retention` residuals that have an end. */
export function retainedOf(residuals: readonly Residual[]): Residual[] {
  return residuals.filter((r) => r.reason === "legal_retention" && typeof r.until === "string");
}

/** The follow-ups a completed request scheduled (kept in its document). */
export function followUpsOf(record: RequestRecord): FollowUp[] {
  const list = record.doc.followUps;
  return Array.isArray(list) ? (list as FollowUp[]) : [];
}

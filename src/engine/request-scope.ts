/**
 * The adapters one request runs on. By default every adapter of the fanout; `erase(subject, {
 * adapters })` limits it to some. A retention sweep files each expired record's erasure with the
 * one adapter that holds it: its subject is that record's id and nothing else, so the other
 * adapters could not search and would only add `NO_USABLE_IDENTIFIER` branches to every receipt.
 */
import type { SubprocessorAdapter } from "../adapter.js";
import { InvalidArgumentError } from "../errors.js";
import { mergeRetention, type ResolvedRule, resolveRetention } from "./retention.js";

/**
 * The adapter ids a request covers, in the order of `available` (the fanout's adapters, or a
 * tenant's in the request's scope); throws `INVALID_ARGUMENT` for a bad list.
 */
export function requestAdapters(value: unknown, available: readonly string[]): string[] {
  if (value === undefined) return [...available];
  const fail = (problem: string): never => {
    throw new InvalidArgumentError(`adapters ${problem}`, { details: { argument: "adapters" } });
  };
  if (!Array.isArray(value) || value.length === 0) fail("must be a non-empty list of adapter ids");
  const wanted = new Set<string>();
  for (const id of value as unknown[]) {
    if (typeof id !== "string" || !available.includes(id)) {
      fail(`names an adapter this request cannot use (it can use: ${available.join(", ")})`);
    }
    if (wanted.has(id as string)) fail("lists an adapter twice");
    wanted.add(id as string);
  }
  return available.filter((id) => wanted.has(id));
}

/**
 * The retention rules a request keeps: the fanout's, with the request's own (`erase(…, { retain })`)
 * on top, for the adapters the request covers. A fanout rule for an adapter outside the scope has
 * nothing to keep and is left out (it would only put another provider's retention on the receipt);
 * a request rule naming one is a mistake and refused.
 */
export function requestRetention(
  fanoutRules: readonly ResolvedRule[],
  value: unknown,
  adapters: ReadonlyMap<string, SubprocessorAdapter>,
  scope: readonly string[],
): ResolvedRule[] {
  const own = resolveRetention(value, adapters, "retain");
  own.forEach((rule, index) => {
    if (!scope.includes(rule.adapter)) {
      throw new InvalidArgumentError(`retain[${index}] names an adapter outside the request's adapters`, {
        details: { argument: `retain[${index}]` },
      });
    }
  });
  return mergeRetention(fanoutRules, own).filter((rule) => scope.includes(rule.adapter));
}

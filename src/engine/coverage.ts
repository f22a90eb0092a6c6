/**
 * Coverage: what a branch actually searched. The engine never lets a branch claim `not_found`
 * when nothing was searched: a subject with none of the identifier kinds an adapter can look up
 * (`capabilities.lookup`, and no `ids` for it) ends `manual_required` with `NO_USABLE_IDENTIFIER`
 * before the adapter is called, and a locate that reports it searched by nothing ends the same way.
 */
import type { Coverage, IdentifierKind, RequestScope, SubprocessorAdapter } from "../adapter.js";
import { FanoutError } from "../errors.js";
import type { Subject } from "../subject.js";

/** Reason code of a branch that could not search: the subject has no identifier the adapter uses. */
export const NO_USABLE_IDENTIFIER = "NO_USABLE_IDENTIFIER";

const KINDS: readonly IdentifierKind[] = ["email", "phone", "id"];

/** The identifier kinds the subject has for this adapter (`id` only when it has ids for it). */
export function subjectKinds(subject: Subject, adapterId: string): IdentifierKind[] {
  const kinds: IdentifierKind[] = [];
  if (subject.email) kinds.push("email");
  if (subject.phone) kinds.push("phone");
  if ((subject.ids[adapterId]?.length ?? 0) > 0) kinds.push("id");
  return kinds;
}

/** The kinds an adapter looks things up by in a scope (integration scope: `integrationLookup`). */
function lookupKinds(adapter: SubprocessorAdapter, scope: RequestScope): readonly IdentifierKind[] {
  return scope === "integration"
    ? (adapter.capabilities.integrationLookup ?? [])
    : adapter.capabilities.lookup;
}

/** The kinds the adapter can search this subject by; empty when it cannot search at all. */
export function usableKinds(
  subject: Subject,
  adapter: SubprocessorAdapter,
  scope: RequestScope = "subject",
): IdentifierKind[] {
  const lookup = new Set(lookupKinds(adapter, scope));
  return subjectKinds(subject, adapter.id).filter((k) => lookup.has(k));
}

/** The sentence of a `NO_USABLE_IDENTIFIER` outcome: the kinds the adapter needs, never values. */
export function noIdentifierDetail(adapter: SubprocessorAdapter, scope: RequestScope = "subject"): string {
  const integration = scope === "integration";
  const kinds = lookupKinds(adapter, scope).map((k) =>
    k === "id" ? `a ${adapter.id} record id` : k === "email" ? "an email" : "a phone number",
  );
  const needs = kinds.length > 0 ? kinds.join(" or ") : "an identifier";
  return integration
    ? `Not searched: ${adapter.id} can find what the integration wrote only by ${needs}, and the request gave none`
    : `Not searched: ${adapter.id} can look a person up only by ${needs}, and the request gave none`;
}

/** Checks an adapter's reported coverage; `undefined` when it reported none. */
export function validateCoverage(value: unknown, adapter: string): Coverage | undefined {
  if (value === undefined) return undefined;
  const c = value as Partial<Coverage> | null;
  const kindsOk =
    Array.isArray(c?.searchedBy) && c.searchedBy.every((k) => KINDS.includes(k as IdentifierKind));
  const typesOk =
    Array.isArray(c?.types) && c.types.every((t) => typeof t === "string" && t.length > 0 && t.length <= 64);
  if (!c || !kindsOk || !typesOk) {
    throw new FanoutError("STEP_FAILED", `Adapter "${adapter}" returned a malformed coverage`, {
      retryable: false,
      provider: adapter,
    });
  }
  return { searchedBy: [...new Set(c.searchedBy)], types: [...new Set(c.types)] };
}

/** Two locates' coverage together (relocate after the wait adds to what locate searched). */
export function mergeCoverage(a: Coverage | undefined, b: Coverage | undefined): Coverage | undefined {
  if (!a) return b;
  if (!b) return a;
  return {
    searchedBy: KINDS.filter((k) => a.searchedBy.includes(k) || b.searchedBy.includes(k)),
    types: [...new Set([...a.types, ...b.types])],
  };
}

/** Coverage as status and receipts show it: what was searched, and what the subject had but was not. */
export interface CoverageView {
  readonly searchedBy: readonly IdentifierKind[];
  /** Identifier kinds the request gave that this branch did not search by. */
  readonly notSearched: readonly IdentifierKind[];
  readonly types: readonly string[];
}

/** The view of a stored coverage; `null` when the adapter did not report one. */
export function coverageView(
  stored: unknown,
  given: readonly IdentifierKind[] | undefined,
): CoverageView | null {
  const c = stored as Coverage | undefined | null;
  if (!c || !Array.isArray(c.searchedBy)) return null;
  return {
    searchedBy: [...c.searchedBy],
    notSearched: (given ?? []).filter((k) => !c.searchedBy.includes(k)),
    types: [...(c.types ?? [])],
  };
}

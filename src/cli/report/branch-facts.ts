/**
 * The "truthful receipts" facts of a branch (coverage, residuals, reason code, restriction, purge,
 * what a compensation could not undo), read from `status()` and tolerant of their absence: a
 * request recorded before the engine kept them, or an engine that does not report them yet, reads
 * as "not recorded" — never as "nothing".
 */
import type { BranchStatus } from "../../engine/types.js";

export type IdentifierKind = "email" | "phone" | "id";

export interface ResidualFact {
  readonly type: string;
  readonly count: number;
  readonly reason: string;
  readonly detail: string;
  readonly until?: string;
  readonly basis?: string;
}

export interface CoverageFact {
  readonly searchedBy: readonly IdentifierKind[];
  readonly notSearched: readonly IdentifierKind[];
  readonly types: readonly string[];
}

export interface RestrictionFact {
  readonly state: string;
  readonly count: number;
  readonly expiresAt: string | null;
  readonly renewals: number;
}

export interface PurgeFact {
  readonly state: string;
  readonly dueBy: string;
  readonly verifiedAt: string | null;
}

/** A branch's facts; `undefined` = the status does not carry the field (not recorded). */
export interface BranchFacts {
  /** `null`: the adapter did not report its coverage. */
  readonly coverage: CoverageFact | null | undefined;
  readonly residuals: readonly ResidualFact[] | undefined;
  readonly reasonCode: string | null | undefined;
  readonly restriction: RestrictionFact | undefined;
  readonly purge: PurgeFact | null | undefined;
  readonly notUndone: readonly ResidualFact[];
}

type WithFacts = BranchStatus & {
  readonly coverage?: CoverageFact | null;
  readonly residuals?: readonly ResidualFact[];
  readonly reasonCode?: string | null;
  readonly restriction?: RestrictionFact;
  readonly purge?: PurgeFact | null;
};

export function branchFacts(b: BranchStatus): BranchFacts {
  const f = b as WithFacts;
  const compensation = b.compensation as
    | (BranchStatus["compensation"] & { notUndone?: ResidualFact[] })
    | null;
  return {
    coverage: f.coverage,
    residuals: Array.isArray(f.residuals) ? f.residuals : undefined,
    reasonCode: f.reasonCode,
    restriction: f.restriction && typeof f.restriction === "object" ? f.restriction : undefined,
    purge: f.purge,
    notUndone: Array.isArray(compensation?.notUndone) ? compensation.notUndone : [],
  };
}

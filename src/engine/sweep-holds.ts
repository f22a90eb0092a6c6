/**
 * Subject holds in a sweep. A hold is placed on a person, usually by email (a police or court
 * request names the person, not a CRM record id), and is stored under that email's fingerprint; a
 * sweep files its erasure for the record id alone, whose fingerprint is another. So before filing,
 * the sweep matches the active holds against every identifier it has for the candidate: the
 * record id, and the email addresses and phone numbers the adapter's listing reported
 * (`ExpiredRecord.email` / `phone`), each on its own and under every secret of the fanout.
 *
 * - A held candidate is not filed (`held` in the counts); it is still expired when the hold is
 *   released, so a later sweep files it.
 * - A candidate without a usable email or phone can only be matched by its id (`unchecked` in the
 *   counts): a hold placed by email cannot reach it. docs/sweeps.md says which adapters report them.
 * - The identifiers stay in memory: they are never stored, logged, put in an event or an error,
 *   nor added to the filed request (locating by email could reach the person's other records).
 * - The holds are read once per batch, so a hold placed during a sweep applies from the next
 *   batch; a hold placed after a candidate was filed is matched by its id only (its request's
 *   fingerprint), like any request filed by id.
 */
import type { ExpiredRecord } from "../adapter.js";
import type { HoldRecord } from "../store/types.js";
import { normalizeSubject } from "../subject.js";
import type { EngineContext } from "./context.js";
import { subjectFingerprints } from "./subject-holds.js";

/** What the check says about one candidate. */
export interface CandidateHoldCheck {
  /** An active hold covering the adapter matches one of its identifiers: do not file. */
  readonly held: boolean;
  /** No email or phone could be checked: only a hold by its id would have matched. */
  readonly unchecked: boolean;
}

const list = (value: string | readonly string[] | undefined): readonly string[] =>
  value === undefined ? [] : typeof value === "string" ? [value] : value;

/** The subject's fingerprints under every secret, or none when the value is not usable. */
function fingerprintsOfInput(ctx: EngineContext, input: Record<string, unknown>): string[] {
  try {
    return subjectFingerprints(ctx, normalizeSubject(input, { defaultCallingCode: ctx.defaultCallingCode }));
  } catch {
    return []; // a value we cannot normalise is one we cannot match (and is never echoed)
  }
}

/** The active holds covering one adapter, read once per batch, matched per candidate. */
export class SweepHoldCheck {
  private constructor(
    private readonly ctx: EngineContext,
    private readonly held: ReadonlySet<string>,
  ) {}

  /** Reads the active holds that cover `adapterId` (a hold without adapters covers all). */
  static async load(ctx: EngineContext, adapterId: string): Promise<SweepHoldCheck> {
    const holds: HoldRecord[] = await ctx.store.listHolds({ active: true });
    const covering = holds.filter((h) => h.adapters === null || h.adapters.includes(adapterId));
    return new SweepHoldCheck(ctx, new Set(covering.map((h) => h.fingerprint)));
  }

  check(adapterId: string, candidate: ExpiredRecord): CandidateHoldCheck {
    const { ctx } = this;
    const identifiers = [
      ...list(candidate.email).map((email) => fingerprintsOfInput(ctx, { email })),
      ...list(candidate.phone).map((phone) => fingerprintsOfInput(ctx, { phone })),
    ].filter((fps) => fps.length > 0);
    const unchecked = identifiers.length === 0;
    if (this.held.size === 0) return { held: false, unchecked };
    const byId = fingerprintsOfInput(ctx, { ids: { [adapterId]: candidate.id } });
    const held = [byId, ...identifiers].some((fps) => fps.some((f) => this.held.has(f)));
    return { held, unchecked };
  }
}

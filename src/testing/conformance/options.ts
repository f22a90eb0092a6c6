/**
 * Options and case names of {@link runAdapterConformance}.
 */
import type { SubprocessorAdapter } from "../../adapter.js";
import type { SimSubject, SimulatorFactory } from "../simulator.js";

/** Every case of the adapter conformance suite, by the name used in `skip`. */
// Stryker disable StringLiteral: the descriptions are test titles, read by people (the names are
// checked through `skip` and the cases' registration).
export const CONFORMANCE_CASES = {
  "locate-email": "locate finds every record of the subject by email",
  "locate-ids": "locate trusts the ids given in subject.ids",
  "locate-phone": "locate finds the subject's records by phone alone (when lookup includes phone)",
  "export-pages": "locate and export page through every list (>= 3 pages) and match the oracle",
  "unknown-subject": "an unknown subject locates no refs and exports nothing, without error",
  "delete-verified": "delete is verified by the oracle and by status",
  "delete-idempotent": "a second delete succeeds and applies nothing twice",
  "rate-limited": "429 is RATE_LIMITED, retryable, with retryAfterMs from the provider's headers",
  "server-error": "5xx is PROVIDER_UNAVAILABLE and retryable",
  authentication: "401 is AUTHENTICATION and not retryable",
  "permission-denied": "403 is PERMISSION_DENIED and not retryable",
  validation: "400 and 422 are VALIDATION and not retryable",
  "malformed-json": "a malformed JSON body is a retryable error",
  "abort-pagination": "aborting mid-pagination sends no further request",
  "no-leaks": "no error carries a credential or a subject identifier",
  "restrict-roundtrip": "restrict is seen by the oracle and unrestrict restores the original state",
  "restrict-twice": "restrict run twice for one request is still fully undone",
  "unrestrict-without-undo": "unrestrict without a recorded undo restores the original state",
  "resume-after-reset": "a delete interrupted by a connection reset resumes and applies nothing twice",
  "delete-not-taken": "a delete that did not take at the provider makes status report remaining",
  "status-reflects-oracle":
    "status counts no more than the provider still holds, and done only once it holds nothing",
  residuals: "residuals of a delete or status are well-formed: known reason, count > 0, no personal data",
} as const;
// Stryker restore StringLiteral

/** A case name of the suite. */
export type ConformanceCase = keyof typeof CONFORMANCE_CASES;

/** Options of {@link runAdapterConformance}. */
export interface AdapterConformanceOptions {
  /** The provider's simulator. */
  simulator: SimulatorFactory;
  /** Builds the adapter under test from the simulator's adapter options. @default simulator.createAdapter */
  adapter?: (options: Record<string, unknown>) => SubprocessorAdapter;
  /** Transports to run the suite over. @default ["http", "nock"] */
  transports?: readonly ("http" | "nock")[];
  /**
   * Cases not to run, each with a written reason (an empty reason is an error):
   * `skip: { "abort-pagination": "the SDK sends all pages in one call" }`.
   */
  skip?: Partial<Record<ConformanceCase, string>>;
  /** Simulator page size. @default 2 */
  pageSize?: number;
  /** Records of each kind seeded per subject. @default 2 * pageSize + 1 (three pages) */
  records?: number;
  /** Time scale of the simulators (rate windows, job delays). @default 0.01 */
  timeScale?: number;
  /** How long to poll `status` after a delete before failing, in ms. @default 10000 */
  verifyTimeoutMs?: number;
  /**
   * Restricts fault injection (error classification cases) to requests matching this, e.g. to
   * skip an OAuth token request: `{ path: /^\/crm\// }`.
   */
  injectMatch?: { readonly method?: string; readonly path?: string | RegExp };
  /**
   * A folder under `GDPR_FANOUT_SPECS_DIR` holding the provider's OpenAPI files (`"hubspot"`):
   * every call of the run must match one of its operations. Skipped, saying why, when the
   * variable is unset.
   */
  specs?: string;
  /** Builds the n-th subject of a run (unique per case). @default `conformance-<transport>-<n>@example.test` */
  subject?: (n: number, transport: string) => SimSubject;
  /** Name of the top-level `describe`. @default `adapter conformance: <simulator id>` */
  name?: string;
}

/** Checks `skip`: every key a known case, every reason written. */
export function validateSkips(skip: AdapterConformanceOptions["skip"]): void {
  for (const [name, reason] of Object.entries(skip ?? {})) {
    if (!(name in CONFORMANCE_CASES)) {
      throw new Error(`runAdapterConformance: skip names an unknown case "${name}"`);
    }
    if (typeof reason !== "string" || reason.trim().length < 3) {
      throw new Error(`runAdapterConformance: skip.${name} needs a written reason`);
    }
  }
}

/**
 * Redaction jobs of other requests over the subject's objects, found through the records other
 * requests left on the subject's documents (redaction-marker.ts).
 *
 * Why they matter: a job holds its objects until it ends, and a second job over one of them fails
 * validation with `locked_by_other_job`, "The object is currently used in another redaction job.
 * Cancel the other job to resolve this error"
 * (https://docs.stripe.com/api/privacy/redaction-job-validation-error/object). Such a job is left
 * behind, for instance, by an erasure whose customer delete did not take: its `status` reported the
 * live customer and its job, `ready`, was never run. [U] Stripe documents no expiry of a `ready`
 * job, nor in which statuses a job holds its objects; the adapter assumes: until it ends.
 *
 * What this request does with each one:
 * - started (`redacting`, `succeeded`): it counts as covering its objects (it cannot be cancelled).
 * - every object of it is one of this subject's customers or documents: adopted, counted as
 *   covering them; `delete` runs it once `ready` (validates it again when `failed`), as it would
 *   its own. It redacts nothing this request was not going to redact, and two requests adopting
 *   each other's jobs converge instead of cancelling each other's in turn.
 * - it also reaches objects that are not this subject's: not this request's to run. `delete`
 *   cancels it, as Stripe's error says, and plans its own; `restrict` (before the pivot) leaves
 *   it alone, and a job of its own over the same objects fails validation until `delete`.
 * - it reaches none of the subject's objects, or has ended: ignored.
 */
import type { OperationContext } from "../../src/adapter.js";
import { isResourceMissing, type StripeApi } from "./api.js";
import type { Holding } from "./documents.js";
import { getRedactionJob, JOB_KINDS, type RedactionJobView } from "./redaction.js";
import { foreignJobIds } from "./redaction-marker.js";
import { coveredBy } from "./redaction-plan.js";

const ENDED = new Set(["canceled", "canceling"]);
const STARTED = new Set(["redacting", "succeeded"]);

/** Other requests' jobs over the subject's objects: those to count as covering, those to cancel. */
export interface ForeignJobs {
  readonly adopted: readonly RedactionJobView[];
  readonly conflicting: readonly RedactionJobView[];
}

/** The ids of the subject's customers and documents. */
function subjectObjects(holdings: readonly Holding[]): Set<string> {
  const ids = new Set<string>();
  for (const h of holdings) {
    ids.add(h.customer);
    for (const d of h.documents) ids.add(d.id);
  }
  return ids;
}

export async function foreignJobs(
  api: StripeApi,
  ctx: OperationContext,
  holdings: readonly Holding[],
): Promise<ForeignJobs> {
  const ours = subjectObjects(holdings);
  const adopted: RedactionJobView[] = [];
  const conflicting: RedactionJobView[] = [];
  for (const id of foreignJobIds(holdings, ctx.requestId)) {
    let job: RedactionJobView;
    try {
      job = await getRedactionJob(api, ctx, id);
    } catch (error) {
      // A record naming a job Stripe does not know holds nothing.
      if (isResourceMissing(error)) continue;
      throw error;
    }
    if (ENDED.has(job.status)) continue;
    const { objects } = job;
    if (objects === undefined) {
      // Objects not shown (they are expandable): what it holds is unknown, so it is not run or
      // cancelled; a job of this request over the same objects fails validation and says so.
      if (STARTED.has(job.status)) adopted.push(job);
      continue;
    }
    const reach = coveredBy([job], holdings).ids;
    if (![...reach].some((o) => ours.has(o))) continue;
    const ownedBySubject = JOB_KINDS.every((kind) => objects[kind].every((o) => ours.has(o)));
    if (STARTED.has(job.status) || ownedBySubject) adopted.push(job);
    else conflicting.push(job);
  }
  return { adopted, conflicting };
}

/**
 * What Postmark keeps by design after a data removal, as residuals: bounce records (kept with the
 * message activity until the account's retention period ends) and the compliance suppressions
 * (`HardBounce`, `SpamComplaint`) that stop mail to the address.
 *
 * Sources (read 2026):
 * - support article 838 "How long are Inbound and Outbound messages stored in activity?": content,
 *   events and metadata of every message are kept 45 days by default (7–365 days with the Retention
 *   add-on), "This includes bounce and spam complaints"; historical hard bounces and spam complaints
 *   stay in the Suppressions of each message stream.
 * - support article 1289 (Retention add-on): when a message expires "all activity data and message
 *   content will be queued for deletion, including bounce and spam complaints".
 * - postmarkapp.com/updates/upcoming-changes-to-bounce-message-retention: bounces used to be kept up
 *   to 1 year; since that change they are deleted 45 days (the retention period) after they arrive.
 *   The "bounces 1 year" still quoted in some subprocessor lists is the old policy.
 * - The Data Removal API does not say what a removal erases, so these are reported from what the
 *   API still shows after the removal is `Done`, never assumed gone.
 */
import type { RecordRef, Residual } from "../../src/adapter.js";
import { type ServerFindings, TYPES } from "./mapping.js";

const DAY_MS = 86_400_000;

/** Suppression reasons Postmark adds itself (a recipient's bounce or complaint), not the customer. */
const COMPLIANCE_REASONS = new Set(["HardBounce", "SpamComplaint"]);

function bounceResidual(count: number, until: number, retentionDays: number): Residual {
  return {
    type: TYPES.bounce,
    count,
    reason: "provider_retains",
    detail:
      `Postmark keeps ${count} bounce record(s) of the address with its message activity until the ` +
      `account's retention period (${retentionDays} days) ends; no API call deletes a bounce`,
    until: new Date(until).toISOString(),
  };
}

/**
 * The bounces a delete leaves, as far as it can tell before the removal ran: every bounce ref,
 * kept at the latest until `retentionDays` from now (an upper bound: older bounces go sooner).
 * `status` replaces it with what is actually left once the removal is `Done`.
 */
export function bouncesAfterDelete(
  refs: readonly RecordRef[],
  now: number,
  retentionDays: number,
): Residual[] {
  const count = refs.filter((r) => r.type === TYPES.bounce).length;
  return count === 0 ? [] : [bounceResidual(count, now + retentionDays * DAY_MS, retentionDays)];
}

/**
 * Splits what is still found after a completed removal into what should be gone (messages, manual
 * suppressions: counted as remaining) and what Postmark keeps by design (residuals).
 */
export function afterRemoval(
  findings: readonly ServerFindings[],
  retentionDays: number,
  now: number,
): { remaining: number; residual: Residual[] } {
  let remaining = 0;
  let bounces = 0;
  let latestBounce = Number.NEGATIVE_INFINITY;
  let compliance = 0;
  for (const server of findings) {
    let b = 0;
    for (const ref of server.refs) {
      if (ref.type === TYPES.bounce) {
        const at = server.bouncedAt[b++];
        bounces++;
        // A bounce without a readable date expires at the latest a full retention period from now.
        latestBounce = Math.max(latestBounce, at !== undefined && Number.isFinite(at) ? at : now);
      } else if (
        ref.type === TYPES.suppression &&
        COMPLIANCE_REASONS.has(server.suppressionReasons.get(ref.id) ?? "")
      ) {
        compliance++;
      } else {
        remaining++;
      }
    }
  }
  const residual: Residual[] = [];
  if (bounces > 0)
    residual.push(bounceResidual(bounces, latestBounce + retentionDays * DAY_MS, retentionDays));
  if (compliance > 0) {
    residual.push({
      type: TYPES.suppression,
      count: compliance,
      reason: "provider_retains",
      detail:
        `Postmark keeps ${compliance} hard-bounce or spam-complaint suppression(s) of the address so that ` +
        "no mail is sent to it again; they have no documented expiry (removing one would re-enable sending)",
    });
  }
  return { remaining, residual };
}

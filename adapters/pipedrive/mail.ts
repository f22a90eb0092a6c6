/**
 * Mail threads linked to the subject's persons: found through the persons' mail messages
 * (`GET /v1/persons/{id}/mailMessages`, each message names its `mail_thread_id` and `user_id`),
 * deleted with the token of the user whose mailbox they belong to
 * (`DELETE /v1/mailbox/mailThreads/{id}`, which "marks a mail thread as deleted"), and checked
 * again by id (`GET /v1/mailbox/mailThreads/{id}`: `deleted_flag`).
 *
 * Pipedrive keeps one mail connection per user; an admin's token is not documented to act on
 * another user's mailbox, so threads of users without a configured token are reported as
 * `not_covered`. What "marked as deleted" keeps, for how long, and whether 2-way sync also deletes
 * the mail in the user's own mailbox, Pipedrive does not document: deleted threads are reported as
 * `provider_retains`.
 *
 * @see https://developers.pipedrive.com/docs/api/v1/Mailbox
 */
import type { Residual } from "../../src/adapter.js";
import type { PipedriveCredential, PipedriveObject, PipedriveSession } from "./api.js";
import { GONE } from "./collect.js";
import { credentialOf, type UserCoverage } from "./users.js";

/** A mail thread and the user whose mailbox holds it. */
export interface MailThread {
  readonly id: number;
  readonly userId: number | undefined;
}

/** The distinct threads of `/v1/persons/{id}/mailMessages` items (`{object, timestamp, data}`). */
export function threadsOf(messages: readonly PipedriveObject[]): MailThread[] {
  const threads = new Map<number, MailThread>();
  for (const message of messages) {
    const data = message.data as { mail_thread_id?: unknown; user_id?: unknown } | null | undefined;
    const id = data?.mail_thread_id;
    if (typeof id !== "number" || threads.has(id)) continue;
    threads.set(id, { id, userId: typeof data?.user_id === "number" ? data.user_id : undefined });
  }
  return [...threads.values()];
}

/** What deleting the threads did: `[thread id, credential index]` of those marked deleted. */
export interface MailErasure {
  readonly deleted: [number, number][];
  /** Threads of users whose token is not configured. */
  readonly uncovered: number;
}

/** Deletes each thread with its user's token; a thread already gone counts as deleted. */
export async function eraseMailThreads(
  session: PipedriveSession,
  credentials: readonly PipedriveCredential[],
  coverage: UserCoverage,
  threads: readonly MailThread[],
): Promise<MailErasure> {
  const deleted: [number, number][] = [];
  let uncovered = 0;
  for (const thread of threads) {
    const index = credentialOf(coverage, thread.userId);
    const credential = index === undefined ? undefined : credentials[index];
    if (index === undefined || credential === undefined) {
      uncovered += 1;
      continue;
    }
    await session.call(
      "mailThreads.delete",
      () => session.as(credential).mailbox.deleteMailThread({ id: thread.id }),
      GONE,
    );
    deleted.push([thread.id, index]);
  }
  return { deleted, uncovered };
}

/** How many of the deleted threads still read as live (not gone, `deleted_flag` not set). */
export async function liveMailThreads(
  session: PipedriveSession,
  credentials: readonly PipedriveCredential[],
  deleted: readonly [number, number][],
): Promise<number> {
  let live = 0;
  for (const [id, index] of deleted) {
    const credential = credentials[index];
    if (credential === undefined) continue;
    const body = await session.envelope(
      "mailThreads.get",
      () => session.as(credential).mailbox.getMailThread({ id }),
      GONE,
    );
    const flag = (body?.data as { deleted_flag?: unknown } | null | undefined)?.deleted_flag;
    if (body !== undefined && flag !== 1 && flag !== true) live += 1;
  }
  return live;
}

/** The residuals of mail: threads marked deleted, and threads no configured token could reach. */
export function mailResiduals(erasure: MailErasure): Residual[] {
  const out: Residual[] = [];
  const marked = erasure.deleted.length;
  if (marked > 0) {
    out.push({
      type: "mail_thread",
      count: marked,
      reason: "provider_retains",
      detail: `${marked} mail ${marked === 1 ? "thread" : "threads"} marked deleted in Pipedrive; how long Pipedrive keeps deleted mail, and whether the users' own mailboxes keep a copy, is not documented`,
    });
  }
  if (erasure.uncovered > 0) {
    const n = erasure.uncovered;
    out.push({
      type: "mail_thread",
      count: n,
      reason: "not_covered",
      detail: `${n} mail ${n === 1 ? "thread" : "threads"} in the mailboxes of users whose API tokens are not configured could not be deleted`,
    });
  }
  return out;
}

/**
 * Pipedrive API v1 mail endpoints the simulator serves: a person's mail messages and the mailbox's
 * threads (read and delete).
 *
 * @see https://developers.pipedrive.com/docs/api/v1/Mailbox
 */
import type { SimMailThread } from "./records.js";
import { pipedriveError, v1Ok, v1Page } from "./responses.js";
import { intParam, isResponse, personOr404, type Route, type RouteContext } from "./route-kit.js";

/** The thread `id` as its user may see it; a 404 or 403 response otherwise. */
function ownThread(ctx: RouteContext): SimMailThread | ReturnType<typeof pipedriveError> {
  const id = intParam(ctx.params[0]);
  const thread = id === undefined ? undefined : ctx.state.mailThreads.get(id);
  if (thread === undefined) return pipedriveError(404, "Mail thread not found");
  // ASSUMPTION [U]: a thread belongs to the mailbox of one user (Pipedrive keeps one mail connection
  // per user, documented); another user's token, even an admin's, gets 403 on it.
  if (thread.user_id !== ctx.user.id) return pipedriveError(403);
  return thread;
}

export const MAIL_ROUTES: readonly Route[] = [
  {
    method: "GET",
    pattern: /^\/v1\/persons\/(\d+)\/mailMessages$/,
    list: true,
    handle: (ctx) => {
      const person = personOr404(ctx);
      if (isResponse(person)) return person;
      // ASSUMPTION [U]: any user of the company sees every message linked to the person; messages
      // of threads marked deleted are no longer listed.
      const items = Array.from(ctx.state.mail.values())
        .filter(
          (m) => m.person_id === person.id && ctx.state.mailThreads.get(m.thread_id)?.deletedAt === undefined,
        )
        .map((m) => ({
          object: "mailMessage",
          timestamp: m.message_time,
          data: {
            id: m.id,
            mail_thread_id: m.thread_id,
            subject: m.subject,
            snippet: m.snippet,
            from: [{ email_address: m.from_email, linked_person_id: null }],
            to: [{ email_address: m.to_email, linked_person_id: person.id }],
            user_id: m.user_id,
            message_time: m.message_time,
            deleted_flag: 0,
          },
        }));
      return v1Page(items, ctx.request.query, ctx.env.pageSize);
    },
  },
  {
    method: "GET",
    pattern: /^\/v1\/mailbox\/mailThreads\/(\d+)$/,
    handle: (ctx) => {
      const thread = ownThread(ctx);
      if (isResponse(thread)) return thread;
      const messages = Array.from(ctx.state.mail.values()).filter((m) => m.thread_id === thread.id);
      // ASSUMPTION [U]: a thread marked deleted still reads, with `deleted_flag: 1`, until purged.
      return v1Ok({
        id: thread.id,
        user_id: thread.user_id,
        subject: thread.subject,
        snippet: messages[0]?.snippet ?? "",
        read_flag: 1,
        deleted_flag: thread.deletedAt === undefined ? 0 : 1,
        message_count: messages.length,
        shared_flag: 0,
        archived_flag: 0,
      });
    },
  },
  {
    method: "DELETE",
    pattern: /^\/v1\/mailbox\/mailThreads\/(\d+)$/,
    handle: (ctx) => {
      const thread = ownThread(ctx);
      if (isResponse(thread)) return thread;
      // "Marks a mail thread as deleted" [V: SDK mailbox-api.d.ts].
      // ASSUMPTION [U]: deleting it again answers 410, like the other deleted records.
      if (thread.deletedAt !== undefined) return pipedriveError(410, "Mail thread is already deleted");
      thread.deletedAt = ctx.env.now();
      ctx.state.destroyed(`mail_thread:${thread.id}`);
      return v1Ok({ id: thread.id });
    },
  },
];

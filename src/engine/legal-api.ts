/**
 * The fanout's methods for the law's own mechanics: `restrict`/`lift` (Art. 18), `extend`
 * (Art. 12(3)), `expedite` (a closure becomes a subject request), and `holdSubject`/`releaseHold`/
 * `holds` (holds by subject). Arguments are checked at the call (a bad one throws and records
 * nothing); the changes themselves are control-plane writes, applied by the store in one
 * transaction and audited. The rules live in extension.ts, restriction-requests.ts and
 * subject-holds.ts.
 */
import { InvalidArgumentError } from "../errors.js";
import type { RequestRecord } from "../store/types.js";
import type { Subject } from "../subject.js";
import type { EngineContext } from "./context.js";
import { receivedAtArgument } from "./deadlines.js";
import { expediteUpdate, extendUpdate } from "./extension.js";
import { scrubFreeText, sealedSubject } from "./free-text.js";
import * as opts from "./options.js";
import { isZero, parsePeriod } from "./periods.js";
import { liftArguments, liftUpdate } from "./restriction-requests.js";
import {
  holdAudit,
  holdIdArgument,
  holdView,
  newHold,
  type SubjectHoldOptions,
  type SubjectHoldResult,
  type SubjectHoldView,
} from "./subject-holds.js";
import type {
  ExpediteOptions,
  ExtendOptions,
  LiftOptions,
  RequestHandle,
  RequestStatus,
  RestrictOptions,
} from "./types.js";

/** The legal mechanics of a fanout. */
export interface LegalMethods {
  /**
   * Records a restriction of processing (Art. 18): every adapter locates and restricts; the request
   * stays `restricted` until `lift`. Returns at once; a worker carries it out.
   */
  restrict(subject: unknown, options?: RestrictOptions): Promise<RequestHandle>;
  /**
   * Lifts a restriction request (Art. 18(3)): records the reason and when and how the subject was
   * told, then a worker undoes the restrictions and closes the request `lifted`.
   */
  lift(id: string, options: LiftOptions): Promise<RequestStatus>;
  /** Extends a subject request's deadline (Art. 12(3): at most two further months, with a reason). */
  extend(id: string, options: ExtendOptions): Promise<RequestStatus>;
  /**
   * The subject asks for erasure before the controller's retention window ends: the wait ends now,
   * and the deadline runs from `receivedAt` (default now).
   */
  expedite(id: string, options?: ExpediteOptions): Promise<RequestStatus>;
  /** Places a hold on a subject: no erasure of theirs passes its pivot (for `adapters`, or all) until released. */
  holdSubject(subject: unknown, options: SubjectHoldOptions): Promise<SubjectHoldResult>;
  /** Releases a subject hold; the requests it kept go on. */
  releaseHold(holdId: string): Promise<SubjectHoldView>;
  /** Subject holds, oldest first: all, one subject's (`subject`: fingerprint or subject), or only active ones. */
  holds(options?: { subject?: unknown; active?: boolean }): Promise<SubjectHoldView[]>;
}

/** What the methods need from `createFanout`. */
export interface LegalDeps {
  readonly ctx: EngineContext;
  ready(): Promise<void>;
  load(id: unknown): Promise<RequestRecord>;
  statusOf(record: RequestRecord): Promise<RequestStatus>;
  normalize(subject: unknown): Subject;
  fingerprint(subject: Subject): string;
  create(
    subject: unknown,
    raw: Record<string, unknown>,
  ): Promise<{ request: RequestRecord; created: boolean }>;
}

function requiredText(value: unknown, name: string, max: number): string {
  const text = opts.textArgument(value, name, max);
  if (!text) throw new InvalidArgumentError(`${name} is required`, { details: { argument: name } });
  return text;
}

export function legalMethods(deps: LegalDeps): LegalMethods {
  const { ctx } = deps;
  const store = ctx.store;
  const iso = (ms: number) => new Date(ms).toISOString();
  const base = (r: RequestRecord) => ({
    requestId: r.id,
    kind: r.kind,
    subject: r.fingerprint,
    at: iso(ctx.now()),
  });

  return {
    async restrict(subject, options) {
      const raw = opts.assertPlainOptions(options, "restrict options", [
        "reason",
        "idempotencyKey",
        "deadline",
        "receivedAt",
      ]);
      const { request, created } = await deps.create(subject, raw);
      return { id: request.id, state: request.state, created };
    },

    async lift(id, options) {
      const raw = opts.assertPlainOptions(options, "lift options", [
        "reason",
        "subjectInformedAt",
        "informedBy",
      ]);
      const record = await deps.load(id);
      const now = ctx.now();
      const args = liftArguments(raw, now);
      const scrubbed = {
        ...args,
        reason: scrubFreeText(args.reason, sealedSubject(record, ctx.openKeys)),
        informedBy: scrubFreeText(args.informedBy, sealedSubject(record, ctx.openKeys)),
      };
      const updated = await store.control(
        record.id,
        now,
        { kind: "legal", update: liftUpdate(scrubbed, now) },
        {
          at: now,
          type: "request.lift_requested",
          data: {
            reason: scrubbed.reason,
            subjectInformedAt: iso(scrubbed.subjectInformedAt),
            informedBy: scrubbed.informedBy,
          },
        },
      );
      return deps.statusOf(updated);
    },

    async extend(id, options) {
      const raw = opts.assertPlainOptions(options, "extend options", ["by", "reason"]);
      if (raw.by === undefined)
        throw new InvalidArgumentError('extend needs by: how much longer, e.g. "1 month"', {
          details: { argument: "by" },
        });
      const by = parsePeriod(raw.by, "by");
      if (isZero(by))
        throw new InvalidArgumentError("by must be longer than zero", { details: { argument: "by" } });
      const text = requiredText(raw.reason, "reason", 500);
      const record = await deps.load(id);
      const reason = scrubFreeText(text, sealedSubject(record, ctx.openKeys));
      const now = ctx.now();
      const updated = await store.control(
        record.id,
        now,
        { kind: "legal", update: extendUpdate(by, reason, now, ctx.timeZone) },
        { at: now, type: "request.extended", data: { by: String(raw.by), reason } },
      );
      ctx.events.emit("request.extended", {
        ...base(updated),
        by: String(raw.by),
        dueAt: iso(updated.dueAt),
      });
      return deps.statusOf(updated);
    },

    async expedite(id, options) {
      const raw = opts.assertPlainOptions(options, "expedite options", ["receivedAt"]);
      const record = await deps.load(id);
      const now = ctx.now();
      const receivedAt = receivedAtArgument(raw.receivedAt, now) ?? now;
      const updated = await store.control(
        record.id,
        now,
        { kind: "legal", update: expediteUpdate(receivedAt, now, ctx.timeZone) },
        { at: now, type: "request.expedited", data: { receivedAt: iso(receivedAt) } },
      );
      ctx.events.emit("request.expedited", {
        ...base(updated),
        receivedAt: iso(receivedAt),
        dueAt: iso(updated.dueAt),
      });
      return deps.statusOf(updated);
    },

    async holdSubject(subjectInput, options) {
      const raw = opts.assertPlainOptions(options, "holdSubject options", [
        "reason",
        "reference",
        "adapters",
      ]);
      const subject = deps.normalize(subjectInput);
      const fingerprint = deps.fingerprint(subject);
      await deps.ready();
      const now = ctx.now();
      const hold = newHold(ctx, subject, fingerprint, raw as unknown as SubjectHoldOptions, now);
      const touched = await store.createHold(hold, { at: now, type: "subject.held", data: holdAudit(hold) });
      const caught: string[] = [];
      const pastPivot: string[] = [];
      for (const requestId of touched) {
        const r = await store.getRequest(requestId);
        if (r && r.pivotAt !== null) pastPivot.push(requestId);
        else caught.push(requestId);
      }
      ctx.events.emit("subject.held", {
        holdId: hold.id,
        subject: fingerprint,
        at: iso(now),
        requests: touched,
      });
      ctx.logger.info(
        { holdId: hold.id, subject: fingerprint, requests: touched.length },
        "subject hold placed",
      );
      return { ...holdView(hold), caught, pastPivot };
    },

    async releaseHold(holdIdInput) {
      const holdId = holdIdArgument(holdIdInput);
      await deps.ready();
      const now = ctx.now();
      const found = await store.getHold(holdId);
      const { hold, requests } = await store.releaseHold(holdId, now, {
        at: now,
        type: "subject.released",
        data: found ? holdAudit(found) : { holdId },
      });
      if (requests.length > 0 || hold.releasedAt === now) {
        ctx.events.emit("subject.released", { holdId, subject: hold.fingerprint, at: iso(now), requests });
      }
      return holdView(hold);
    },

    async holds(options) {
      const raw = opts.assertPlainOptions(options, "holds options", ["subject", "active"]);
      if (raw.active !== undefined && typeof raw.active !== "boolean")
        throw new InvalidArgumentError("active must be true or false", { details: { argument: "active" } });
      const subject = raw.subject;
      const fingerprint =
        subject === undefined
          ? undefined
          : typeof subject === "string" && /^sub_[0-9a-f]{32}$/.test(subject)
            ? subject
            : deps.fingerprint(deps.normalize(subject));
      await deps.ready();
      const list = await store.listHolds({
        ...(fingerprint ? { fingerprint } : {}),
        ...(raw.active ? { active: true } : {}),
      });
      return list.map(holdView);
    },
  };
}

/**
 * `createFanout`: the public entry point. Validates everything at the call (bad input throws a
 * typed error and records nothing), records requests durably, and runs them with a worker.
 * @see README.md and docs/saga.md
 */
import { randomBytes } from "node:crypto";
import type { SubprocessorAdapter } from "../adapter.js";
import { FanoutError, InvalidArgumentError, isFanoutError } from "../errors.js";
import { fingerprintSubject } from "../fingerprint.js";
import { type Logger, silentLogger } from "../logger.js";
import { auditKey } from "../store/audit-chain.js";
import { unknownRequest } from "../store/control.js";
import type {
  BranchRecord,
  ControlChange,
  LegalDoc,
  RequestKind,
  RequestRecord,
  SagaStore,
} from "../store/types.js";
import { REQUEST_KINDS, REQUEST_STATES, TERMINAL_STATES } from "../store/types.js";
import { normalizeSubject, type Subject, type SubjectInput } from "../subject.js";
import { languageArgument, resolveAccessSettings } from "./access/settings.js";
import {
  type AuditTrailCheck,
  checkRequestAudit,
  type RequestAuditCheck,
  receiptAuditValid,
  verifyStoreAudit,
} from "./audit-trail.js";
import { type CheckOptions, type CheckReport, checkFailed, checkFanout } from "./check.js";
import type { EngineContext } from "./context.js";
import { deadlineArgument, initialDeadline, receivedAtArgument } from "./deadlines.js";
import { defaultStore } from "./default-store.js";
import { EventHub, type FanoutEventName, type FanoutListener } from "./events.js";
import { exportDestination, readManifest } from "./export-request.js";
import { listBySubject } from "./find-requests.js";
import { scrubFreeText, sealedSubject, storedIdempotencyKey } from "./free-text.js";
import { inspectSubject } from "./inspect.js";
import { type LegalMethods, legalMethods } from "./legal-api.js";
import * as opts from "./options.js";
import { checkTimeZone } from "./periods.js";
import { localRateLimiter } from "./rate-limiter.js";
import { type Receipt, type ReceiptVerification, verifyReceipt } from "./receipt.js";
import { mergeRetention, resolveRetention } from "./retention.js";
import { seal, sealingKey } from "./seal.js";
import { fingerprintsOf, resolveSecrets } from "./secrets.js";
import { type SettleOptions, settle } from "./settle.js";
import { publicKeyPem, resolveSigningKey, resolveVerificationKeys } from "./signing-keys.js";
import { requestStatus, requestSummary } from "./status-view.js";
import type {
  EraseOptions,
  ExportHandle,
  ExportOptions,
  FanoutOptions,
  InspectResult,
  ListOptions,
  RequestHandle,
  RequestStatus,
  RequestSummary,
  RunOptions,
} from "./types.js";
import { Worker } from "./worker.js";

/** The object `createFanout` returns (the legal mechanics' methods are described in {@link LegalMethods}). */
export interface Fanout extends LegalMethods {
  /** Records an erasure request durably and returns at once; a worker carries it out. */
  erase(subject: SubjectInput, options?: EraseOptions): Promise<RequestHandle>;
  /** Builds an access package for the subject (waits for it unless `wait: false`). */
  export(subject: SubjectInput, options: ExportOptions): Promise<ExportHandle>;
  status(id: string): Promise<RequestStatus>;
  list(options?: ListOptions): Promise<{ items: RequestSummary[]; nextCursor: string | null }>;
  /** Before the pivot: undo restrictions and end the request `withdrawn`. After it: `PAST_PIVOT`. */
  withdraw(id: string): Promise<RequestStatus>;
  /** Legal hold: blocks the pivot until `release`. */
  hold(id: string, reason: string): Promise<RequestStatus>;
  release(id: string): Promise<RequestStatus>;
  /** Resumes a request that needs attention from its failed steps. */
  retry(id: string): Promise<RequestStatus>;
  /** The signed receipt of a completed request (or the signed closing record of a withdrawn one). */
  receipt(id: string): Promise<Receipt>;
  /**
   * Checks a receipt (an object, or its JSON text) with this fanout's public keys (and, for
   * version 1 receipts, its secret) and, when the request is in this store, its audit chain.
   */
  verifyReceipt(receipt: unknown): Promise<ReceiptVerification & { auditValid?: boolean }>;
  /** The public key that verifies this fanout's receipts (PEM), to hand to whoever checks them. */
  publicKey(): string;
  /** The request's audit trail and whether its keyed hash chain is complete and intact. */
  audit(id: string): Promise<RequestAuditCheck>;
  /** Checks the whole store's audit trail: no entry, and no request's chain, missing or forged. */
  verifyAuditTrail(): Promise<AuditTrailCheck>;
  /** Where the subject's data exists right now (read-only; nothing is recorded). */
  inspect(subject: SubjectInput): Promise<InspectResult[]>;
  /**
   * The worker loop; resolves when `signal` aborts. Runs {@link Fanout.check} first and throws
   * `CONFIGURATION` without claiming anything when it fails (`check: false` skips it).
   */
  run(options?: RunOptions): Promise<void>;
  /**
   * Can this fanout work? The store, the secret against the store, and each adapter's own check
   * (SDK installed, credential accepted, permissions, provider features); read-only.
   */
  check(options?: CheckOptions): Promise<CheckReport>;
  /** Works until nothing is due now (a timer in the future, such as a job's next poll, stops it). */
  drain(): Promise<void>;
  /**
   * Works — sleeping until timers, or moving an injected clock with `advance` — until the request
   * is `completed`, `withdrawn`, `lifted`, `needs_attention`, `held` or `restricted` (a restriction
   * request, until `lift`); throws `TIMEOUT` after `timeoutMs`.
   * See docs/testing.md.
   */
  settle(id: string, options?: SettleOptions): Promise<RequestStatus>;
  /** Without an id: until every request is settled as above. */
  settle(options?: SettleOptions): Promise<void>;
  on<E extends FanoutEventName>(event: E | "*", listener: FanoutListener<E>): () => void;
  /** The store (for the CLI and reports). */
  readonly store: SagaStore;
  readonly adapters: readonly SubprocessorAdapter[];
  close(): Promise<void>;
}

const FANOUT_KEYS = [
  "adapters",
  "store",
  "secret",
  "previousSecrets",
  "signingKey",
  "verificationKeys",
  "deadline",
  "retry",
  "logger",
  "now",
  "random",
  "lease",
  "pollInterval",
  "verifyTimeout",
  "stepTimeout",
  "concurrency",
  "workerId",
  "rateLimiter",
  "tracer",
  "defaultCallingCode",
  "controller",
  "purposes",
  "recipients",
  "on",
  "timeZone",
  "retention",
] as const;

/** How long a branch may wait in the run for its next attempt (see saga.ts `waitedInline`). */
const INLINE_WAIT_MS = 1000;

/** Creates a fanout. Throws `CONFIGURATION`/`INVALID_ARGUMENT` for bad options. */
export function createFanout(options: FanoutOptions): Fanout {
  const o = opts.assertPlainOptions(options, "createFanout options", FANOUT_KEYS) as unknown as FanoutOptions;
  const logger: Logger = opts.resolveLogger(o.logger) ?? silentLogger;
  const adapters = opts.resolveAdapters(o.adapters);
  const secrets = resolveSecrets(o, logger);
  const secret = secrets.current;
  const now = o.now ?? Date.now;
  if (typeof now !== "function") throw new InvalidArgumentError("now must be a function returning epoch ms");
  const store = o.store ?? defaultStore();
  const ctx: EngineContext = {
    store,
    adapters,
    policies: opts.resolvePolicies(adapters, o.retry),
    secret,
    sealKey: sealingKey(secret),
    previousSecrets: secrets.previous,
    openKeys: [secret, ...secrets.previous].map(sealingKey),
    signingKey: resolveSigningKey(o.signingKey, secret),
    verificationKeys: resolveVerificationKeys(o.verificationKeys),
    now,
    random: o.random ?? Math.random,
    events: new EventHub(),
    logger,
    // Provider budgets are real requests per real second: never on the injectable clock.
    limiter: o.rateLimiter ?? localRateLimiter(),
    tracer: o.tracer,
    leaseMs: opts.durationOption(o.lease, "lease", 30_000, 100),
    pollIntervalMs: opts.durationOption(o.pollInterval, "pollInterval", 5000, 1),
    // Waiting in the run needs the real clock: an injected one moves only when its test says so.
    inlineWaitMs: o.now === undefined ? INLINE_WAIT_MS : 0,
    verifyTimeoutMs: opts.durationOption(o.verifyTimeout, "verifyTimeout", 30 * 86_400_000, 1),
    deadline: deadlineArgument(o.deadline, "deadline"),
    timeZone: checkTimeZone(o.timeZone ?? "UTC"),
    retention: resolveRetention(o.retention, adapters, "retention"),
    stepTimeoutMs: opts.durationOption(o.stepTimeout, "stepTimeout", 15 * 60_000, 1),
    concurrency: opts.positiveInteger(o.concurrency, "concurrency", 8),
    workerId: opts.textArgument(o.workerId, "workerId", 100) ?? `worker_${randomBytes(6).toString("hex")}`,
    defaultCallingCode: o.defaultCallingCode,
    access: resolveAccessSettings(o, adapters.keys()),
  };
  opts.registerHandlers(ctx.events, o.on, logger);
  const worker = new Worker(ctx);
  // The store computes the chain inside its transactions, so it gets the key (not the secret).
  const auditKeyBytes = auditKey(secret);
  let migrated: Promise<void> | undefined;
  const ready = () => {
    migrated ??= store.migrate({ auditKey: auditKeyBytes });
    return migrated;
  };
  const normalize = (input: unknown): Subject =>
    normalizeSubject(input, { defaultCallingCode: ctx.defaultCallingCode, adapters: [...adapters.keys()] });
  /** A fingerprint (`sub_…`) as given, or the subject's fingerprints (with every secret, after a rotation). */
  const subjectFingerprints = (value: unknown): string[] =>
    typeof value === "string" && /^sub_[0-9a-f]{32}$/.test(value)
      ? [value]
      : fingerprintsOf(normalize(value), secrets);

  async function load(idArg: unknown): Promise<RequestRecord> {
    const id = opts.requestIdArgument(idArg);
    await ready();
    const record = await store.getRequest(id);
    if (!record) throw unknownRequest(id);
    return record;
  }

  async function statusOf(record: RequestRecord): Promise<RequestStatus> {
    const holds =
      record.kind === "erase" && record.completedAt === null
        ? await store.listHolds({ fingerprint: record.fingerprint, active: true })
        : [];
    return requestStatus(record, await store.getBranches(record.id), now(), adapters, holds);
  }

  async function status(idArg: unknown): Promise<RequestStatus> {
    return statusOf(await load(idArg));
  }

  async function create(
    kind: RequestKind,
    subjectInput: unknown,
    raw: Record<string, unknown>,
    extra: { to?: string; password?: string },
    docExtra: { language?: string } = {},
  ) {
    const subject = normalize(subjectInput);
    const givenReason = opts.textArgument(raw.reason, "reason", 200);
    const reason = givenReason === undefined ? undefined : scrubFreeText(givenReason, subject);
    const givenKey = opts.textArgument(raw.idempotencyKey, "idempotencyKey", 200);
    const idempotencyKey =
      givenKey === undefined ? undefined : storedIdempotencyKey(givenKey, secret, subject);
    const after = kind === "erase" ? opts.durationOption(raw.after, "after", 0) : 0;
    const deadline = raw.deadline === undefined ? ctx.deadline : deadlineArgument(raw.deadline, "deadline");
    const rules =
      kind === "erase" ? mergeRetention(ctx.retention, resolveRetention(raw.retain, adapters, "retain")) : [];
    await ready();
    const t = now();
    const receivedAt = receivedAtArgument(raw.receivedAt, t);
    const { dueAt, facts } = initialDeadline({
      now: t,
      afterAt: t + after,
      waits: after > 0,
      receivedAt,
      deadline,
      timeZone: ctx.timeZone,
    });
    const id = opts.newRequestId(t);
    const fingerprint = fingerprintSubject(subject, secret);
    const branches: BranchRecord[] = [...adapters.keys()].map((adapterId, position) => ({
      requestId: id,
      adapterId,
      position,
      state: "pending",
      step: "locate",
      attempt: 0,
      inFlight: false,
      nextAttemptAt: null,
      outcome: null,
      error: null,
      updatedAt: t,
      data: {},
    }));
    const { request, created } = await store.createRequest({
      request: {
        id,
        kind,
        state: "pending",
        fingerprint,
        idempotencyKey: idempotencyKey ?? null,
        createdAt: t,
        updatedAt: t,
        // A subject's request is due from receipt; a closure's from the end of its window (deadlines.ts).
        dueAt,
        afterAt: t + after,
        wakeAt: t,
        pivotAt: null,
        completedAt: null,
        sealed: seal({ subject, ...extra }, ctx.sealKey),
        doc: { ...(reason ? { reason } : {}), adapters: [...adapters.keys()], ...docExtra },
        legal: { ...(facts as unknown as LegalDoc), ...(rules.length > 0 ? { retain: rules as never } : {}) },
      },
      branches,
      audit: {
        at: t,
        type: "request.created",
        data: {
          kind,
          subject: fingerprint,
          adapters: [...adapters.keys()],
          afterMs: after,
          deadline: facts.deadline,
          ...(facts.receivedAt !== undefined ? { receivedAt: new Date(facts.receivedAt).toISOString() } : {}),
        },
      },
    });
    // After a rotation the first request may carry the fingerprint of a previous secret.
    if (
      !created &&
      (!fingerprintsOf(subject, secrets).includes(request.fingerprint) || request.kind !== kind)
    ) {
      throw new FanoutError("CONFLICT", "idempotencyKey was already used for a different request", {
        retryable: false,
      });
    }
    if (created) {
      ctx.events.emit("request.created", {
        requestId: id,
        kind,
        subject: fingerprint,
        at: new Date(t).toISOString(),
      });
      logger.info({ requestId: id, kind, subject: fingerprint }, "request created");
    }
    return { request, created };
  }

  async function control(idArg: unknown, change: ControlChange, type: string): Promise<RequestStatus> {
    const record = await load(idArg);
    const updated = await store.control(record.id, now(), change, {
      at: now(),
      type,
      data: change.kind === "hold" ? { reason: change.reason } : {},
    });
    const base = {
      requestId: updated.id,
      kind: updated.kind,
      subject: updated.fingerprint,
      at: new Date(now()).toISOString(),
    };
    if (change.kind === "hold") ctx.events.emit("request.held", base);
    if (change.kind === "release") ctx.events.emit("request.released", base);
    return statusOf(updated);
  }

  const fanout: Fanout = {
    store,
    adapters: [...adapters.values()],
    async erase(subject, options) {
      const raw = opts.assertPlainOptions(options, "erase options", [
        "after",
        "reason",
        "idempotencyKey",
        "deadline",
        "receivedAt",
        "retain",
      ]);
      const { request, created } = await create("erase", subject, raw, {});
      return { id: request.id, state: request.state, created };
    },
    async export(subject, options) {
      const raw = opts.assertPlainOptions(options, "export options", [
        "to",
        "encrypt",
        "reason",
        "idempotencyKey",
        "deadline",
        "receivedAt",
        "wait",
        "signal",
        "language",
      ]);
      normalize(subject); // a bad subject is reported before anything about the destination
      const { to, password } = await exportDestination(raw);
      const wait = opts.booleanOption(raw.wait, "wait") ?? true;
      if (raw.signal !== undefined && !(raw.signal instanceof AbortSignal))
        throw new InvalidArgumentError("signal must be an AbortSignal", { details: { argument: "signal" } });
      const signal = raw.signal as AbortSignal | undefined;
      const language = languageArgument(raw.language);
      const { request } = await create(
        "export",
        subject,
        raw,
        password === undefined ? { to } : { to, password },
        { language },
      );
      let record = request;
      if (wait) {
        while (!TERMINAL_STATES.has(record.state) && record.state !== "needs_attention" && !signal?.aborted) {
          const ran = await worker.runOne(record.id, signal);
          record = (await store.getRequest(record.id)) ?? record;
          if (!ran && !TERMINAL_STATES.has(record.state)) await worker.idle(1000, signal);
        }
      }
      const done = record.state === "completed";
      return {
        id: record.id,
        state: record.state,
        path: done ? to : null,
        manifest: done ? await readManifest(to, password) : null,
      };
    },
    status,
    async list(options) {
      const raw = opts.assertPlainOptions(options, "list options", [
        "state",
        "kind",
        "subject",
        "overdue",
        "limit",
        "cursor",
        "subject",
      ]) as ListOptions;
      const fingerprints = raw.subject === undefined ? undefined : subjectFingerprints(raw.subject);
      await ready();
      const state = opts.oneOf(raw.state, "state", REQUEST_STATES);
      const kind = opts.oneOf(raw.kind, "kind", REQUEST_KINDS);
      const overdue = opts.booleanOption(raw.overdue, "overdue");
      if (raw.cursor !== undefined && typeof raw.cursor !== "string")
        throw new InvalidArgumentError("cursor must be the nextCursor string of a previous page", {
          details: { argument: "cursor" },
        });
      const query = {
        ...(state ? { state } : {}),
        ...(kind ? { kind } : {}),
        ...(overdue ? { overdueAt: now() } : {}),
      };
      const limit = raw.limit !== undefined ? opts.positiveInteger(raw.limit, "limit", 100) : undefined;
      const cursor = raw.cursor !== undefined ? String(raw.cursor) : undefined;
      const page = fingerprints
        ? await listBySubject(store, fingerprints, query, limit ?? 100, cursor)
        : await store.list({
            ...query,
            ...(limit !== undefined ? { limit } : {}),
            ...(cursor !== undefined ? { cursor } : {}),
          });
      return { items: page.items.map((r) => requestSummary(r, now())), nextCursor: page.nextCursor };
    },
    withdraw: (id) => control(id, { kind: "withdraw" }, "request.withdraw_requested"),
    async hold(id, reason) {
      const text = opts.textArgument(reason, "reason", 500);
      if (!text) throw new InvalidArgumentError("hold needs a reason", { details: { argument: "reason" } });
      const record = await load(id);
      const subject = sealedSubject(record, ctx.openKeys);
      return control(record.id, { kind: "hold", reason: scrubFreeText(text, subject) }, "request.held");
    },
    release: (id) => control(id, { kind: "release" }, "request.released"),
    retry: (id) => control(id, { kind: "retry" }, "request.retry_requested"),
    async receipt(id) {
      const record = await load(id);
      if (
        !record.doc.receipt ||
        (record.state !== "completed" &&
          record.state !== "withdrawn" &&
          record.state !== "lifted" &&
          !record.doc.purgePending)
      ) {
        throw new FanoutError("CONFLICT", `Request ${record.id} has no receipt yet (it is ${record.state})`, {
          retryable: false,
        });
      }
      return record.doc.receipt as unknown as Receipt;
    },
    async verifyReceipt(input) {
      const result = verifyReceipt(input, {
        publicKey: [ctx.signingKey.publicKey, ...ctx.verificationKeys],
        secret,
      });
      if (!result.valid) return result;
      const receipt = (typeof input === "string" ? JSON.parse(input) : input) as Receipt;
      await ready();
      const auditValid = await receiptAuditValid(store, auditKeyBytes, receipt as Receipt);
      return auditValid === undefined ? result : { ...result, auditValid };
    },
    publicKey: () => publicKeyPem(ctx.signingKey.publicKey),
    ...legalMethods({
      ctx,
      ready,
      load,
      statusOf,
      normalize,
      fingerprint: (subject) => fingerprintSubject(subject, secret),
      create: (subject, raw) => create("restrict", subject, raw, {}),
    }),
    async audit(id) {
      const record = await load(id);
      return checkRequestAudit(record, await store.audit(record.id), auditKeyBytes);
    },
    async verifyAuditTrail() {
      await ready();
      return verifyStoreAudit(store, auditKeyBytes);
    },
    async inspect(subject) {
      return inspectSubject(ctx, normalize(subject));
    },
    async run(options = {}) {
      const raw = opts.assertPlainOptions(options, "run options", [
        "signal",
        "idleMs",
        "check",
      ]) as RunOptions;
      await ready();
      if (raw.check !== false) {
        const report = await fanout.check();
        if (!report.ok) throw checkFailed(report);
      }
      await worker.run(raw.signal ?? new AbortController().signal, opts.positiveIntegerMs(raw.idleMs, 1000));
    },
    check: (options) => checkFanout(ctx, ready, secrets.source, options),
    async drain() {
      await ready();
      await worker.drain();
    },
    settle: ((idOrOptions?: unknown, options?: unknown) => {
      const id = typeof idOrOptions === "string" ? idOrOptions : undefined;
      const deps = { store, now, clockInjected: o.now !== undefined, status, ready, drain: fanout.drain };
      return settle(deps, id, typeof idOrOptions === "string" ? options : idOrOptions);
    }) as Fanout["settle"],
    on: (event, listener) => ctx.events.on(event, listener),
    async close() {
      await store.close();
    },
  };
  return fanout;
}

export { isFanoutError };

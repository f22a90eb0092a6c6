/**
 * `createFanout`: the public entry point. Validates everything at the call (bad input throws a
 * typed error and records nothing), records requests durably, and runs them with a worker.
 * @see README.md and docs/saga.md
 */
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { unzipSync } from "fflate";
import type { SubprocessorAdapter } from "../adapter.js";
import { FanoutError, InvalidArgumentError, isFanoutError } from "../errors.js";
import { fingerprintSubject } from "../fingerprint.js";
import { type Logger, silentLogger } from "../logger.js";
import { verifyAuditChain } from "../store/audit-chain.js";
import { unknownRequest } from "../store/control.js";
import type {
  AuditEntry,
  BranchRecord,
  ControlChange,
  RequestKind,
  RequestRecord,
  SagaStore,
} from "../store/types.js";
import { TERMINAL_STATES } from "../store/types.js";
import { normalizeSubject, type Subject } from "../subject.js";
import type { EngineContext } from "./context.js";
import { EventHub, type FanoutEventName, type FanoutListener } from "./events.js";
import { inspectSubject } from "./inspect.js";
import { requestScope } from "./integration-request.js";
import * as opts from "./options.js";
import { localRateLimiter } from "./rate-limiter.js";
import { type Receipt, type ReceiptVerification, verifyReceipt } from "./receipt.js";
import { planDoc, planRequest } from "./request-plan.js";
import { seal, sealingKey } from "./seal.js";
import { publicKeyPem, resolveSigningKey, resolveVerificationKeys } from "./signing-keys.js";
import { requestStatus, requestSummary } from "./status-view.js";
import { storedIdempotencyKey, tenantPolicies } from "./tenants.js";
import type {
  AccessManifest,
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

/** The object `createFanout` returns. */
export interface Fanout {
  /** Records an erasure request durably and returns at once; a worker carries it out. */
  erase(subject: unknown, options?: EraseOptions): Promise<RequestHandle>;
  /** Builds an access package for the subject (waits for it unless `wait: false`). */
  export(subject: unknown, options: ExportOptions): Promise<ExportHandle>;
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
  /** The request's audit trail and whether its hash chain is intact. */
  audit(id: string): Promise<{ entries: AuditEntry[]; valid: boolean }>;
  /** Where the subject's data exists right now (read-only; nothing is recorded). */
  inspect(subject: unknown): Promise<InspectResult[]>;
  /** The worker loop; resolves when `signal` aborts. */
  run(options?: RunOptions): Promise<void>;
  /** Works until nothing is due now. */
  drain(): Promise<void>;
  on<E extends FanoutEventName>(event: E | "*", listener: FanoutListener<E>): () => void;
  /** The store (for the CLI and reports). */
  readonly store: SagaStore;
  readonly adapters: readonly SubprocessorAdapter[];
  close(): Promise<void>;
}

const FANOUT_KEYS = [
  "adapters",
  "tenants",
  "store",
  "secret",
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
] as const;

/** How long a branch may wait in the run for its next attempt (see saga.ts `waitedInline`). */
const INLINE_WAIT_MS = 1000;

/** Creates a fanout. Throws `CONFIGURATION`/`INVALID_ARGUMENT` for bad options. */
export function createFanout(options: FanoutOptions): Fanout {
  const o = opts.assertPlainOptions(options, "createFanout options", FANOUT_KEYS) as unknown as FanoutOptions;
  const logger: Logger = o.logger ?? silentLogger;
  if (o.tenants !== undefined && typeof o.tenants !== "function") {
    throw new InvalidArgumentError("tenants must be a function (tenantId) => adapters", {
      details: { argument: "tenants" },
    });
  }
  // With tenants, the fanout's own adapters are optional (docs/tenants.md).
  const adapters =
    o.adapters === undefined && o.tenants !== undefined ? new Map() : opts.resolveAdapters(o.adapters);
  const secret = opts.resolveSecret(o.secret, logger);
  const now = o.now ?? Date.now;
  if (typeof now !== "function") throw new InvalidArgumentError("now must be a function returning epoch ms");
  const store = o.store ?? lazySqliteStore();
  const ctx: EngineContext = {
    store,
    adapters,
    policies: o.tenants ? tenantPolicies(adapters, o.retry) : opts.resolvePolicies(adapters, o.retry),
    tenants: o.tenants,
    retry: o.retry,
    secret,
    sealKey: sealingKey(secret),
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
    deadlineMs: opts.durationOption(o.deadline, "deadline", 30 * 86_400_000, 1),
    stepTimeoutMs: opts.durationOption(o.stepTimeout, "stepTimeout", 15 * 60_000, 1),
    concurrency: opts.positiveInteger(o.concurrency, "concurrency", 8),
    workerId: opts.textArgument(o.workerId, "workerId", 100) ?? `worker_${randomBytes(6).toString("hex")}`,
    defaultCallingCode: o.defaultCallingCode,
  };
  const worker = new Worker(ctx);
  let migrated: Promise<void> | undefined;
  const ready = () => {
    migrated ??= store.migrate();
    return migrated;
  };
  const normalize = (input: unknown): Subject =>
    normalizeSubject(input, ctx.defaultCallingCode ? { defaultCallingCode: ctx.defaultCallingCode } : {});

  async function load(idArg: unknown): Promise<RequestRecord> {
    const id = opts.requestIdArgument(idArg);
    await ready();
    const record = await store.getRequest(id);
    if (!record) throw unknownRequest(id);
    return record;
  }

  async function status(idArg: unknown): Promise<RequestStatus> {
    const record = await load(idArg);
    // A tenant's adapters are built only to run its requests, not to show them.
    const own = record.tenant === null ? adapters : undefined;
    return requestStatus(record, await store.getBranches(record.id), now(), own);
  }

  async function create(
    kind: RequestKind,
    subjectInput: unknown,
    raw: Record<string, unknown>,
    extra: { to?: string },
  ) {
    const subject = normalize(subjectInput);
    const reason = opts.textArgument(raw.reason, "reason", 200);
    const idempotencyKey = opts.textArgument(raw.idempotencyKey, "idempotencyKey", 200);
    const after = kind === "erase" ? opts.durationOption(raw.after, "after", 0) : 0;
    const deadline = opts.durationOption(raw.deadline, "deadline", ctx.deadlineMs, 1);
    const plan = await planRequest(ctx, raw, subject);
    const used = plan.adapterIds;
    await ready();
    const t = now();
    const id = opts.newRequestId(t);
    const fingerprint = fingerprintSubject(subject, secret);
    const branches: BranchRecord[] = used.map((adapterId, position) => ({
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
        idempotencyKey: storedIdempotencyKey(idempotencyKey, plan.tenant),
        tenant: plan.tenant ?? null,
        createdAt: t,
        updatedAt: t,
        // The deadline runs from when erasure may start: a 90-day retention window is not "overdue".
        dueAt: t + after + deadline,
        afterAt: t + after,
        wakeAt: t,
        pivotAt: null,
        completedAt: null,
        sealed: seal({ subject, ...extra }, ctx.sealKey),
        doc: { ...(reason ? { reason } : {}), adapters: [...used], ...planDoc(plan) },
      },
      branches,
      audit: {
        at: t,
        type: "request.created",
        data: {
          kind,
          subject: fingerprint,
          adapters: [...used],
          afterMs: after,
          ...(plan.tenant ? { tenant: plan.tenant } : {}),
          ...planDoc(plan),
        },
      },
    });
    if (
      !created &&
      (request.fingerprint !== fingerprint ||
        request.kind !== kind ||
        request.tenant !== (plan.tenant ?? null) ||
        requestScope(request.doc) !== plan.scope)
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
    return requestStatus(
      updated,
      await store.getBranches(updated.id),
      now(),
      updated.tenant === null ? adapters : undefined,
    );
  }

  async function readManifest(to: string): Promise<AccessManifest> {
    if (to.toLowerCase().endsWith(".zip")) {
      const files = unzipSync(new Uint8Array(await readFile(to)), {
        filter: (f) => f.name === "manifest.json",
      });
      return JSON.parse(new TextDecoder().decode(files["manifest.json"])) as AccessManifest;
    }
    return JSON.parse(await readFile(join(to, "manifest.json"), "utf8")) as AccessManifest;
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
        "tenant",
        "scope",
        "instruction",
      ]);
      const { request, created } = await create("erase", subject, raw, {});
      return { id: request.id, state: request.state, created };
    },
    async export(subject, options) {
      const raw = opts.assertPlainOptions(options, "export options", [
        "to",
        "reason",
        "idempotencyKey",
        "deadline",
        "wait",
        "signal",
        "tenant",
        "scope",
        "instruction",
      ]);
      const to = opts.textArgument(raw.to, "to", 4096);
      if (!to)
        throw new InvalidArgumentError("export needs `to`: a directory or a .zip path", {
          details: { argument: "to" },
        });
      const signal = raw.signal as AbortSignal | undefined;
      const { request } = await create("export", subject, raw, { to });
      let record = request;
      if (raw.wait !== false) {
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
        manifest: done ? await readManifest(to) : null,
      };
    },
    status,
    async list(options) {
      const raw = opts.assertPlainOptions(options, "list options", [
        "state",
        "kind",
        "overdue",
        "tenant",
        "idempotencyKeyPrefix",
        "limit",
        "cursor",
      ]) as ListOptions;
      await ready();
      const page = await store.list({
        ...(raw.state ? { state: raw.state } : {}),
        ...(raw.kind ? { kind: raw.kind } : {}),
        ...(raw.overdue ? { overdueAt: now() } : {}),
        ...(raw.tenant !== undefined
          ? { tenant: opts.textArgument(raw.tenant, "tenant", 128) as string }
          : {}),
        ...(raw.idempotencyKeyPrefix !== undefined
          ? {
              idempotencyKeyPrefix: opts.textArgument(
                raw.idempotencyKeyPrefix,
                "idempotencyKeyPrefix",
                400,
              ) as string,
            }
          : {}),
        ...(raw.limit !== undefined ? { limit: opts.positiveInteger(raw.limit, "limit", 100) } : {}),
        ...(raw.cursor !== undefined ? { cursor: String(raw.cursor) } : {}),
      });
      return { items: page.items.map((r) => requestSummary(r, now())), nextCursor: page.nextCursor };
    },
    withdraw: (id) => control(id, { kind: "withdraw" }, "request.withdraw_requested"),
    async hold(id, reason) {
      const text = opts.textArgument(reason, "reason", 500);
      if (!text) throw new InvalidArgumentError("hold needs a reason", { details: { argument: "reason" } });
      return control(id, { kind: "hold", reason: text }, "request.held");
    },
    release: (id) => control(id, { kind: "release" }, "request.released"),
    retry: (id) => control(id, { kind: "retry" }, "request.retry_requested"),
    async receipt(id) {
      const record = await load(id);
      if (
        !record.doc.receipt ||
        (record.state !== "completed" && record.state !== "withdrawn" && !record.doc.purgePending)
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
      const r = (typeof input === "string" ? JSON.parse(input) : input) as Receipt;
      await ready();
      const entries = await store.audit(r.requestId);
      if (entries.length === 0) return result;
      const chain = verifyAuditChain(entries);
      const head = entries[r.audit.entries - 1];
      return { ...result, auditValid: chain.valid && head?.hash === r.audit.head };
    },
    publicKey: () => publicKeyPem(ctx.signingKey.publicKey),
    async audit(id) {
      const record = await load(id);
      const entries = await store.audit(record.id);
      return { entries, valid: verifyAuditChain(entries).valid };
    },
    async inspect(subject) {
      return inspectSubject(ctx, normalize(subject));
    },
    async run(options = {}) {
      const raw = opts.assertPlainOptions(options, "run options", ["signal", "idleMs"]) as RunOptions;
      await ready();
      await worker.run(raw.signal ?? new AbortController().signal, opts.positiveIntegerMs(raw.idleMs, 1000));
    },
    async drain() {
      await ready();
      await worker.drain();
    },
    on: (event, listener) => ctx.events.on(event, listener),
    async close() {
      await store.close();
    },
  };
  return fanout;
}

function lazySqliteStore(): SagaStore {
  let inner: Promise<SagaStore> | undefined;
  const get = () => {
    inner ??= import("../store/sqlite-store.js").then((m) => m.sqliteStore({ path: "./gdpr-fanout.db" }));
    return inner;
  };
  const forward =
    <K extends keyof SagaStore>(key: K) =>
    async (...args: unknown[]) =>
      ((await get())[key] as (...a: unknown[]) => unknown)(...args);
  return {
    kind: "sqlite",
    migrate: forward("migrate") as SagaStore["migrate"],
    createRequest: forward("createRequest") as SagaStore["createRequest"],
    getRequest: forward("getRequest") as SagaStore["getRequest"],
    getBranches: forward("getBranches") as SagaStore["getBranches"],
    list: forward("list") as SagaStore["list"],
    claim: forward("claim") as SagaStore["claim"],
    renewLease: forward("renewLease") as SagaStore["renewLease"],
    releaseLease: forward("releaseLease") as SagaStore["releaseLease"],
    commit: forward("commit") as SagaStore["commit"],
    control: forward("control") as SagaStore["control"],
    steps: forward("steps") as SagaStore["steps"],
    audit: forward("audit") as SagaStore["audit"],
    nextWake: forward("nextWake") as SagaStore["nextWake"],
    close: async () => {
      if (inner) await (await inner).close();
    },
  };
}

export { isFanoutError };

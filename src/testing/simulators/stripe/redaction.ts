/**
 * Redaction jobs (public preview): `created → validating → ready | failed`, `run` from `ready`
 * (`redacting → succeeded`), `cancel` from `ready`/`failed` (`canceling → canceled`), `validate`
 * to re-run validation. Transitions happen lazily when time (scaled by `env.scale`) has passed.
 *
 * @see https://docs.stripe.com/api/privacy/redaction-job
 */
import type { SimEnvironment } from "../../simulator.js";
import { type JobObjects, redact, redactionJob, type StripeObject } from "./objects.js";
import type { StripeState } from "./state.js";

/** Provider durations of the job lifecycle, before `timeScale`. */
export interface RedactionTimings {
  // ASSUMPTION [U]: Stripe publishes no durations for validation and redaction; these defaults
  // only make the lifecycle observable.
  /** From create/validate to `ready`. @default 2000 */
  validateMs?: number;
  /** From `run` to `succeeded`. @default 5000 */
  redactMs?: number;
}

interface Job {
  readonly id: string;
  readonly created: number;
  readonly objects: JobObjects;
  readonly validationBehavior: string;
  status: string;
  /** When the current transitional status ends (epoch ms). */
  until: number;
  errors: { code: string; id: string; objectType: string }[];
}

export class RedactionJobs {
  private readonly jobs = new Map<string, Job>();

  constructor(
    private readonly state: StripeState,
    private readonly env: SimEnvironment,
    private readonly timings: RedactionTimings,
  ) {}

  private validate(job: Job): void {
    job.errors = [];
    // ASSUMPTION [U]: validation accepts a customer that is deleted (its tombstone exists); the
    // 90-day rule for charges and unfinished lifecycles are not modelled.
    for (const id of job.objects.customers) {
      if (!this.state.customers.has(id))
        job.errors.push({ code: "invalid_state", id, objectType: "customer" });
    }
    for (const [kind, ids] of [
      ["charge", job.objects.charges],
      ["invoice", job.objects.invoices],
    ] as const) {
      for (const id of ids) {
        if (this.state.children.get(id)?.object !== kind)
          job.errors.push({ code: "invalid_state", id, objectType: kind });
      }
    }
    job.status = "validating";
    job.until = this.env.now() + this.env.scale(this.timings.validateMs ?? 2000);
  }

  create(objects: JobObjects, validationBehavior: string): StripeObject {
    const job: Job = {
      id: this.state.newId("prj"),
      created: Math.floor(this.env.now() / 1000),
      objects,
      validationBehavior,
      status: "created",
      until: 0,
      errors: [],
    };
    this.jobs.set(job.id, job);
    this.validate(job);
    return this.view(job);
  }

  get(id: string): Job | undefined {
    const job = this.jobs.get(id);
    if (job) this.advance(job);
    return job;
  }

  view(job: Job): StripeObject {
    return redactionJob(job.id, job.created, job.status, job.objects, job.validationBehavior);
  }

  validationErrors(job: Job): StripeObject[] {
    return job.errors.map((e, i) => ({
      id: `prjve_${job.id.slice(4)}${i}`,
      object: "privacy.redaction_job_validation_error",
      code: e.code,
      erroring_object: { id: e.id, object_type: e.objectType },
      message: `The ${e.objectType} cannot be redacted in its current state.`,
    }));
  }

  /** `run`, `cancel` or `validate`; returns an error text when the job's status does not allow it. */
  act(job: Job, action: "run" | "cancel" | "validate"): string | undefined {
    this.advance(job);
    if (action === "run") {
      if (job.status !== "ready") return `You cannot run a redaction job in status ${job.status}.`;
      job.status = "redacting";
      job.until = this.env.now() + this.env.scale(this.timings.redactMs ?? 5000);
    } else if (action === "cancel") {
      if (job.status !== "ready" && job.status !== "failed")
        return `You cannot cancel a redaction job in status ${job.status}.`;
      job.status = "canceled";
    } else {
      if (job.status !== "ready" && job.status !== "failed")
        return `You cannot validate a redaction job in status ${job.status}.`;
      this.validate(job);
    }
    return undefined;
  }

  /** Moves every job whose transitional status has run out. */
  advanceAll(): void {
    for (const job of this.jobs.values()) this.advance(job);
  }

  private advance(job: Job): void {
    if (this.env.now() < job.until) return;
    if (job.status === "validating") {
      // With validation_behavior=fix, objects that cannot be redacted are dropped instead of failing.
      job.status = job.errors.length > 0 && job.validationBehavior !== "fix" ? "failed" : "ready";
    } else if (job.status === "redacting") {
      this.apply(job);
      job.status = "succeeded";
    }
  }

  private apply(job: Job): void {
    const targets = new Set<string>([...job.objects.charges, ...job.objects.invoices]);
    for (const customerId of job.objects.customers) {
      if (!this.state.customers.has(customerId)) continue;
      this.redactOne(customerId);
      // ASSUMPTION [U]: redacting a customer also redacts its charges and invoices ("related
      // objects"); the adapter lists them explicitly as well, so it does not depend on this.
      for (const o of this.state.children.values()) {
        if (o.customer === customerId && (o.object === "charge" || o.object === "invoice")) targets.add(o.id);
      }
    }
    for (const id of targets) if (this.state.children.has(id)) this.redactOne(id);
  }

  private redactOne(id: string): void {
    if (this.state.redacted.has(id)) return;
    const o = this.state.customers.get(id) ?? this.state.children.get(id);
    if (!o) return;
    this.state.redacted.add(id);
    // A second irreversible operation on a deleted customer, counted apart from the delete.
    this.state.applied(`${o.object}.redaction`, id);
    if (o.object === "customer") {
      o.email = "[redacted]";
      o.name = "[redacted]";
      o.phone = "[redacted]";
    } else redact(o);
  }
}

/**
 * Redaction jobs (public preview): `created → validating → ready | failed`, `run` from `ready`
 * (`redacting → succeeded`), `cancel` from `ready`/`failed` (`canceling → canceled`), `validate`
 * to re-run validation. Transitions happen lazily when time (scaled by `env.scale`) has passed.
 * What a job reaches and what stops it: redaction-scope.ts.
 *
 * @see https://docs.stripe.com/api/privacy/redaction-job
 */
import type { SimEnvironment } from "../../simulator.js";
import { type JobObjects, redact, redactionJob, type StripeObject } from "./objects.js";
import { jobScope, type ScopeError, validateScope } from "./redaction-scope.js";
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
  errors: ScopeError[];
}

/** Statuses in which a job holds its objects (another job cannot take them). */
const HOLDING = new Set(["created", "validating", "ready", "redacting"]);

export class RedactionJobs {
  private readonly jobs = new Map<string, Job>();

  constructor(
    private readonly state: StripeState,
    private readonly env: SimEnvironment,
    private readonly timings: RedactionTimings,
  ) {}

  private startValidation(job: Job): void {
    job.status = "validating";
    job.errors = [];
    job.until = this.env.now() + this.env.scale(this.timings.validateMs ?? 2000);
  }

  /**
   * Objects held by jobs created before `job` that are still in progress. [U] How Stripe settles
   * two jobs over the same objects: here the earlier one holds them.
   */
  private lockedFor(job: Job): Set<string> {
    const locked = new Set<string>();
    for (const other of this.jobs.values()) {
      if (other === job) break;
      if (HOLDING.has(other.status))
        for (const id of jobScope(this.state, other.objects).keys()) locked.add(id);
    }
    return locked;
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
    this.startValidation(job);
    return this.view(job, false);
  }

  get(id: string): Job | undefined {
    const job = this.jobs.get(id);
    if (job) this.advance(job);
    return job;
  }

  view(job: Job, expandObjects: boolean): StripeObject {
    return redactionJob(job.id, job.created, job.status, job.objects, job.validationBehavior, expandObjects);
  }

  validationErrors(job: Job): StripeObject[] {
    return job.errors.map((e, i) => ({
      id: `prjve_${job.id.slice(4)}${i}`,
      object: "privacy.redaction_job_validation_error",
      code: e.code,
      erroring_object: e.id === null ? null : { id: e.id, object_type: e.objectType },
      message: e.message,
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
      this.startValidation(job);
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
      const errors = validateScope(
        this.state,
        job.objects,
        Math.floor(this.env.now() / 1000),
        this.lockedFor(job),
      );
      // `fix`: errors Stripe can fix itself (unfinished lifecycles) do not stop the job.
      job.errors = job.validationBehavior === "fix" ? errors.filter((e) => !e.fixable) : errors;
      job.status = job.errors.length > 0 ? "failed" : "ready";
    } else if (job.status === "redacting") {
      this.apply(job);
      job.status = "succeeded";
    }
  }

  private apply(job: Job): void {
    for (const o of jobScope(this.state, job.objects).values()) {
      if (this.state.redacted.has(o.id)) continue;
      this.state.redacted.add(o.id);
      // A second irreversible operation on a deleted customer, counted apart from the delete.
      this.state.applied(`${o.object}.redaction`, o.id);
      redact(o);
      if (o.object === "customer") this.state.search.change(o.id, this.state.indexed(o), this.env.now());
    }
  }
}

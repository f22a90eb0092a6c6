/**
 * Group commit of branch saves. A request's branches run concurrently, and their step boundaries
 * often fall in the same turn of the event loop (several providers answer together, or a commit
 * returns to several waiting branches): each used to be a transaction of its own, with its own
 * fsync. Saves queued in one turn are now written in one commit, after which every caller goes on.
 *
 * Durability is unchanged: a caller awaits its save before it calls the provider (a step's start)
 * or moves on (a step's result), and the promise resolves only after the commit that holds its
 * change. A failed commit fails every save in it (each would have failed alone: same lease, same
 * store). Saves of one branch never share a commit: a branch awaits each save before the next.
 */
import type { AuditInput, BranchRecord, CommitChange, StepLogEntry } from "../store/types.js";

interface Queued {
  readonly change: { branches: BranchRecord[]; steps?: StepLogEntry[]; audit?: AuditInput[] };
  resolve(): void;
  reject(error: unknown): void;
}

export class BranchSaves {
  #queue: Queued[] = [];
  #scheduled = false;

  constructor(private readonly commit: (change: CommitChange) => Promise<void>) {}

  /** Queues a save; resolves once it is committed. */
  add(change: Queued["change"]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ change, resolve, reject });
      if (this.#scheduled) return;
      this.#scheduled = true;
      setImmediate(() => void this.#flush());
    });
  }

  async #flush(): Promise<void> {
    this.#scheduled = false;
    const batch = this.#queue;
    this.#queue = [];
    const change: CommitChange =
      batch.length === 1
        ? batch[0]!.change
        : {
            branches: batch.flatMap((q) => q.change.branches),
            steps: batch.flatMap((q) => q.change.steps ?? []),
            audit: batch.flatMap((q) => q.change.audit ?? []),
          };
    try {
      await this.commit(change);
      for (const q of batch) q.resolve();
    } catch (error) {
      for (const q of batch) q.reject(error);
    }
  }
}

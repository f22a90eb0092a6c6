/**
 * Deletes that do not take: the provider answers a delete as it does on success, yet the record is
 * still there (an eventually consistent index, a silent failure, a race with a restore). An
 * adapter's `status` must notice and say `remaining`, never `done`; the conformance kit checks it
 * with `sims.keepOnDelete(provider, …)`.
 *
 * The framework keeps the queue; a simulator only asks {@link SimEnvironment.deleteTakes} where it
 * removes (or trashes, or purges) a record, and leaves the record as it is when the answer is
 * `false`, answering the request as usual.
 */
import type { InjectionHandle } from "./layers.js";

/** Which deletes do not take (see `sims.keepOnDelete`). */
export interface KeepOnDelete {
  /**
   * Only deletes of this record type, as the simulator names it when it asks (the names its
   * oracle's `byType` uses). @default every type
   */
  readonly type?: string;
  /** How many deletes do not take. @default 1 */
  readonly times?: number;
  /** Let this many matching deletes take first. @default 0 */
  readonly afterDeletes?: number;
}

interface ActiveKeep {
  readonly type: string | undefined;
  skip: number;
  left: number;
  fired: number;
}

/** The queue of one provider: `takes` for its environment, `keep` and `clear` for the tests. */
export function deleteKeeper(): {
  takes(type: string): boolean;
  keep(spec: KeepOnDelete): InjectionHandle;
  clear(): void;
} {
  const queue: ActiveKeep[] = [];
  return {
    takes(type) {
      for (const active of queue) {
        if (active.left <= 0 || (active.type !== undefined && active.type !== type)) continue;
        if (active.skip > 0) {
          active.skip -= 1;
          continue;
        }
        active.left -= 1;
        active.fired += 1;
        if (active.left <= 0) queue.splice(queue.indexOf(active), 1);
        return false;
      }
      return true;
    },
    keep(spec) {
      const active: ActiveKeep = {
        type: spec.type,
        skip: Math.max(0, spec.afterDeletes ?? 0),
        left: Math.max(0, spec.times ?? 1),
        fired: 0,
      };
      if (active.left > 0) queue.push(active);
      return {
        get fired() {
          return active.fired;
        },
        get done() {
          return active.left <= 0;
        },
        cancel() {
          active.left = 0;
          const index = queue.indexOf(active);
          if (index >= 0) queue.splice(index, 1);
        },
      };
    },
    clear() {
      queue.length = 0;
    },
  };
}

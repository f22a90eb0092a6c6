import { createFanout, defineAdapter, type SagaStore } from "../../src/index.js";

/** One erasure over three instant adapters; counts store commits and branch saves (step boundaries). */
export async function instantSetup(store: SagaStore) {
  let commits = 0;
  const counted = new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== "function") return value;
      if (prop !== "commit") return value.bind(target);
      return (...args: unknown[]) => {
        commits++;
        return value.apply(target, args);
      };
    },
  });
  const adapter = (id: string) =>
    defineAdapter({
      id,
      async locate() {
        return {
          refs: [{ type: "record", id: `${id}-1` }],
          coverage: { searchedBy: ["email"], types: ["record"] },
        };
      },
      async export() {
        return { records: [] };
      },
      async restrict() {
        return { undo: null, restricted: 1 };
      },
      async unrestrict() {},
      async delete() {
        return { outcome: "erased", deleted: 1 };
      },
      async status() {
        return { state: "done", remaining: 0 };
      },
    });
  const fanout = createFanout({
    adapters: ["a", "b", "c"].map(adapter),
    store: counted,
    secret: "branch-saves-secret-0123456789",
  });
  const request = await fanout.erase({ email: "group.commit@example.test" });
  const before = commits;
  let steps = 0;
  fanout.on("branch.step", () => {
    steps++;
  });
  await fanout.drain();
  const state = (await fanout.status(request.id)).state;
  await fanout.close();
  // Every step is at least one save (its result); without grouping each save is a commit.
  return { commits: commits - before, saves: steps, state };
}

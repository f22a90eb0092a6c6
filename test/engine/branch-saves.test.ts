// Group commit: saves of several branches in one turn share a commit; each caller resumes only
// after the commit holding its change; a failed commit fails every save in it.
import { describe, expect, it } from "vitest";
import { BranchSaves } from "../../src/engine/branch-saves.js";
import { memoryStore } from "../../src/index.js";
import type { BranchRecord, CommitChange } from "../../src/store/types.js";
import { instantSetup } from "./branch-saves-helpers.js";

const branch = (adapterId: string) => ({ adapterId }) as unknown as BranchRecord;

describe("branch saves (group commit)", () => {
  it("writes the saves of one turn in one commit, and resolves each after it", async () => {
    const commits: CommitChange[] = [];
    let durable = false;
    const saves = new BranchSaves(async (change) => {
      commits.push(change);
      await new Promise((r) => setTimeout(r, 5));
      durable = true;
    });
    const seen: boolean[] = [];
    await Promise.all(
      ["a", "b", "c"].map((id) =>
        saves
          .add({ branches: [branch(id)], steps: [{ step: id } as never], audit: [{ type: id } as never] })
          .then(() => seen.push(durable)),
      ),
    );
    expect(commits).toHaveLength(1);
    expect(commits[0]!.branches!.map((b) => b.adapterId)).toEqual(["a", "b", "c"]);
    expect(commits[0]!.audit!.map((a) => a.type)).toEqual(["a", "b", "c"]);
    expect(seen).toEqual([true, true, true]);
    await saves.add({ branches: [branch("a")] });
    expect(commits).toHaveLength(2);
  });

  it("fails every save of a failed commit", async () => {
    const saves = new BranchSaves(async () => {
      throw new Error("disk full");
    });
    const results = await Promise.allSettled([
      saves.add({ branches: [branch("a")] }),
      saves.add({ branches: [branch("b")] }),
    ]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
  });

  it("an erasure over three instant branches commits fewer times than it saves", async () => {
    const { commits, saves, state } = await instantSetup(memoryStore());
    expect(state).toBe("completed");
    expect(commits).toBeLessThan(saves);
  });
});

// The demo's progress board: redraws in place on a terminal, prints only changes otherwise.
import { describe, expect, it } from "vitest";
import { ProgressBoard } from "../../src/cli/demo/progress.js";
import { fitWidth, styleFor, visibleWidth } from "../../src/cli/output.js";
import type { BranchStatus, RequestStatus } from "../../src/index.js";

function branch(adapter: string, patch: Partial<BranchStatus>): BranchStatus {
  return {
    adapter,
    state: "running",
    step: "locate",
    attempt: 1,
    nextAttemptAt: null,
    outcome: null,
    records: null,
    eta: null,
    jobs: [],
    detail: null,
    reasonCode: null,
    coverage: null,
    residuals: [],
    restriction: { state: "none", count: 0, expiresAt: null, renewals: 0 },
    awaitingPivot: false,
    pivotAt: null,
    purge: null,
    error: null,
    compensation: null,
    ...patch,
  };
}

function status(
  state: RequestStatus["state"],
  branches: BranchStatus[],
  pivotAt: string | null = null,
): RequestStatus {
  const now = new Date().toISOString();
  return {
    id: "req_1",
    kind: "erase",
    state,
    subject: "sub_0123456789abcdef0123456789abcdef",
    reason: null,
    receivedAt: now,
    createdAt: now,
    dueAt: now,
    overdue: false,
    deadline: {
      basis: "subject",
      period: "1 month",
      initialDueAt: now,
      extensions: [],
      expedited: null,
      overdueSince: null,
    },
    after: new Date(Date.now() + 2000).toISOString(),
    pivotAt,
    completedAt: null,
    hold: null,
    withdrawRequested: false,
    attention: null,
    purge: { pending: false, dueBy: null, verifiedAt: null, notConfirmed: [], unverifiable: [] },
    retention: { rules: [], kept: [], followUps: [], retentionOf: null },
    holds: [],
    restriction: null,
    branches,
  };
}

const applied = (count: number) => ({ state: "applied" as const, count, expiresAt: null, renewals: 0 });

const snapshots = [
  status("restricting", [branch("stripe", { step: "restrict", records: 2 }), branch("hubspot", {})]),
  status("waiting", [
    branch("stripe", { state: "ready", step: "relocate", records: 2, restriction: applied(2) }),
    branch("hubspot", { state: "ready", step: "relocate", records: 1, restriction: applied(1) }),
  ]),
  status("waiting", [
    branch("stripe", { state: "ready", step: "relocate", records: 2, restriction: applied(2) }),
    branch("hubspot", { state: "ready", step: "relocate", records: 1, restriction: applied(1) }),
  ]),
  status(
    "completed",
    [
      branch("stripe", { state: "done", step: "verify", records: 2, outcome: "erased" }),
      branch("hubspot", {
        state: "done",
        step: "verify",
        records: 1,
        outcome: "scheduled",
        eta: "2027-02-26T00:00:00.000Z",
      }),
    ],
    new Date().toISOString(),
  ),
];

describe("ProgressBoard", () => {
  it("on a terminal redraws one block in place", () => {
    let out = "";
    const stream = { isTTY: true, columns: 200, write: (s: string) => (out += s) };
    const board = new ProgressBoard(stream, styleFor(stream, {}), true);
    for (const s of snapshots) board.update(s);
    expect(out.split("\u001b[3A")).toHaveLength(snapshots.length); // header + 2 providers, moved up before each redraw
    const last = out.slice(out.lastIndexOf("\u001b[3A"));
    expect(out).toContain("waiting: retention window ends in");
    expect(last).not.toContain("retention window"); // completed now
    expect(last).toMatch(/stripe[^\n]*✓ verify[^\n]*erased/);
    expect(last).toMatch(/hubspot[^\n]*scheduled, purged by 2027-02-26/);
  });

  it("elsewhere prints a plain line per change, without escape codes", () => {
    let out = "";
    const stream = { isTTY: false, write: (s: string) => (out += s) };
    const board = new ProgressBoard(stream, styleFor(stream, {}), false);
    for (const s of snapshots) board.update(s);
    expect(out).not.toContain("\u001b");
    const lines = out.trim().split("\n");
    expect(lines.filter((l) => /restricted \(\d\), waiting/.test(l))).toHaveLength(2); // the repeated snapshot adds nothing
    expect(lines.some((l) => /req_1 waiting \(retention window until/.test(l))).toBe(true);
    expect(lines.at(-1)).toMatch(/hubspot\s+scheduled, purged by 2027-02-26 \(1 located\)/);
  });

  it("cuts coloured lines to the terminal width", () => {
    const style = styleFor({ isTTY: true, write: () => true }, {});
    const line = `${style.green("✓ locate")} ${"x".repeat(100)}`;
    const cut = fitWidth(line, 40);
    expect(visibleWidth(cut)).toBe(40);
    expect(cut.startsWith("\u001b[32m✓ locate\u001b[39m")).toBe(true);
  });
});

// The conformance kit's read, erase and verify cases at their edges, in-process: adapters whose
// coverage, failed calls or aborts tell less than the truth, whose capabilities do not match what
// their delete does, whose status fails loudly or throws an error of the wrong kind, whose residual
// names a record, whose provider lets an irreversible operation apply twice, and whose status never
// settles. Each test runs one case, so that a weakened check (a mutant of cases-read.ts,
// cases-erase.ts or cases-verify.ts) fails the test that names what it guards.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RecordRef, SubprocessorAdapter } from "../../src/adapter.js";
import { FanoutError } from "../../src/errors.js";
import type { ConformanceCase } from "../../src/testing/conformance/options.js";
import {
  capsuleSimulator,
  type SimulatorFactory,
  type Simulators,
  startSimulators,
} from "../../src/testing/index.js";
import { notebookAdapter, notebookSimulator } from "./example/notebook.js";
import { kitCases } from "./fixtures/kit-cases.js";

type Build = (o: Record<string, unknown>) => SubprocessorAdapter;
const notebook: Build = (o) => notebookAdapter(o as { token: string; baseUrl: string });

/** Notebook's adapter with refs of its own making (`notebook-contact-c7`), not the provider's ids. */
const withOwnRefs: Build = (o) => {
  const a = notebook(o);
  const PREFIX = "notebook-contact-";
  const provider = (refs: readonly RecordRef[]) => refs.map((r) => ({ ...r, id: r.id.slice(PREFIX.length) }));
  return {
    ...a,
    async locate(subject, ctx) {
      const located = await a.locate(subject, ctx);
      return { ...located, refs: located.refs.map((r) => ({ ...r, id: `${PREFIX}${r.id}` })) };
    },
    delete: (refs, ctx) => a.delete(provider(refs), ctx),
    status: (refs, deletion, ctx) => a.status(provider(refs), deletion, ctx),
  };
};

/**
 * Notebook, where deleting a contact already in the trash applies the delete again (204, counted
 * as a second irreversible application): a provider that does not refuse a repeated operation, as
 * an "anonymise" endpoint may not. Contacts count as deleted once the wrapped simulator answered
 * 204 (the cases here never make a delete not take).
 */
const reapplyingNotebook: SimulatorFactory = {
  ...notebookSimulator,
  create(env) {
    const sim = notebookSimulator.create(env);
    const deleted = new Set<string>();
    const again = new Map<string, number>();
    return {
      ...sim,
      async handle(req) {
        const [, resource, id, sub] = req.path.split("/");
        const contactDelete = req.method === "DELETE" && resource === "contacts" && id && !sub;
        if (contactDelete && deleted.has(id)) {
          again.set(`contact:${id}`, (again.get(`contact:${id}`) ?? 0) + 1);
          return { status: 204 };
        }
        const res = await sim.handle(req);
        if (contactDelete && res.status === 204) deleted.add(id);
        return res;
      },
      destructiveApplications() {
        const counts = new Map(sim.destructiveApplications());
        for (const [key, n] of again) counts.set(key, (counts.get(key) ?? 0) + n);
        return counts;
      },
    };
  },
};

/** Simulators of `factory` started for the enclosing describe block (read them through the getter). */
function runningSimulators(factory: SimulatorFactory): () => Simulators {
  let sims: Simulators | undefined;
  beforeAll(async () => {
    sims = await startSimulators({ providers: [factory], transport: "http", pageSize: 2, timeScale: 0.01 });
  });
  afterAll(() => sims?.close());
  return () => sims!;
}

describe("erase and verify cases, on Notebook", () => {
  const sims = runningSimulators(notebookSimulator);
  const run = (
    label: string,
    build: Build,
    name: Parameters<ReturnType<typeof kitCases>["cases"]["get"]>[0],
    options = {},
  ) => kitCases(label, build, notebookSimulator, sims, options).cases.get(name)!.run();

  it("delete-verified fails an adapter that claims a hard delete but leaves its records in the trash", async () => {
    const hardByClaim: Build = (o) => {
      const a = notebook(o);
      return { ...a, capabilities: { ...a.capabilities, softDelete: false, asyncDelete: true } };
    };
    await expect(run("claims-hard", hardByClaim, "delete-verified")).rejects.toThrow(
      "trashed records of a hard delete",
    );
  });

  it("delete-not-taken passes an adapter whose status fails loudly (a FanoutError) when its delete did not take", async () => {
    const loud: Build = (o) => {
      const a = notebook(o);
      return {
        ...a,
        async status(refs, deletion, ctx) {
          const status = await a.status(refs, deletion, ctx);
          if (status.state === "remaining")
            throw new FanoutError("PROVIDER_RESPONSE", "a contact is still there after its delete", {
              provider: "notebook",
              retryable: false,
            });
          return status;
        },
      };
    };
    await run("fails-loudly", loud, "delete-not-taken");
  });

  it("delete-not-taken fails an adapter whose status throws an error that is not a FanoutError", async () => {
    const careless: Build = (o) => {
      const a = notebook(o);
      return {
        ...a,
        async status(refs, deletion, ctx) {
          const status = await a.status(refs, deletion, ctx);
          if (status.state === "remaining") throw new TypeError("cannot read properties of undefined");
          return status;
        },
      };
    };
    await expect(run("type-error", careless, "delete-not-taken")).rejects.toThrow(TypeError);
  });

  it("delete-verified fails an adapter that says not_found of records it deleted", async () => {
    const denies: Build = (o) => {
      const a = notebook(o);
      return {
        ...a,
        delete: async (refs, ctx) => ({ ...(await a.delete(refs, ctx)), outcome: "not_found" }),
      };
    };
    await expect(run("denies", denies, "delete-verified")).rejects.toThrow(
      "the outcome of deleting records that were found",
    );
  });

  // A record id is looked for in residual text once it has 4 characters: shorter ones (Notebook's
  // own, `c7`) would be found in any text by chance.
  const residualNaming =
    (build: Build): Build =>
    (o) => {
      const a = build(o);
      return {
        ...a,
        async delete(refs, ctx) {
          const done = await a.delete(refs, ctx);
          const detail = `contact ${refs[0]?.id ?? "?"} kept in the trash`;
          return { ...done, residual: [{ type: "contact", count: 1, reason: "restorable", detail }] };
        },
      };
    };

  it("residuals fails an adapter whose residual names a record it deleted", async () => {
    await expect(run("residual-id", residualNaming(withOwnRefs), "residuals")).rejects.toThrow(
      "personal data or a record id",
    );
  });

  it("residuals passes a residual holding a record id too short to tell from any text", async () => {
    await run("residual-short-id", residualNaming(notebook), "residuals");
  });

  // The default is 10 s: a case that ignored the option would outlast the test's 5 s.
  it("the erase and verify cases give up after verifyTimeoutMs when status never settles", {
    timeout: 5_000,
  }, async () => {
    const pending: Build = (o) => ({
      ...notebook(o),
      status: async () => ({ state: "pending", remaining: 0 }),
    });
    const options = { verifyTimeoutMs: 100 };
    await expect(run("pending-erase", pending, "delete-verified", options)).rejects.toThrow(
      "status after delete",
    );
    await expect(run("pending-verify", pending, "delete-not-taken", options)).rejects.toThrow(
      "status after a delete that did not take",
    );
  });
});

describe("on a Notebook that applies a repeated delete again", () => {
  const sims = runningSimulators(reapplyingNotebook);
  const cases = (label: string, build: Build) => kitCases(label, build, reapplyingNotebook, sims).cases;

  it("delete-verified fails an adapter that deletes each record twice", async () => {
    const twice: Build = (o) => {
      const a = notebook(o);
      return {
        ...a,
        async delete(refs, ctx) {
          await a.delete(refs, ctx);
          return a.delete(refs, ctx);
        },
      };
    };
    await expect(cases("twice", twice).get("delete-verified")!.run()).rejects.toThrow(
      "irreversible operations applied twice",
    );
  });

  it("delete-idempotent fails Notebook's own adapter, which sends its delete again on a retry", async () => {
    await expect(cases("retry", notebook).get("delete-idempotent")!.run()).rejects.toThrow(
      "a second delete applied an irreversible operation again",
    );
  });
});

describe("on Capsule, below its asynchronous-delete threshold (a hard delete, done at once)", () => {
  const sims = runningSimulators(capsuleSimulator);
  // Capsule deletes a party with few entries at once; declared synchronous here, as an adapter for
  // a provider without soft or asynchronous deletes would be.
  const synchronous: Build = (o) => {
    const a = capsuleSimulator.createAdapter(o);
    return { ...a, capabilities: { ...a.capabilities, asyncDelete: false, softDelete: false } };
  };
  const run = (label: string, build: Build, name: ConformanceCase) =>
    kitCases(label, build, capsuleSimulator, sims).cases.get(name)!.run();

  it("delete-verified passes the adapter, whose status says done", async () => {
    await run("hard", synchronous, "delete-verified");
  });

  it("delete-verified fails an adapter that says scheduled with nothing soft or asynchronous to wait for", async () => {
    const saysScheduled: Build = (o) => {
      const a = synchronous(o);
      return {
        ...a,
        async status(refs, deletion, ctx) {
          const status = await a.status(refs, deletion, ctx);
          return status.state === "done" ? { ...status, state: "scheduled" } : status;
        },
      };
    };
    await expect(run("says-scheduled", saysScheduled, "delete-verified")).rejects.toThrow(
      "status 'scheduled' from an adapter whose capabilities have neither softDelete nor asyncDelete",
    );
  });
});

describe("read cases, on Notebook", () => {
  const sims = runningSimulators(notebookSimulator);
  const run = (label: string, build: Build, name: ConformanceCase, options = {}) =>
    kitCases(label, build, notebookSimulator, sims, options).cases.get(name)!.run();

  it("locate-email passes an adapter that also searched by the phone the subject has", async () => {
    const withPhone = {
      subject: (n: number) => ({
        email: `kit-phone-${n}@example.test`,
        name: `Kit Person${n}`,
        phone: `+44 20 7946 0${String(100 + n)}`,
      }),
    };
    await run("email-and-phone", notebook, "locate-email", withPhone);
  });

  it("locate-phone fails an adapter whose coverage claims the email it was not given", async () => {
    const claimsEmail: Build = (o) => {
      const a = notebook(o);
      return {
        ...a,
        async locate(subject, ctx) {
          const located = await a.locate(subject, ctx);
          return { ...located, coverage: { searchedBy: ["email", "phone"], types: ["contact", "note"] } };
        },
      };
    };
    await expect(run("claims-email", claimsEmail, "locate-phone")).rejects.toThrow(
      "coverage.searchedBy (no email given)",
    );
  });

  it("export-pages fails an adapter whose export makes a call the provider refuses", async () => {
    const probes: Build = (o) => {
      const a = notebook(o);
      return {
        ...a,
        async export(refs, ctx) {
          // A probe for a record that is not there (404, which the adapter shrugs off).
          await a.export([{ type: "contact", id: "gone" }], ctx);
          return a.export(refs, ctx);
        },
      };
    };
    await expect(run("probes", probes, "export-pages")).rejects.toThrow(
      "no failed call during locate or export",
    );
  });

  it("unknown-subject fails an adapter that reads a provider's 500 as 'nothing found'", async () => {
    const hopeful: Build = (o) => {
      const a = notebook(o);
      return {
        ...a,
        async locate(subject, ctx) {
          sims().inject(notebookSimulator.id, { status: 500, times: 1 });
          return a.locate(subject, ctx).catch(() => ({ refs: [] }));
        },
      };
    };
    await expect(run("hopeful", hopeful, "unknown-subject")).rejects.toThrow(
      "server errors or dropped connections while looking for an unknown subject",
    );
  });

  it("abort-pagination fails an adapter that answers ABORTED but goes on calling the provider", async () => {
    const keepsGoing: Build = (o) => {
      const a = notebook(o);
      return {
        ...a,
        async export(refs, ctx) {
          try {
            return await a.export(refs, ctx);
          } catch (error) {
            // The work goes on in the background, after the caller was told it stopped.
            if (ctx.signal.aborted)
              void a.export(refs, { ...ctx, signal: new AbortController().signal }).catch(() => {});
            throw error;
          }
        },
      };
    };
    await expect(run("keeps-going", keepsGoing, "abort-pagination")).rejects.toThrow(
      "requests sent after the abort",
    );
  });
});

/**
 * A stateful simulator of the Pipedrive API (v1 and v2) for one company with several users: person
 * search and reads, activities with participants, deals, leads, notes, files, mail messages and
 * threads, per-user call logs with recordings, the company's users, soft deletes into a 30-day
 * trash, token-budget and burst rate limits.
 *
 * @see https://developers.pipedrive.com/docs/api/v1
 * @see PROVIDERS.md §5 and §8
 */
import { pipedriveAdapter } from "../../../../adapters/pipedrive/index.js";
import type {
  OracleView,
  ProviderSimulator,
  SeedOptions,
  SimEnvironment,
  SimRequest,
  SimResponse,
  SimSubject,
  SimulatorFactory,
} from "../../simulator.js";
import { IntegrationLedger, integrationOracle, seedIntegration } from "./integration.js";
import { DEFAULT_PLAN, PipedriveLimits, type PipedrivePlan, tokenCost } from "./limits.js";
import { PipedriveState, type SimUser } from "./model.js";
import { pipedriveError } from "./responses.js";
import { applyRetentionSeed, seeding } from "./retention.js";
import { ROUTES } from "./routes.js";

export type { PipedrivePlan } from "./limits.js";
export type { SimUser as PipedriveSimUser } from "./model.js";

/** The Pipedrive simulator, with what tests need beyond the common contract. */
export interface PipedriveSimulator extends ProviderSimulator {
  /** The company's users; `users[0]` is the admin. */
  readonly users: readonly SimUser[];
  /** Uses up the company's daily token budget: every request then answers 429. */
  exhaustDailyBudget(): void;
}

function authenticate(
  state: PipedriveState,
  request: SimRequest,
): { user: SimUser; kind: "api_token" | "oauth"; token: string } | undefined {
  const header = request.headers["x-api-token"];
  // `api_token` in the query string is the legacy way [S]; still accepted.
  const apiToken = header ?? request.query.get("api_token") ?? undefined;
  if (apiToken !== undefined) {
    const user = state.users.find((u) => u.apiToken === apiToken);
    return user ? { user, kind: "api_token", token: apiToken } : undefined;
  }
  const bearer = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? "")?.[1];
  if (bearer !== undefined) {
    const user = state.users.find((u) => u.oauthToken === bearer);
    return user ? { user, kind: "oauth", token: bearer } : undefined;
  }
  return undefined;
}

/** Creates a Pipedrive simulator in `env`. */
export function createPipedriveSimulator(
  env: SimEnvironment,
  plan: PipedrivePlan = DEFAULT_PLAN,
): PipedriveSimulator {
  const state = new PipedriveState(env);
  const limits = new PipedriveLimits(env, plan);
  const ledger = new IntegrationLedger();

  const handle = (request: SimRequest): SimResponse => {
    state.purge();
    // Pipedrive serves v1 both at /v1 and at /api/v1 (the OAuth api_domain form).
    const path = request.path.replace(/^\/api\/v1\//, "/v1/").replace(/\/+$/, "");
    const auth = authenticate(state, request);
    if (!auth) return pipedriveError(401);
    const route = ROUTES.find((r) => r.method === request.method && r.pattern.test(path));
    if (!route) {
      const known = ROUTES.some((r) => r.pattern.test(path));
      return pipedriveError(known ? 405 : 404);
    }
    const params = route.pattern.exec(path)?.slice(1) ?? [];
    const verdict = limits.charge(
      auth.token,
      auth.kind,
      route.search === true,
      tokenCost(request.method, path, route.list === true, route.search === true),
      request.method === "POST" || request.method === "PUT",
    );
    if (!verdict.allowed) return pipedriveError(429, undefined, verdict.headers);
    const response = route.handle({ state, env, user: auth.user, params, request: { ...request, path } });
    return { ...response, headers: { ...verdict.headers, ...(response.headers ?? {}) } };
  };

  const oracle = (subject: SimSubject): OracleView => {
    state.purge();
    const ids = state.personIdsByEmail(subject.email);
    const byType: Record<string, { live: number; trashed: number }> = {};
    let liveCount = 0;
    let trashedCount = 0;
    const count = (type: string, deleted: boolean): void => {
      const entry = byType[type] ?? { live: 0, trashed: 0 };
      byType[type] = entry;
      if (deleted) {
        entry.trashed += 1;
        trashedCount += 1;
      } else {
        entry.live += 1;
        liveCount += 1;
      }
    };
    for (const id of ids) count("person", state.persons.get(id)?.deletedAt !== undefined);
    for (const a of state.activities.values()) {
      if (
        a.participants.some((p) => ids.has(p.person_id)) ||
        (a.person_id !== null && ids.has(a.person_id))
      ) {
        count("activity", a.deletedAt !== undefined);
      }
    }
    for (const d of state.deals.values())
      if (d.person_id !== null && ids.has(d.person_id)) count("deal", d.deletedAt !== undefined);
    for (const n of state.notes.values())
      if (n.person_id !== null && ids.has(n.person_id)) count("note", false);
    for (const f of state.files.values())
      if (f.person_id !== null && ids.has(f.person_id)) count("file", f.deletedAt !== undefined);
    for (const l of state.leads.values())
      if (l.person_id !== null && ids.has(l.person_id)) count("lead", l.deletedAt !== undefined);
    // Mail stays the subject's after Pipedrive unlinks it from a deleted person: counted by the
    // person it was seeded for; trashed once its thread is marked deleted.
    for (const m of state.mail.values()) {
      if (ids.has(m.subject_person_id)) {
        count("mail_message", state.mailThreads.get(m.thread_id)?.deletedAt !== undefined);
      }
    }
    let recordings = 0;
    for (const c of state.callLogs.values()) {
      if (c.person_id === null || !ids.has(c.person_id)) continue;
      count("call_log", false);
      if (c.recording !== undefined) recordings += 1;
    }
    // Recordings are part of their call log (not counted twice in `live`); listed for tests.
    if (recordings > 0) byType.recording = { live: recordings, trashed: 0 };
    return { live: liveCount, trashed: trashedCount, restricted: 0, byType };
  };

  return {
    id: "pipedrive",
    users: state.users,
    handle,
    errorResponse(status, options = {}) {
      if (status !== 429) return pipedriveError(status);
      const seconds = Math.max(1, Math.ceil((options.retryAfterMs ?? env.scale(2_000)) / 1000));
      return pipedriveError(429, undefined, {
        "x-ratelimit-limit": String(plan.burstApiToken),
        "x-ratelimit-remaining": "0",
        "x-ratelimit-reset": String(seconds),
      });
    },
    seed(subject: SimSubject, options: SeedOptions): string[] {
      const { result: id, added } = seeding(state, () =>
        state.seedPerson(subject.email, subject.phone, subject.name, options.records ?? 5),
      );
      applyRetentionSeed(state, id, options, added);
      return [String(id)];
    },
    oracle,
    destructiveApplications: () => new Map(state.destructive),
    adapterOptions(baseUrl: string) {
      const [admin, ...others] = state.users;
      return {
        apiToken: admin?.apiToken ?? "",
        userTokens: others.map((u) => u.apiToken),
        baseUrl,
      };
    },
    exhaustDailyBudget: () => limits.exhaustDailyBudget(),
    seedIntegration: (caller, options) => seedIntegration(state, ledger, caller, options),
    integrationOracle: (caller) => integrationOracle(state, ledger, caller),
  };
}

/** The Pipedrive {@link SimulatorFactory}. */
export const pipedriveSimulator: SimulatorFactory = {
  id: "pipedrive",
  create: (env) => createPipedriveSimulator(env),
  createAdapter: (options) => pipedriveAdapter(options as unknown as Parameters<typeof pipedriveAdapter>[0]),
};

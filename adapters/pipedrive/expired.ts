/**
 * Pipedrive retention sweeps: persons whose retention ran out.
 *
 * - prospect: a person with no won deal (`won_deals_count` 0), added and last updated before the
 *   cut-off. Read with `GET /api/v2/persons?updated_until=…&sort_by=id&include_fields=won_deals_count`:
 *   `updated_until` keeps persons "with an `update_time` earlier than this time" on the server,
 *   and the deal count and both times are checked again on each person returned.
 * - inactive: not offered. A Pipedrive person has no state that says "former customer" (deals are
 *   won or lost, never closed as an account); the billing adapters' `inactive` sweeps and the
 *   account-closure erasure cover closed accounts (docs/sweeps.md).
 *
 * Paging follows the v2 cursor, which marks "the first item on the next page" (a position, not an
 * offset: persons erased meanwhile shift nothing). A record's resume point is its page's cursor,
 * so a resumed sweep reads that page again (its filings are already there). A cursor Pipedrive no
 * longer accepts (400) restarts the listing from the beginning.
 *
 * @see https://developers.pipedrive.com/docs/api/v1/Persons#getPersons (v2; `pipedrive` 33.7
 *   `dist/esm/versions/v2/api/persons-api.d.ts`: `updated_until`, `sort_by`, `include_fields`)
 * @see docs/adapters/pipedrive.md#retention-sweeps
 */
import type { ExpiredRecord, SweepContext, SweepPolicy } from "../../src/adapter.js";
import { ConfigurationError, isFanoutError } from "../../src/errors.js";
import { type PipedriveCredential, type PipedriveSession, V2_LIMIT } from "./api.js";

function time(value: unknown): number {
  return typeof value === "string"
    ? Date.parse(value.includes("T") ? value : `${value.replace(" ", "T")}Z`)
    : Number.NaN;
}

/**
 * The person's email addresses and phone numbers as the v2 list returns them (`emails` and
 * `phones`: lists of `{ value, primary, label }`, `pipedrive` 33.7
 * `dist/esm/versions/v2/models/person.d.ts`, `person-item-email.d.ts`); no extra call. The sweep
 * checks subject holds on them; kept in memory only.
 */
function identifiers(person: Record<string, unknown>): { email?: string[]; phone?: string[] } {
  const values = (list: unknown) =>
    (Array.isArray(list) ? list : [])
      .map((e) => (e && typeof e === "object" ? (e as { value?: unknown }).value : undefined))
      .filter((v): v is string => typeof v === "string" && v.trim().length > 0)
      .map((v) => v.trim());
  const email = values(person.emails);
  const phone = values(person.phones);
  return { ...(email.length ? { email } : {}), ...(phone.length ? { phone } : {}) };
}

/** The records `expired` yields for Pipedrive. */
export async function* expiredPersons(
  open: () => Promise<PipedriveSession>,
  main: PipedriveCredential,
  policy: SweepPolicy,
  ctx: SweepContext,
): AsyncIterable<ExpiredRecord> {
  if (policy.kind !== "prospect") {
    throw new ConfigurationError("pipedrive: only the prospect policy is offered (see docs/sweeps.md)", {
      option: "pipedrive",
    });
  }
  const session = await open();
  const cut = policy.olderThan.getTime();
  const until = new Date(cut).toISOString().replace(/\.\d{3}Z$/, "Z");
  let page: string | undefined = ctx.cursor
    ? ((JSON.parse(ctx.cursor) as { page?: string | null }).page ?? undefined)
    : undefined;
  let resumed = page !== undefined;
  for (;;) {
    const from = page;
    let body: Awaited<ReturnType<PipedriveSession["envelope"]>>;
    try {
      body = await session.envelope("persons.listExpired", () =>
        session.as(main).persons.getPersons({
          updated_until: until,
          sort_by: "id",
          sort_direction: "asc",
          include_fields: "won_deals_count",
          limit: V2_LIMIT,
          ...(from ? { cursor: from } : {}),
        }),
      );
    } catch (error) {
      if (resumed && isFanoutError(error) && error.code === "VALIDATION") {
        // The saved cursor is no longer accepted: list again from the start (filings are idempotent).
        ctx.logger.warn({ operation: "persons.listExpired" }, "saved cursor refused; listing from the start");
        page = undefined;
        resumed = false;
        continue;
      }
      throw error;
    }
    resumed = false;
    const cursor = JSON.stringify({ page: from ?? null });
    for (const person of (Array.isArray(body?.data) ? body.data : []) as Record<string, unknown>[]) {
      const id = person.id;
      if (typeof id !== "number" && typeof id !== "string") continue;
      const prospect =
        person.won_deals_count === 0 && time(person.add_time) < cut && time(person.update_time) < cut;
      if (prospect) yield { type: "person", id: String(id), cursor, ...identifiers(person) };
    }
    const next = body?.additional_data?.next_cursor;
    if (typeof next !== "string" || next.length === 0) return;
    page = next;
  }
}

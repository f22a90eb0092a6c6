/**
 * Which of the company's users the configured tokens act as. Call logs (`GET /v1/callLogs`) and
 * mail threads are reachable only with their own user's token, so a user without one keeps theirs:
 * the adapter lists the company's users (`GET /v1/users`), asks each token who it is
 * (`GET /v1/users/me`), and reports the users no token covers — by id only, never name or email.
 *
 * @see https://developers.pipedrive.com/docs/api/v1/Users
 */
import type { Residual } from "../../src/adapter.js";
import type { PipedriveCredential, PipedriveSession } from "./api.js";

/** The users the credentials act as, and the company's users none of them does. */
export interface UserCoverage {
  /** The user id each credential acts as, by the credential's index in the adapter's list. */
  readonly userOf: ReadonlyMap<number, number>;
  /** Ids of the company's users whose token is not configured, ascending. */
  readonly uncovered: readonly number[];
}

/** Asks Pipedrive who every credential is, and who else is in the company. */
export async function userCoverage(
  session: PipedriveSession,
  credentials: readonly PipedriveCredential[],
): Promise<UserCoverage> {
  const userOf = new Map<number, number>();
  for (const [index, credential] of credentials.entries()) {
    const me = await session.envelope("users.me", () => session.as(credential).users.getCurrentUser());
    const id = (me?.data as { id?: unknown } | null | undefined)?.id;
    if (typeof id === "number") userOf.set(index, id);
  }
  const main = credentials[0] as PipedriveCredential;
  const all = await session.envelope("users.list", () => session.as(main).users.getUsers());
  const users = Array.isArray(all?.data) ? (all.data as { id?: unknown }[]) : [];
  const covered = new Set(userOf.values());
  const uncovered = users
    .map((u) => u.id)
    .filter((id): id is number => typeof id === "number" && !covered.has(id))
    .sort((a, b) => a - b);
  return { userOf, uncovered };
}

/** The credential index acting as `userId`, if any. */
export function credentialOf(coverage: UserCoverage, userId: unknown): number | undefined {
  for (const [index, id] of coverage.userOf) if (id === userId) return index;
  return undefined;
}

/** Ids for a residual's detail: at most 20, then how many more (ids of staff users, not the subject). */
export function idList(ids: readonly number[]): string {
  const shown = ids.slice(0, 20).join(", ");
  return ids.length > 20 ? `${shown} and ${ids.length - 20} more` : shown;
}

/** The `not_covered` residual for users whose call logs could not be searched. */
export function uncoveredUsersResidual(coverage: UserCoverage): Residual | undefined {
  const n = coverage.uncovered.length;
  if (n === 0) return undefined;
  return {
    type: "user",
    count: n,
    reason: "not_covered",
    detail: `Call logs of ${n} Pipedrive ${n === 1 ? "user" : "users"} (user ${n === 1 ? "id" : "ids"} ${idList(coverage.uncovered)}) were not searched: their API tokens are not configured (userTokens)`,
  };
}

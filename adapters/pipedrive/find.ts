/**
 * Finding a subject's persons: ids given by the caller (checked), then the persons search by exact
 * email and by every stored form of the phone number.
 *
 * `GET /api/v2/persons/search` with `exact_match=true` returns "only full exact matches against the
 * given term" and "is not case sensitive" (the official SDK, `pipedrive` 33.7
 * `dist/versions/v2/api/persons-api.d.ts`, searchPersons). Whether Pipedrive compares phone numbers
 * by their digits or by the text as stored is not documented, so the phone is searched in each form
 * a person may have been saved with (`phoneFormats`: E.164, `+44 20 7946 0000`, `0044…`, national
 * with and without spaces), and every hit is confirmed against the subject's number (`samePhone`):
 * a fuzzy hit never counts.
 */
import type { IdentifierKind } from "../../src/adapter.js";
import { phoneFormats, samePhone } from "../../src/phone.js";
import type { Subject } from "../../src/subject.js";
import { type PipedriveCredential, type PipedriveObject, type PipedriveSession, V2_LIMIT } from "./api.js";
import { GONE } from "./collect.js";

/** The persons found and the kinds of identifier actually searched. */
export interface FoundPersons {
  readonly ids: number[];
  readonly searchedBy: IdentifierKind[];
}

/** Live person ids for the subject, and what was searched to find them. */
export async function findPersons(
  session: PipedriveSession,
  main: PipedriveCredential,
  subject: Subject,
  adapterId: string,
): Promise<FoundPersons> {
  const found = new Set<number>();
  const searchedBy: IdentifierKind[] = [];
  const ids = (subject.ids[adapterId] ?? []).filter((raw) => /^\d{1,15}$/.test(raw));
  if (ids.length > 0) searchedBy.push("id");
  for (const raw of ids) {
    const id = Number(raw);
    const body = await session.envelope(
      "persons.get",
      () => session.as(main).persons.getPerson({ id }),
      GONE,
    );
    if (body !== undefined) found.add(id);
  }
  if (subject.email !== undefined) {
    searchedBy.push("email");
    const email = subject.email;
    for (const item of await search(session, main, email, "email")) {
      const emails = Array.isArray(item.emails) ? item.emails : [];
      if (emails.some((e) => typeof e === "string" && e.trim().toLowerCase() === email)) {
        found.add(item.id as number);
      }
    }
  }
  if (subject.phone !== undefined) {
    searchedBy.push("phone");
    const phone = subject.phone;
    for (const term of phoneFormats(phone)) {
      for (const item of await search(session, main, term, "phone")) {
        const phones = Array.isArray(item.phones) ? item.phones : [];
        if (phones.some((p) => typeof p === "string" && samePhone(p, phone))) found.add(item.id as number);
      }
    }
  }
  return { ids: [...found].sort((a, b) => a - b), searchedBy };
}

/** The persons of an exact search on one field (their `item`s, with a numeric id). */
async function search(
  session: PipedriveSession,
  main: PipedriveCredential,
  term: string,
  fields: "email" | "phone",
): Promise<PipedriveObject[]> {
  const hits = await session.v2All("persons.search", (cursor) =>
    session
      .as(main)
      .persons.searchPersons({
        term,
        fields,
        exact_match: true,
        limit: V2_LIMIT,
        ...(cursor === undefined ? {} : { cursor }),
      })
      // The search answers `data: { items: [...] }`; flatten it for the paginator.
      .then((body) => {
        const b = body as { data?: { items?: unknown } | null };
        return { ...b, data: b.data?.items ?? [] };
      }),
  );
  return hits
    .map((hit) => hit.item as PipedriveObject | undefined)
    .filter((item): item is PipedriveObject => typeof item?.id === "number");
}

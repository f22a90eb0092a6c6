/**
 * Capsule in integration scope (`ctx.scope === "integration"`, docs/tenants.md): only the entries a
 * phone integration wrote on a customer's parties — its call notes (the built-in "Call" activity
 * type), their recordings (attachments) and the notes it added — never the party the account keeps
 * of the caller, nor entries the account's users wrote.
 *
 * What marks the integration's records: an entry's `creator`, the user whose token wrote it
 * (developer.capsulecrm.com/v2/operations/Entry, `embed=creator`). The integration's user is the
 * `entryCreator` option (a username) or else the token's own user, `GET /api/v2/users/current`
 * ("Shows the details of the user the provided access token" belongs to,
 * developer.capsulecrm.com/v2/operations/User).
 *
 * Finding them: the ids it stored (`subject.ids.capsule`: `entry:123` or a bare id), read by id; by
 * number, the parties with that phone number (the `phone` party filter, every stored form, checked
 * with `samePhone`) and, of their entries, the integration's.
 *
 * Erasing: `DELETE /api/v2/entries/{id}`, which takes the entry's attachments with it (PROVIDERS.md
 * §7.4 marks the endpoint [U]; erase.ts uses it in subject scope too). `status` checks every entry is
 * gone.
 */
import type {
  ExportFile,
  ExportRecord,
  IdentifierKind,
  JsonValue,
  OperationContext,
} from "../../src/adapter.js";
import { ConfigurationError } from "../../src/errors.js";
import type { IntegrationOperations } from "../../src/integration-scope.js";
import { phoneFormats, samePhone } from "../../src/phone.js";
import type { CapsuleApi, CapsuleEntry } from "./api.js";
import { attachmentFile, attachmentRecord, entryRecord } from "./mapping.js";

/** Entry ids in `subject.ids.capsule` (`entry:123` or bare digits); other types are not the integration's. */
export function parseEntryIds(raw: readonly string[]): string[] {
  const out: string[] = [];
  for (const value of raw) {
    const match = /^(?:entr(?:y|ies)[:/])?(\d{1,20})$/.exec(value.trim());
    if (match?.[1] && !out.includes(match[1])) out.push(match[1]);
  }
  return out;
}

/** Who the integration is: a username (configured) or a user id (the token's). */
type Writer = { readonly username: string } | { readonly id: string };

export function capsuleIntegration(api: CapsuleApi, entryCreator: string | undefined): IntegrationOperations {
  let cached: Promise<Writer> | undefined;
  const writer = (ctx: OperationContext): Promise<Writer> => {
    if (entryCreator) return Promise.resolve({ username: entryCreator.toLowerCase() });
    cached ??= api.currentUser(ctx).then((user) => {
      const id = user?.id;
      if (typeof id !== "number" && typeof id !== "string") {
        throw new ConfigurationError(
          "capsule: the token's user could not be read (users/current); set entryCreator",
          { option: "capsule.entryCreator" },
        );
      }
      return { id: String(id) };
    });
    cached.catch(() => {
      cached = undefined;
    });
    return cached;
  };
  const wroteIt = (entry: CapsuleEntry, w: Writer) =>
    "username" in w
      ? entry.creator?.username?.toLowerCase() === w.username
      : entry.creator !== null && entry.creator !== undefined && String(entry.creator.id) === w.id;

  return {
    lookup: ["phone", "id"],

    async locate(subject, ctx) {
      const w = await writer(ctx);
      const searchedBy: IdentifierKind[] = [];
      const found = new Set<string>();
      const given = parseEntryIds(subject.ids.capsule ?? []);
      if (given.length > 0) searchedBy.push("id");
      for (const id of given) {
        const entry = await api.entry(ctx, id);
        if (entry && wroteIt(entry, w)) found.add(String(entry.id));
      }
      if (subject.phone) {
        searchedBy.push("phone");
        const phone = subject.phone;
        const forms = phoneFormats(phone);
        for (const form of [...forms])
          if (form.startsWith("+") && form.includes(" ")) forms.push(`00${form.slice(1)}`);
        const parties = new Set<string>();
        for (const form of forms) {
          for (const party of await api.findPartiesByPhone(ctx, form)) {
            const numbers = (party.phoneNumbers as { number?: unknown }[] | undefined) ?? [];
            if (numbers.some((n) => typeof n.number === "string" && samePhone(n.number, phone))) {
              parties.add(String(party.id));
            }
          }
        }
        for (const partyId of parties) {
          for (const entry of await api.entries(ctx, partyId))
            if (wroteIt(entry, w)) found.add(String(entry.id));
        }
      }
      return {
        refs: [...found].map((id) => ({ type: "entry", id })),
        coverage: { searchedBy, types: ["entry", "call", "note", "attachment"] },
      };
    },

    async export(refs, ctx) {
      const records: ExportRecord[] = [];
      const files: ExportFile[] = [];
      for (const ref of refs) {
        const entry = await api.entry(ctx, ref.id);
        if (!entry) continue;
        records.push(entryRecord(entry));
        for (const meta of entry.attachments ?? []) {
          const download = await api.attachment(ctx, meta.id);
          const file = download
            ? attachmentFile(
                entry.id,
                meta.id,
                download.filename ?? meta.filename,
                download.contentType,
                download.bytes,
              )
            : undefined;
          if (file) files.push(file);
          records.push(attachmentRecord(entry.id, meta, file));
        }
      }
      return files.length > 0 ? { records, files } : { records };
    },

    async delete(refs, ctx) {
      const w = await writer(ctx);
      let deleted = 0;
      const entries: string[] = [];
      for (const ref of refs) {
        // Read again: an entry is deleted only while it is still the integration's.
        const entry = await api.entry(ctx, ref.id);
        if (entry && !wroteIt(entry, w)) continue;
        entries.push(ref.id);
        if (!entry) continue;
        const answer = await api.deleteEntry(ctx, entry.id);
        if (answer.kind === "deleted") deleted += 1;
      }
      return {
        outcome: "erased",
        deleted,
        detail: `${entries.length} entr${entries.length === 1 ? "y" : "ies"} the integration wrote deleted with their attachments (recordings); the account's party and entries were left in place`,
        state: { entries } as JsonValue,
      };
    },

    async status(_refs, deletion, ctx) {
      const state = deletion.state as { entries?: unknown } | undefined;
      const ids = Array.isArray(state?.entries)
        ? state.entries.filter((x): x is string => typeof x === "string")
        : [];
      let remaining = 0;
      for (const id of ids) if (await api.exists(ctx, "entries", id)) remaining += 1;
      return remaining > 0 ? { state: "remaining", remaining } : { state: "done", remaining: 0 };
    },
  };
}

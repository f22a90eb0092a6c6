/**
 * Zoho CRM in integration scope (`ctx.scope === "integration"`, docs/tenants.md): only the Calls
 * records a phone integration wrote into a customer's org, with their recordings (attachments) and
 * the notes it attached — never the contact or lead the org keeps of the caller, nor calls and
 * notes its users entered.
 *
 * What marks the integration's records: `Created_By`, the user whose token created a record (the
 * `Record` schema in zoho/crm-oas v8 `record.json`; notes and attachments carry it too:
 * `notes.json`, `attachments.json`). The integration's user is `integration.userId`, or the token's
 * own user from `GET /crm/v8/users?type=CurrentUser` ("To get the current CRM user",
 * zoho.com/crm/developer/docs/api/v2.1/get-users.html; scope `ZohoCRM.users.READ`).
 *
 * Finding them: the ids it stored (`subject.ids.zoho`: `Calls:123`, `call:123` or a bare id), read
 * by id; by number, the contacts and leads whose phone matches (the search used in subject scope,
 * every stored form, checked with `samePhone`) and, of their Calls related list, those the
 * integration created. [U] The standard Calls fields hold no phone number, so a call logged
 * against no contact or lead is found only by its id.
 *
 * Erasing: a call goes to the recycle bin and is purged from it at once, its notes and attachments
 * with it (Zoho deletes a record's notes and attachments with it: del-recycle-bin-records,
 * restore-recycle-bin-records). A call to which a CRM user added a note or an attachment is kept
 * whole — purging it would destroy what the org entered — and reported as `not_covered`.
 */
import type {
  ExportFile,
  ExportRecord,
  IdentifierKind,
  JsonValue,
  OperationContext,
  Residual,
} from "../../src/adapter.js";
import { ConfigurationError } from "../../src/errors.js";
import type { IntegrationOperations } from "../../src/integration-scope.js";
import { phoneFormats, samePhone } from "../../src/phone.js";
import { itemFailure, type ZohoApi, type ZohoRecordJson } from "./api.js";
import { moveToBin, notLive, ok, type Target } from "./bin.js";
import { exportRecord, FIELDS, fileName, idOf, type PersonModule, ref } from "./mapping.js";

const PHONE_FIELDS = ["Phone", "Mobile", "Home_Phone", "Other_Phone", "Asst_Phone"] as const;
const CALL_FIELDS = `${FIELDS.Calls},Created_By`;
const CHILD_FIELDS = { Notes: `${FIELDS.Notes},Created_By`, Attachments: `${FIELDS.Attachments},Created_By` };

/** Call ids in `subject.ids.zoho`: `Calls:123`, `call:123` or bare digits; other modules are not the integration's. */
export function parseCallIds(raw: readonly string[]): string[] {
  const out: string[] = [];
  for (const value of raw) {
    const match = /^(?:(?:Calls|calls?)[:/])?(\d{1,30})$/.exec(value.trim());
    if (match?.[1] && !out.includes(match[1])) out.push(match[1]);
  }
  return out;
}

const creatorOf = (record: ZohoRecordJson): string | undefined => {
  const by = record.Created_By as { id?: unknown } | null | undefined;
  return typeof by?.id === "string" || typeof by?.id === "number" ? String(by.id) : undefined;
};

/** The Zoho adapter's integration-scope operations. */
export function zohoIntegration(
  api: ZohoApi,
  modules: readonly PersonModule[],
  configuredUserId: string | undefined,
): IntegrationOperations {
  let cachedUser: Promise<string> | undefined;
  /** The integration's Zoho user: configured, or the token's own. */
  const integrationUser = (ctx: OperationContext): Promise<string> => {
    if (configuredUserId) return Promise.resolve(configuredUserId);
    cachedUser ??= (async () => {
      const res = await api.request<{ users?: { id?: unknown }[] } | undefined>(ctx, {
        method: "GET",
        path: "/users",
        query: { type: "CurrentUser" },
        operation: "users.current",
      });
      const id = res.data?.users?.[0]?.id;
      if (typeof id !== "string" && typeof id !== "number") {
        throw new ConfigurationError(
          "zoho: the token's user could not be read (users?type=CurrentUser); set integration.userId",
          { option: "zoho.integration.userId" },
        );
      }
      return String(id);
    })();
    cachedUser.catch(() => {
      cachedUser = undefined;
    });
    return cachedUser;
  };

  /** Notes and attachments of a call that someone other than the integration added. */
  async function othersOn(ctx: OperationContext, callId: string, user: string): Promise<number> {
    let others = 0;
    for (const list of ["Notes", "Attachments"] as const) {
      for (const child of await api.related(ctx, "Calls", callId, list, CHILD_FIELDS[list])) {
        if (creatorOf(child) !== user) others += 1;
      }
    }
    return others;
  }

  return {
    lookup: ["phone", "id"],

    async locate(subject, ctx) {
      const user = await integrationUser(ctx);
      const searchedBy: IdentifierKind[] = [];
      const found = new Set<string>();
      const given = parseCallIds(subject.ids.zoho ?? []);
      if (given.length > 0) searchedBy.push("id");
      for (const id of given) {
        const call = await api.getRecord(ctx, "Calls", id);
        if (call && creatorOf(call) === user) found.add(id);
      }
      if (subject.phone) {
        searchedBy.push("phone");
        const phone = subject.phone;
        const persons = new Map<string, PersonModule>();
        for (const module of modules) {
          for (const form of phoneFormats(phone)) {
            for (const r of await api.search(ctx, module, { phone: form })) {
              const id = idOf(r);
              if (id && PHONE_FIELDS.some((f) => typeof r[f] === "string" && samePhone(r[f], phone))) {
                persons.set(id, module);
              }
            }
          }
        }
        for (const [id, module] of persons) {
          for (const call of await api.related(ctx, module, id, "Calls", CALL_FIELDS)) {
            const callId = idOf(call);
            if (callId && creatorOf(call) === user) found.add(callId);
          }
        }
      }
      return {
        refs: [...found].map((id) => ref("Calls", id)),
        coverage: { searchedBy, types: ["call", "call_recording", "note", "attachment"] },
      };
    },

    async export(refs, ctx) {
      const records: ExportRecord[] = [];
      const files: ExportFile[] = [];
      for (const r of refs) {
        const call = await api.getRecord(ctx, "Calls", r.id);
        if (!call) continue;
        records.push(exportRecord("call", call));
        for (const note of await api.related(ctx, "Calls", r.id, "Notes", CHILD_FIELDS.Notes)) {
          records.push(exportRecord("call_note", note));
        }
        for (const att of await api.related(ctx, "Calls", r.id, "Attachments", CHILD_FIELDS.Attachments)) {
          const attId = idOf(att);
          if (!attId) continue;
          records.push(exportRecord("call_attachment", att));
          const file = await api.download(ctx, "Calls", r.id, attId);
          if (file) files.push({ name: fileName("call", attId, att.File_Name), ...file });
        }
      }
      return files.length > 0 ? { records, files } : { records };
    },

    async delete(refs, ctx) {
      const user = await integrationUser(ctx);
      const targets: Target[] = [];
      let kept = 0;
      for (const r of refs) {
        const call = await api.getRecord(ctx, "Calls", r.id);
        // Not live: in the bin from an earlier attempt (moveToBin finds it there) or gone.
        if (call && creatorOf(call) !== user) continue;
        if (call && (await othersOn(ctx, r.id, user)) > 0) {
          kept += 1;
          continue;
        }
        targets.push({ module: "Calls", id: r.id });
      }
      const binned = await moveToBin(api, targets, ctx);
      const items = await api.purge(
        ctx,
        binned.map((t) => t.id),
      );
      const failures = items.filter((i) => !ok(i) && !notLive(i));
      if (failures[0]) throw itemFailure(failures[0], "recycle_bin.delete", failures.length);
      const residual: Residual[] =
        kept > 0
          ? [
              {
                type: "call",
                count: kept,
                reason: "not_covered",
                detail: `${kept} call(s) the integration wrote were kept: a CRM user added notes or files to them, which erasing the call would erase too; the org (the controller) decides`,
              },
            ]
          : [];
      return {
        outcome: "erased",
        deleted: items.filter(ok).length,
        detail:
          `${binned.length} call(s) the integration wrote deleted and purged from the recycle bin with their recordings and notes; ` +
          "the org's contacts, leads and its own calls and notes were left in place",
        state: { targets: targets.map((t) => [t.module, t.id]) } as JsonValue,
        ...(residual.length > 0 ? { residual } : {}),
      };
    },

    async status(_refs, deletion, ctx) {
      const state = deletion.state as { targets?: unknown } | undefined;
      const ids = Array.isArray(state?.targets)
        ? state.targets
            .filter((t): t is [string, string] => Array.isArray(t) && typeof t[1] === "string")
            .map((t) => t[1])
        : [];
      let live = 0;
      for (const id of ids) if (await api.getRecord(ctx, "Calls", id)) live++;
      const residual = deletion.residual ?? [];
      if (live > 0) return { state: "remaining", remaining: live, residual };
      const inBin = await api.inRecycleBin(ctx, ids);
      if (inBin.size > 0) {
        // A large purge runs as a scheduled job on Zoho's side (PROVIDERS.md §6.4): ask again later.
        return {
          state: "pending",
          remaining: 0,
          detail: `${inBin.size} call(s) still in the recycle bin`,
          residual,
        };
      }
      return { state: "done", remaining: 0, residual };
    },
  };
}

/**
 * Seed data of the Zoho simulator: for one subject a contact and a lead with notes, attachments,
 * e-mails and calls (each call with a recording), a task, a meeting and a case that are the
 * subject's alone, plus an unrelated contact in the same org. {@link addLinked} adds more linked
 * records (deals, records shared with an account or another person) for tests.
 */
import { normalizePhone, phoneFormats } from "../../../phone.js";
import type { SimSubject } from "../../simulator.js";
import { type LinkedModule, MODULE_IDS, OWNER, type ZohoRecord, type ZohoState } from "./state.js";

/** The account that shared records also belong to (a business record of the CRM owner). */
export const ACCOUNT = { name: "Acme Ltd", id: "4150868000000555001" };
/** Another person of the org that shared meetings also invite. */
const COLLEAGUE = { name: "Max Other", id: "4150868000000555077", email: "max.other@example.test" };

/** The number as a CRM user may have typed it: national format (a lead keyed in by hand). */
function nationalForm(phone: string | undefined): string | null {
  if (!phone) return null;
  const normalized = normalizePhone(phone);
  if ("problem" in normalized) return phone;
  return phoneFormats(normalized.value)[3] ?? phone;
}

/**
 * Adds a Task, Event, Case or Deal linked to `person` (a contact or a lead of the subject).
 * `shared`: the record also belongs to an account (and, for a meeting, invites another person).
 * Field names (Who_Id, What_Id, Participants, Related_To, Contact_Name, Account_Name) follow
 * Zoho's standard modules; ASSUMPTION [U]: which of them an org fills varies with its layouts.
 */
export function addLinked(
  state: ZohoState,
  person: ZohoRecord,
  module: Exclude<LinkedModule, "Calls">,
  options: { shared?: boolean } = {},
): ZohoRecord {
  const name = String(person.fields.Full_Name ?? "Jane Doe");
  const me = { name, id: person.id };
  const isLead = person.module === "Leads";
  const account = options.shared ? { ...ACCOUNT } : null;
  const who = isLead ? {} : { Who_Id: me };
  const what = isLead
    ? { What_Id: me, $se_module: "Leads" }
    : account
      ? { What_Id: account, $se_module: "Accounts" }
      : { What_Id: null };
  const common = {
    Owner: { name: OWNER.name, id: OWNER.id },
    Created_Time: state.iso(7),
    Modified_Time: state.iso(2),
  };
  const fields: Record<string, unknown> =
    module === "Tasks"
      ? {
          Subject: `Follow up with ${name}`,
          Status: "Not Started",
          Due_Date: state.iso(-3).slice(0, 10),
          ...who,
          ...what,
          ...common,
        }
      : module === "Events"
        ? {
            Event_Title: `Demo call with ${name}`,
            Subject: `Demo call with ${name}`,
            Start_DateTime: state.iso(-2),
            End_DateTime: state.iso(-2),
            ...who,
            ...what,
            Participants: [
              {
                type: isLead ? "lead" : "contact",
                participant: person.id,
                name,
                Email: person.fields.Email ?? null,
              },
              ...(options.shared
                ? [
                    {
                      type: "contact",
                      participant: COLLEAGUE.id,
                      name: COLLEAGUE.name,
                      Email: COLLEAGUE.email,
                    },
                  ]
                : []),
            ],
            ...common,
          }
        : module === "Cases"
          ? {
              Subject: `Billing question from ${name}`,
              Status: "New",
              Case_Origin: "Phone",
              Email: person.fields.Email ?? null,
              Related_To: me,
              Account_Name: account,
              ...common,
            }
          : {
              Deal_Name: `${name} renewal`,
              Stage: "Qualification",
              Amount: 1200,
              Contact_Name: me,
              Account_Name: account,
              ...common,
            };
  return state.add({ id: state.newId(), module, subject: person.subject, parentId: person.id, fields });
}

/** Seeds `subject` with `perKind` records of each kind; returns the contact's and the lead's ids. */
export function seedSubject(state: ZohoState, subject: SimSubject, perKind: number): string[] {
  const email = subject.email.toLowerCase();
  const [first, ...rest] = (subject.name ?? "Jane Doe").split(/\s+/);
  const last = rest.join(" ") || "Doe";
  const ids: string[] = [];
  const person = (module: "Contacts" | "Leads"): ZohoRecord => {
    const record = state.add({
      id: state.newId(),
      module,
      subject: email,
      fields: {
        Owner: { name: OWNER.name, id: OWNER.id, email: OWNER.email },
        First_Name: first ?? "Jane",
        Last_Name: last,
        Full_Name: `${first ?? "Jane"} ${last}`,
        Email: subject.email,
        // The contact keeps the number as given, the lead as typed by hand (national format).
        Phone: module === "Contacts" ? (subject.phone ?? null) : nationalForm(subject.phone),
        Mobile: null,
        ...(module === "Leads" ? { Company: "Acme", Lead_Status: "Contacted" } : { Title: "CTO" }),
        Created_Time: state.iso(120),
        Modified_Time: state.iso(3),
      },
    });
    ids.push(record.id);
    return record;
  };
  const contact = person("Contacts");
  const lead = person("Leads");
  const attach = (parent: ZohoRecord, name: string, type: string, text: string) => {
    const bytes = new TextEncoder().encode(text);
    state.add({
      id: state.newId(),
      module: "Attachments",
      subject: email,
      parentId: parent.id,
      bytes,
      contentType: type,
      fields: {
        File_Name: name,
        Size: String(bytes.length),
        $file_id: `fid_${parent.id.slice(-6)}_${state.records.size}`,
        $type: "Attachment",
        $se_module: parent.module,
        $state: "save",
        $editable: true,
        $link_url: null,
        Parent_Id: { module: { api_name: parent.module, id: MODULE_IDS[parent.module] }, id: parent.id },
        Owner: { name: OWNER.name, id: OWNER.id },
        Created_By: { name: OWNER.name, id: OWNER.id },
        Modified_By: { name: OWNER.name, id: OWNER.id },
        Created_Time: state.iso(30),
        Modified_Time: state.iso(30),
      },
    });
  };
  const note = (parent: ZohoRecord, i: number) =>
    state.add({
      id: state.newId(),
      module: "Notes",
      subject: email,
      parentId: parent.id,
      fields: {
        Note_Title: `Call summary ${i + 1}`,
        Note_Content: `Spoke with ${subject.name ?? "the customer"} about their plan (${i + 1}).`,
        Parent_Id: { module: { api_name: parent.module, id: MODULE_IDS[parent.module] }, id: parent.id },
        Owner: { name: OWNER.name, id: OWNER.id },
        Created_Time: state.iso(20 - i),
      },
    });
  for (let i = 0; i < perKind; i++) {
    note(contact, i);
    attach(contact, `contract-${i + 1}.pdf`, "application/pdf", `%PDF-1.4 contract ${i + 1} for ${email}`);
    state.add({
      id: state.newId(),
      module: "Emails",
      subject: email,
      parentId: contact.id,
      fields: {
        message_id: `m${contact.id.slice(-5)}${i}`,
        subject: `Your invoice ${i + 1}`,
        from: { user_name: OWNER.name, email: OWNER.email },
        to: [{ user_name: subject.name ?? "", email: subject.email }],
        sent_time: state.iso(10 - i),
        status: [{ type: "sent" }],
      },
    });
    const call = state.add({
      id: state.newId(),
      module: "Calls",
      subject: email,
      parentId: contact.id,
      fields: {
        Subject: `Inbound call ${i + 1}`,
        Call_Type: i % 2 === 0 ? "Inbound" : "Outbound",
        Call_Start_Time: state.iso(15 - i),
        Call_Duration: `0${i % 10}:3${i % 6}`,
        Call_Duration_in_seconds: 30 + i * 60,
        Description: `Recorded call with ${subject.phone ?? "the customer"}`,
        Who_Id: { name: `${first ?? "Jane"} ${last}`, id: contact.id },
        $se_module: "Contacts",
        Owner: { name: OWNER.name, id: OWNER.id },
        Created_Time: state.iso(15 - i),
      },
    });
    attach(call, `recording-${i + 1}.mp3`, "audio/mpeg", `ID3 recording ${i + 1} of ${email}`);
  }
  for (let i = 0; i < Math.max(1, Math.ceil(perKind / 2)); i++) note(lead, i);
  // Activities and a case that are the subject's alone (no account, nobody else invited).
  addLinked(state, contact, "Tasks");
  addLinked(state, contact, "Events");
  addLinked(state, contact, "Cases");
  addLinked(state, lead, "Tasks");
  attach(lead, "business-card.png", "image/png", `PNG card of ${email}`);
  // Someone else in the same org, so look-ups must not match on anything but the subject.
  const other = `other.${state.records.size}@example.test`;
  state.add({
    id: state.newId(),
    module: "Contacts",
    subject: other,
    fields: { First_Name: "Max", Last_Name: "Other", Email: other, Phone: null },
  });
  return ids;
}

/**
 * Seed data of the Zoho simulator: for one subject a contact and a lead with notes, attachments,
 * e-mails and calls (each call with a recording), plus an unrelated contact in the same org.
 */
import type { SimSubject } from "../../simulator.js";
import { MODULE_IDS, OWNER, type ZohoRecord, type ZohoState } from "./state.js";

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
        Phone: subject.phone ?? null,
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

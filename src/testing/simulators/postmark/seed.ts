/** Realistic seed data for one subject in the Postmark simulator, plus lookalike noise. */
import type { SeedOptions, SimEnvironment, SimSubject } from "../../simulator.js";
import type { PostmarkAccount, SimServer, SimStream } from "./state.js";

const DAY = 86_400_000;

export function seedSubject(
  account: PostmarkAccount,
  env: SimEnvironment,
  subject: SimSubject,
  options: SeedOptions,
): string[] {
  const email = subject.email.trim().toLowerCase();
  const n = Math.max(1, options.records ?? 5);
  const name = subject.name ?? "Jane Doe";
  const now = env.now();
  const [local, domain] = email.split("@") as [string, string];
  // Addresses containing the subject's address: the simulated search filters match substrings.
  const lookalikes = [`x.${email}`, `${local}@mail.${domain}`, `other.${account.id()}@example.test`];
  const ids: string[] = [];
  const servers = account.servers.length;
  account.servers.forEach((server, si) => {
    // `records` of each kind in all, spread over the servers (some may hold none).
    const share = Math.floor(n / servers) + (si < n % servers ? 1 : 0);
    const outStreams = server.streams.filter((s) => s.type !== "Inbound");
    for (let i = 0; i < share; i++) {
      const stream = outStreams[i % outStreams.length] as SimStream;
      const id = addOutbound(account, server, stream.id, email, name, now - (1 + i + si) * 3_600_000, i);
      if (i === 0) ids.push(id);
    }
    // Messages past the retention window: Postmark no longer returns them.
    addOutbound(account, server, "outbound", email, name, now - 50 * DAY, 0);
    for (const other of lookalikes)
      addOutbound(account, server, "outbound", other, "Someone Else", now - DAY, 1);
    for (let i = 0; i < share; i++) {
      account.inbound.push({
        id: account.uuid(),
        serverId: server.id,
        stream: "inbound",
        from: email,
        fromName: name,
        to: `support+${server.id}@inbound.postmarkapp.test`,
        subject: `Re: your invoice ${i + 1}`,
        receivedAt: now - (2 + i) * 3_600_000,
        textBody: `Hello, this is ${name}. Please call me back.`,
      });
    }
    account.inbound.push({
      id: account.uuid(),
      serverId: server.id,
      stream: "inbound",
      from: lookalikes[0] as string,
      fromName: "Someone Else",
      to: "support@inbound.postmarkapp.test",
      subject: "Hi",
      receivedAt: now - DAY,
      textBody: "Not the subject.",
    });
    for (let i = 0; i < share; i++) {
      account.bounces.push({
        id: account.id(),
        serverId: server.id,
        stream: "outbound",
        email,
        type: i === 0 ? "HardBounce" : "SoftBounce",
        messageId: account.uuid(),
        subject: "Your monthly statement",
        bouncedAt: now - (3 + i) * 3_600_000,
      });
    }
    account.bounces.push({
      id: account.id(),
      serverId: server.id,
      stream: "outbound",
      email: lookalikes[0] as string,
      type: "HardBounce",
      messageId: account.uuid(),
      subject: "Statement",
      bouncedAt: now - DAY,
    });
    // A hard bounce suppressed the subject on the transactional stream before any request.
    if (si === 0) {
      account.suppressions.push({
        id: account.id(),
        serverId: server.id,
        stream: "outbound",
        email,
        reason: "HardBounce",
        origin: "Recipient",
        createdAt: now - 3 * 3_600_000,
        viaApi: false,
      });
    }
    account.suppressions.push({
      id: account.id(),
      serverId: server.id,
      stream: "outbound",
      email: lookalikes[0] as string,
      reason: "ManualSuppression",
      origin: "Customer",
      createdAt: now - DAY,
      viaApi: false,
    });
  });
  // Postmark has no per-person record. What an application keeps is the MessageID each send
  // returned: the subject's latest notification on each server holding some stands for that.
  return ids;
}

function addOutbound(
  account: PostmarkAccount,
  server: SimServer,
  stream: string,
  to: string,
  name: string,
  at: number,
  i: number,
): string {
  const opened = i % 2 === 0;
  const id = account.uuid();
  account.outbound.push({
    id,
    serverId: server.id,
    stream,
    to,
    toName: name,
    cc: i % 3 === 2 ? ["billing@acme.test"] : [],
    from: "notifications@phone-company.test",
    subject: `Your call summary #${i + 1}`,
    tag: "call-summary",
    receivedAt: at,
    textBody: `Hi ${name}, you had ${i + 2} calls today.`,
    htmlBody: `<p>Hi ${name}, you had ${i + 2} calls today.</p>`,
    events: [
      { type: "Delivered", at: at + 2_000, details: { DeliveryMessage: "250 2.0.0 OK" } },
      ...(opened
        ? [{ type: "Opened", at: at + 600_000, details: { Summary: "Email opened with Mail" } }]
        : []),
    ],
  });
  return id;
}

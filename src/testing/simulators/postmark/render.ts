/** The Postmark simulator's JSON shapes, as the API documents them (PascalCase fields). */
import type { SimBounce, SimInbound, SimOutbound, SimServer, SimStream, SimSuppression } from "./state.js";

const iso = (ms: number) => new Date(ms).toISOString();

export function renderServer(server: SimServer): Record<string, unknown> {
  return {
    ID: server.id,
    Name: server.name,
    ApiTokens: [server.token],
    ServerLink: `https://account.postmarkapp.com/servers/${server.id}/streams`,
    Color: "Blue",
    SmtpApiActivated: true,
    RawEmailEnabled: false,
    DeliveryType: "Live",
    InboundAddress: `inbound-${server.id}@inbound.postmarkapp.test`,
    InboundHash: `hash${server.id}`,
    InboundSpamThreshold: 0,
    TrackOpens: true,
    TrackLinks: "None",
    PostFirstOpenOnly: false,
    IncludeBounceContentInHook: false,
    EnableSmtpApiErrorHooks: false,
  };
}

export function renderStream(server: SimServer, stream: SimStream): Record<string, unknown> {
  return {
    ID: stream.id,
    ServerID: server.id,
    Name: stream.name,
    Description: "",
    MessageStreamType: stream.type,
    CreatedAt: iso(stream.createdAt),
    UpdatedAt: null,
    ArchivedAt: stream.archived ? iso(stream.createdAt + 86_400_000) : null,
    ExpectedPurgeDate: null,
    SubscriptionManagementConfiguration: { UnsubscribeHandlingType: "None" },
  };
}

export function renderOutbound(m: SimOutbound, details: boolean): Record<string, unknown> {
  const base: Record<string, unknown> = {
    Tag: m.tag,
    MessageID: m.id,
    MessageStream: m.stream,
    To: [{ Email: m.to, Name: m.toName }],
    Cc: m.cc.map((Email) => ({ Email, Name: null })),
    Bcc: [],
    Recipients: [m.to, ...m.cc],
    ReceivedAt: iso(m.receivedAt),
    From: `"Phone Company" <${m.from}>`,
    Subject: m.subject,
    Attachments: [],
    Status: "Sent",
    TrackOpens: true,
    TrackLinks: "None",
    Metadata: { account: "acct-42" },
    Sandboxed: false,
  };
  if (!details) return base;
  return {
    ...base,
    TextBody: m.textBody,
    HtmlBody: m.htmlBody,
    Body: `Subject: ${m.subject}\r\n\r\n${m.textBody}`,
    MessageEvents: m.events.map((e) => ({
      Recipient: m.to,
      Type: e.type,
      ReceivedAt: iso(e.at),
      Details: e.details,
    })),
  };
}

export function renderInbound(m: SimInbound, details: boolean): Record<string, unknown> {
  const base: Record<string, unknown> = {
    From: m.from,
    FromName: m.fromName,
    FromFull: { Email: m.from, Name: m.fromName, MailboxHash: "" },
    To: m.to,
    ToFull: [{ Email: m.to, Name: "", MailboxHash: "" }],
    Cc: "",
    CcFull: [],
    ReplyTo: "",
    OriginalRecipient: m.to,
    Subject: m.subject,
    Date: new Date(m.receivedAt).toUTCString(),
    MailboxHash: "",
    Tag: "",
    Attachments: [],
    MessageID: m.id,
    MessageStream: m.stream,
    Status: "Processed",
  };
  if (!details) return base;
  return {
    ...base,
    TextBody: m.textBody,
    HtmlBody: `<p>${m.textBody}</p>`,
    StrippedTextReply: m.textBody,
    Headers: [{ Name: "X-Spam-Status", Value: "No" }],
    BlockedReason: "",
    MessageEvents: [],
  };
}

export function renderBounce(b: SimBounce, withContent: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = {
    RecordType: "Bounce",
    ID: b.id,
    Type: b.type,
    TypeCode: b.type === "HardBounce" ? 1 : b.type === "SoftBounce" ? 4096 : 512,
    Name:
      b.type === "HardBounce" ? "Hard bounce" : b.type === "SoftBounce" ? "Soft bounce" : "Spam complaint",
    Tag: "call-summary",
    MessageID: b.messageId,
    ServerID: b.serverId,
    MessageStream: b.stream,
    Description: "The server was unable to deliver your message.",
    Details: "smtp;550 5.1.1 The email account that you tried to reach does not exist.",
    Email: b.email,
    From: "notifications@phone-company.test",
    BouncedAt: iso(b.bouncedAt),
    DumpAvailable: true,
    Inactive: b.type === "HardBounce",
    CanActivate: true,
    Subject: b.subject,
  };
  if (withContent) body.Content = `Return-Path: <>\r\nTo: ${b.email}\r\nSubject: ${b.subject}\r\n`;
  return body;
}

export function renderSuppression(s: SimSuppression): Record<string, unknown> {
  return {
    EmailAddress: s.email,
    SuppressionReason: s.reason,
    Origin: s.origin,
    CreatedAt: new Date(s.createdAt).toISOString(),
  };
}

/**
 * How Postmark records read in the access package: the emails we sent the person and they sent us,
 * bounces and suppressions. Field names are those of Postmark's Messages, Bounce and Suppressions APIs.
 *
 * @see https://postmarkapp.com/developer/api/messages-api
 * @see https://postmarkapp.com/developer/api/bounce-api
 * @see https://postmarkapp.com/developer/api/suppressions-api
 */
import { type AdapterPresentation, FIELD } from "../../src/presentation.js";

const events = { en: "What happened", nl: "Wat er gebeurde", de: "Was geschah" };

export const presentation: AdapterPresentation = {
  name: "Postmark",
  types: {
    outbound_message: {
      category: "communication",
      label: {
        en: "Emails we sent you",
        nl: "E-mails die wij u stuurden",
        de: "E-Mails, die wir Ihnen schickten",
      },
      title: "Subject",
      date: "ReceivedAt",
      fields: {
        Subject: FIELD.subject,
        From: FIELD.from,
        To: { label: FIELD.to, format: "list", item: "Email" },
        ReceivedAt: { label: { en: "Sent", nl: "Verzonden", de: "Gesendet" }, format: "date" },
        Status: FIELD.status,
        MessageEvents: { label: events, format: "list", item: "Type" },
        TextBody: FIELD.message,
      },
    },
    inbound_message: {
      category: "communication",
      label: {
        en: "Emails you sent us",
        nl: "E-mails die u ons stuurde",
        de: "E-Mails, die Sie uns schickten",
      },
      title: "Subject",
      date: "Date",
      fields: {
        Subject: FIELD.subject,
        From: FIELD.from,
        To: FIELD.to,
        Date: { label: { en: "Received", nl: "Ontvangen", de: "Empfangen" }, format: "date" },
        TextBody: FIELD.message,
      },
    },
    bounce: {
      category: "delivery",
      label: {
        en: "Emails that could not be delivered",
        nl: "E-mails die niet bezorgd konden worden",
        de: "E-Mails, die nicht zugestellt werden konnten",
      },
      title: "Name",
      date: "BouncedAt",
      fields: {
        Name: FIELD.type,
        Description: FIELD.description,
        Subject: FIELD.subject,
        Email: FIELD.email,
        BouncedAt: { label: FIELD.date, format: "date" },
        Inactive: {
          label: { en: "Address blocked", nl: "Adres geblokkeerd", de: "Adresse gesperrt" },
          format: "boolean",
        },
      },
    },
    suppression: {
      category: "delivery",
      label: {
        en: "Addresses we may not send to",
        nl: "Adressen waarnaar wij niet mogen sturen",
        de: "Adressen, an die wir nicht senden dürfen",
      },
      title: "SuppressionReason",
      date: "CreatedAt",
      fields: {
        EmailAddress: FIELD.email,
        SuppressionReason: FIELD.reason,
        Origin: { en: "Set by", nl: "Ingesteld door", de: "Gesetzt von" },
        MessageStream: { en: "Kind of email", nl: "Soort e-mail", de: "Art der E-Mail" },
        CreatedAt: { label: FIELD.created, format: "date" },
      },
    },
  },
  // https://postmarkapp.com/support/article/838-how-long-are-inbound-and-outbound-messages-stored-in-activity
  // (content 45 days by default, bounce metadata up to a year, hard bounces stay as suppressions)
  // and article 1289 (the retention add-on: 7 to 365 days). PROVIDERS.md §3.2, [V].
  retention: {
    en: "Postmark deletes the content of emails after 45 days by default (7 to 365 days when the account sets it), keeps details of bounced emails for up to a year, and keeps an address that hard-bounced on its suppression list.",
    nl: "Postmark wist de inhoud van e-mails standaard na 45 dagen (7 tot 365 dagen als het account dat instelt), bewaart gegevens over onbestelbare e-mails tot een jaar, en houdt een adres dat hard bounces gaf op zijn blokkeerlijst.",
    de: "Postmark löscht den Inhalt von E-Mails standardmäßig nach 45 Tagen (7 bis 365 Tage, wenn das Konto es so einstellt), bewahrt Angaben zu unzustellbaren E-Mails bis zu einem Jahr auf und behält eine Adresse mit dauerhaftem Zustellfehler auf seiner Sperrliste.",
  },
};

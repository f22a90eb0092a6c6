/**
 * The demo's fictitious controller: what a company tells people in their access package (GDPR Art.
 * 15(1)), modelled on the phone company whose GDPR page the product started from. Every statement
 * here is an example for the demo, not advice; your own go in `createFanout({ controller,
 * purposes, recipients })` (docs/access-package.md).
 */
import type { FanoutOptions } from "../../engine/types.js";

export const DEMO_ACCESS_INFO = {
  controller: {
    name: "Acme Telecom Ltd (demo)",
    contact: "privacy@acme-telecom.test, 1 Example Street, London",
    dpo: "dpo@acme-telecom.test",
    retention: {
      en: "We keep your account data while your account is open and for 90 days after you close it, then delete it. Call statistics are anonymised, not deleted. Prospects' email addresses are deleted after 24 months.",
      nl: "We bewaren uw accountgegevens zolang uw account open is en tot 90 dagen nadat u het opzegt; daarna wissen we ze. Gespreksstatistieken worden geanonimiseerd, niet gewist. E-mailadressen van potentiële klanten wissen we na 24 maanden.",
      de: "Wir speichern Ihre Kontodaten, solange Ihr Konto besteht, und bis 90 Tage nach der Kündigung; dann löschen wir sie. Anrufstatistiken werden anonymisiert, nicht gelöscht. E-Mail-Adressen von Interessenten löschen wir nach 24 Monaten.",
    },
    source: {
      en: "Call activity and recordings come from your use of our phone service; billing data from your subscription.",
      nl: "Gespreksactiviteit en opnames komen uit uw gebruik van onze telefoondienst; factuurgegevens uit uw abonnement.",
      de: "Anrufaktivitäten und Aufnahmen stammen aus Ihrer Nutzung unseres Telefondienstes, Abrechnungsdaten aus Ihrem Abonnement.",
    },
    automatedDecisions: {
      en: "We do not make decisions about you by automated means alone, and we do not profile you.",
      nl: "Wij nemen geen besluiten over u die uitsluitend geautomatiseerd zijn, en wij maken geen profiel van u.",
      de: "Wir treffen keine ausschließlich automatisierten Entscheidungen über Sie und erstellen kein Profil von Ihnen.",
    },
  },
  purposes: {
    stripe: { en: "Taking payments", nl: "Betalingen ontvangen", de: "Zahlungen entgegennehmen" },
    chargebee: {
      en: "Billing your subscription",
      nl: "Uw abonnement factureren",
      de: "Abrechnung Ihres Abonnements",
    },
    postmark: {
      en: "Sending notification emails (missed calls, voicemail)",
      nl: "Meldingen per e-mail sturen (gemiste oproepen, voicemail)",
      de: "Benachrichtigungen per E-Mail (verpasste Anrufe, Voicemail)",
    },
    hubspot: {
      en: "Marketing to prospects, onboarding and support",
      nl: "Marketing aan potentiële klanten, onboarding en ondersteuning",
      de: "Marketing an Interessenten, Onboarding und Support",
    },
    "*": {
      en: "Call activity and recordings our service placed in a customer's CRM",
      nl: "Gespreksactiviteit en opnames die onze dienst in het CRM van een klant plaatste",
      de: "Anrufaktivitäten und Aufnahmen, die unser Dienst im CRM eines Kunden ablegte",
    },
  },
  recipients: [
    { name: "Stripe Payments Europe Ltd", adapter: "stripe", country: "IE" },
    {
      name: "Chargebee Inc.",
      adapter: "chargebee",
      country: "US",
      safeguards: "EU–US Data Privacy Framework",
    },
    {
      name: "ActiveCampaign (Postmark)",
      adapter: "postmark",
      country: "US",
      safeguards: "Standard contractual clauses",
    },
    { name: "HubSpot Ireland Ltd", adapter: "hubspot", country: "IE" },
    {
      name: {
        en: "Police, on a legal order",
        nl: "Politie, op wettelijk bevel",
        de: "Polizei, auf gesetzliche Anordnung",
      },
      purpose: {
        en: "Information about a phone number on your account, when the law obliges us",
        nl: "Informatie over een telefoonnummer op uw account, als de wet ons verplicht",
        de: "Auskünfte zu einer Telefonnummer Ihres Kontos, wenn das Gesetz uns verpflichtet",
      },
      country: "GB",
      safeguards: {
        en: "UK adequacy decision of the European Commission",
        nl: "Adequaatheidsbesluit van de Europese Commissie voor het VK",
        de: "Angemessenheitsbeschluss der Europäischen Kommission für das Vereinigte Königreich",
      },
    },
  ],
} satisfies Pick<FanoutOptions, "controller" | "purposes" | "recipients">;

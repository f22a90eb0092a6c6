/**
 * Who wrote what about a caller, kept beside a CRM simulator's records (tenants, integration
 * scope): per caller (by E.164 number), the keys (`type:id`) of the records the phone integration
 * wrote and of those the account's own users entered. The four CRM simulators' oracles read it to
 * tell an integration-scope erasure that took only what it should from one that took too much.
 */
import { normalizePhone } from "../../phone.js";
import type { SimCaller } from "../simulator.js";

/** One caller's records: the integration's and the tenant's own. */
export interface CallerLedger {
  readonly integration: Set<string>;
  readonly tenant: Set<string>;
}

/** The integration's records and the account's per caller (E.164). */
export class IntegrationLedger {
  readonly callers = new Map<string, CallerLedger>();

  of(caller: SimCaller): CallerLedger {
    const key = callerKey(caller);
    let ledger = this.callers.get(key);
    if (!ledger) {
      ledger = { integration: new Set(), tenant: new Set() };
      this.callers.set(key, ledger);
    }
    return ledger;
  }
}

/** A caller's number in E.164 (as given when it cannot be normalised). */
export function callerKey(caller: SimCaller): string {
  const normalized = normalizePhone(caller.phone);
  return "value" in normalized ? normalized.value : caller.phone;
}

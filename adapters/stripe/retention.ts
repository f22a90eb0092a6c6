/**
 * Stripe documents kept on a legal basis (`ctx.retain`; see redaction-plan.ts for why a customer
 * holding one gets no redaction job at all): what the plan kept back, with the rules' basis and
 * end, and how `delete` and `status` report it.
 */
import type { OperationContext, Residual } from "../../src/adapter.js";
import type { Kept, RedactionPlan } from "./redaction-plan.js";

/** Kept documents (counts per type), with the rule's basis and end for the retained ones. */
export interface KeptFacts {
  readonly retained: (Kept & { basis: string; until: string })[];
  readonly keptWith: (Kept & { until: string })[];
}

/** The plan's kept documents with the rules of `ctx.retain` (basis, until). */
export function keptFacts(plan: RedactionPlan, ctx: OperationContext): KeptFacts {
  const rules = ctx.retain ?? [];
  const ruleOf = (type: string) => rules.find((r) => r.types.includes(type));
  const retained = plan.retained.map((k) => ({
    ...k,
    basis: ruleOf(k.type)?.basis ?? "",
    until: ruleOf(k.type)?.until ?? "",
  }));
  // ISO times sort as text: the latest end among the rules.
  const last =
    retained
      .map((r) => r.until)
      .sort()
      .at(-1) ?? "";
  return { retained, keptWith: plan.keptWith.map((k) => ({ ...k, until: last })) };
}

const PLURAL: Record<string, string> = {
  charge: "charge(s)",
  invoice: "invoice(s)",
  payment_intent: "payment intent(s)",
  "checkout.session": "Checkout Session(s)",
  customer: "customer(s), deleted without a redaction of their own",
};

/** The kept documents as residuals: `legal_retention` for the retained, `not_covered` for those kept with them. */
export function keptResiduals(state: Partial<KeptFacts>): Residual[] {
  const retained = (state.retained ?? []).map(
    (k): Residual => ({
      type: k.type,
      count: k.count,
      reason: "legal_retention",
      basis: k.basis,
      until: k.until,
      detail: `${k.count} Stripe ${PLURAL[k.type] ?? k.type} kept on a legal basis (${k.basis}) until ${k.until.slice(0, 10)}`,
    }),
  );
  const keptWith = (state.keptWith ?? []).map(
    (k): Residual => ({
      type: k.type,
      count: k.count,
      reason: "not_covered",
      until: k.until,
      detail:
        `${k.count} Stripe ${PLURAL[k.type] ?? k.type} of the same customers kept with the retained records until ` +
        `${k.until.slice(0, 10)}: a redaction job also redacts associated objects, which could reach a retained one`,
    }),
  );
  return [...retained, ...keptWith];
}

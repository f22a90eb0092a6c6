/**
 * The registry of provider simulators: what `startSimulators()` starts when no `providers` are
 * given, and where another process finds a provider's `createAdapter`. One line per provider.
 */
import type { SimulatorFactory } from "../simulator.js";
import { capsuleSimulator } from "./capsule/index.js";
import { chargebeeSimulator } from "./chargebee/index.js";
import { hubspotSimulator } from "./hubspot/index.js";
import { pipedriveSimulator } from "./pipedrive/index.js";
import { postmarkSimulator } from "./postmark/index.js";
import { stripeSimulator } from "./stripe/index.js";
import { zohoSimulator } from "./zoho/index.js";

/** Every registered simulator factory. */
export const simulators: readonly SimulatorFactory[] = [
  stripeSimulator,
  chargebeeSimulator,
  postmarkSimulator,
  hubspotSimulator,
  pipedriveSimulator,
  zohoSimulator,
  capsuleSimulator,
];

/** The registered factory of a provider id, or `undefined`. */
export function findSimulator(id: string): SimulatorFactory | undefined {
  return simulators.find((factory) => factory.id === id);
}

/**
 * `gdpr-fanout/testing`: provider simulators served over HTTP on 127.0.0.1 or through nock, with
 * latency, faults, an oracle and a call log; `startSimulators`; the adapter conformance suite
 * (`runAdapterConformance`, for vitest); contract checks against official specs; and
 * `createOperationContext` to call adapters directly.
 *
 * @see docs/testing.md
 */

export { callRoute, countByRoute } from "./call-routes.js";
export {
  type AdapterConformanceOptions,
  CONFORMANCE_CASES,
  type ConformanceCase,
  IN_PROCESS_CASES,
  type InProcessCase,
  type InProcessConformanceOptions,
  runAdapterConformance,
  SPECS_DIR_ENV,
} from "./conformance/index.js";
export { createOperationContext, type TestContextOptions } from "./context.js";
export {
  type ContractCall,
  type ContractMismatch,
  checkCallsAgainstSpecs,
  checkStripeObjects,
  type FixtureMismatch,
  type LoadedSpecs,
  loadSpecs,
  loadStripeFixtureKeys,
  matchCall,
  type RecordingFactory,
  recordResponses,
  type SpecOperation,
} from "./contract/index.js";
export { createSimEnvironment, type SimEnvironmentOptions, seededRandom } from "./environment.js";
export type { KeepOnDelete } from "./keep-on-delete.js";
export {
  type FaultRates,
  faultLayer,
  type Injection,
  type InjectionHandle,
  injectionLayer,
  latencyLayer,
  type TransportFault,
} from "./layers.js";
export {
  dispatch,
  type HttpServing,
  isFault,
  type SimCall,
  type SimLayer,
  type SimOutcome,
  serveHttp,
} from "./serve.js";
export { type NockServing, serveNock } from "./serve-nock.js";
export type {
  IntegrationOracleView,
  IntegrationSeed,
  IntegrationSeedOptions,
  OracleView,
  ProviderSimulator,
  SeedOptions,
  SeedStage,
  SimCaller,
  SimEnvironment,
  SimRequest,
  SimResponse,
  SimSubject,
  SimulatorFactory,
} from "./simulator.js";
export { seedTimes } from "./simulator.js";
export {
  type CapsuleSimulator,
  type CapsuleSimulatorFactory,
  type CapsuleSimulatorOptions,
  capsuleSimulator,
  createCapsuleSimulator,
} from "./simulators/capsule/index.js";
export {
  CHARGEBEE_SIM_ORIGIN,
  type ChargebeeSimulator,
  type ChargebeeSimulatorFactory,
  type ChargebeeSiteSettings,
  chargebeeSimulator,
  chargebeeSimulatorWith,
  type DeleteBlocker,
} from "./simulators/chargebee/index.js";
export {
  createHubspotSimulator,
  type HubspotSimulator,
  type HubspotSimulatorOptions,
  type HubspotTier,
  hubspotSimulator,
} from "./simulators/hubspot/index.js";
export { findSimulator, simulators } from "./simulators/index.js";
export {
  createPipedriveSimulator,
  type PipedrivePlan,
  type PipedriveSimUser,
  type PipedriveSimulator,
  pipedriveSimulator,
} from "./simulators/pipedrive/index.js";
export {
  createPostmarkSimulator,
  type PostmarkSimulator,
  type PostmarkSimulatorFactory,
  type PostmarkSimulatorOptions,
  postmarkSimulator,
} from "./simulators/postmark/index.js";
export {
  createStripeSimulator,
  type StripeSimulatorConfig,
  stripeSimulator,
} from "./simulators/stripe/index.js";
export {
  createZohoSimulator,
  type ZohoSimulator,
  type ZohoSimulatorFactory,
  type ZohoSimulatorOptions,
  zohoSimulator,
} from "./simulators/zoho/index.js";
export { type Simulators, type StartSimulatorsOptions, startSimulators } from "./start-simulators.js";
export { runStoreConformance, type StoreConformanceOptions } from "./store-conformance.js";

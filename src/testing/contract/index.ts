/**
 * Contract checks against the official specs in `GDPR_FANOUT_SPECS_DIR`.
 */
export {
  type ContractCall,
  type ContractMismatch,
  checkCallsAgainstSpecs,
  type LoadedSpecs,
  loadSpecs,
  matchCall,
  type SpecOperation,
} from "./openapi.js";
export { type RecordingFactory, recordResponses } from "./record.js";
export { checkStripeObjects, type FixtureMismatch, loadStripeFixtureKeys } from "./stripe-fixtures.js";

/**
 * Wraps a simulator factory so that every response body its simulators produce is kept, for
 * contract checks on what was served (e.g. {@link checkStripeObjects}).
 */
import type { SimResponse, SimulatorFactory } from "../simulator.js";

/** A factory whose simulators record their responses in `responses`. */
export interface RecordingFactory {
  readonly factory: SimulatorFactory;
  readonly responses: SimResponse[];
}

/** Wraps `factory`; responses of every simulator it creates are pushed to `responses`. */
export function recordResponses(factory: SimulatorFactory): RecordingFactory {
  const responses: SimResponse[] = [];
  const wrapped: SimulatorFactory = {
    id: factory.id,
    createAdapter: (options) => factory.createAdapter(options),
    create(env) {
      const sim = factory.create(env);
      return {
        ...sim,
        id: sim.id,
        errorResponse: (status, options) => sim.errorResponse(status, options),
        seed: (subject, options) => sim.seed(subject, options),
        oracle: (subject) => sim.oracle(subject),
        destructiveApplications: () => sim.destructiveApplications(),
        adapterOptions: (baseUrl) => sim.adapterOptions(baseUrl),
        async handle(request) {
          const response = await sim.handle(request);
          responses.push(response);
          return response;
        },
      };
    },
  };
  return { factory: wrapped, responses };
}

import { runAdapterConformance } from "../../src/testing/conformance/index.js";
import { stripeSimulator } from "../../src/testing/simulators/stripe/index.js";

runAdapterConformance({ simulator: stripeSimulator });

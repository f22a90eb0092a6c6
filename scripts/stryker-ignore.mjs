// A Stryker ignore-plugin (see stryker.config.mjs): mutants that no test can or should kill.
// - The message of `expect(actual, message)`: it only explains a failure to the person reading it;
//   emptying it changes no verdict. (The conformance kit's assertions carry such messages.)
// - `GF_MUTATION_SAMPLE=<fraction>[:<seed>]` (set by `npm run test:mutation -- <scope> --sample 0.25`):
//   a random sample of the code's functions. A scope like the whole engine has ~9,000 mutants,
//   hours on two cores; a sample of its functions estimates its score in a fraction of the time.
//   The unit drawn is an outermost function (a cluster of mutants: a function's mutants are kept or
//   left out together, so no mutant is left out only because an ancestor node was), chosen by a hash
//   of the file, its position and the seed, so a run is repeatable. Mutants outside every function
//   are always kept. Each kept function is appended to GF_MUTATION_SAMPLE_LOG so the report can
//   compute the estimate's confidence interval per cluster (scripts/mutation-sample.ts).
import { createHash } from "node:crypto";
import { appendFileSync } from "node:fs";
import { relative } from "node:path";
import { declareValuePlugin, PluginKind } from "@stryker-mutator/api/plugin";

const assertionMessage = {
  shouldIgnore(path) {
    const parent = path.parentPath;
    if (path.listKey !== "arguments" || path.key !== 1 || !parent?.isCallExpression()) return undefined;
    const callee = parent.node.callee;
    if (callee.type === "Identifier" && callee.name === "expect") {
      return "an assertion's message only explains a failure";
    }
    return undefined;
  },
};

const FUNCTION_TYPES = new Set([
  "FunctionDeclaration",
  "FunctionExpression",
  "ArrowFunctionExpression",
  "ObjectMethod",
  "ClassMethod",
  "ClassPrivateMethod",
]);

function fileOf(path) {
  return path.hub?.file?.opts?.filename ?? path.node.loc?.filename ?? "";
}

const functionSample = {
  shouldIgnore(path) {
    const setting = process.env.GF_MUTATION_SAMPLE;
    if (!setting || !FUNCTION_TYPES.has(path.node.type)) return undefined;
    // Only the outermost function decides: a nested one goes with the function around it.
    if (path.findParent((p) => FUNCTION_TYPES.has(p.node.type))) return undefined;
    const [fraction, seed = "0"] = setting.split(":");
    const loc = path.node.loc;
    const file = relative(process.cwd(), fileOf(path));
    const key = `${seed}\u0000${file}\u0000${loc.start.line}:${loc.start.column}`;
    const draw = createHash("sha256").update(key).digest().readUInt32BE(0) / 2 ** 32;
    if (draw >= Number(fraction)) return "outside the sampled functions (--sample)";
    const log = process.env.GF_MUTATION_SAMPLE_LOG;
    if (log) appendFileSync(log, `${JSON.stringify({ file, start: loc.start.line, end: loc.end.line })}\n`);
    return undefined;
  },
};

export const strykerPlugins = [
  declareValuePlugin(PluginKind.Ignore, "assertion-messages", assertionMessage),
  declareValuePlugin(PluginKind.Ignore, "function-sample", functionSample),
];

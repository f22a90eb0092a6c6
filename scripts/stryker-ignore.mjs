// A Stryker ignore-plugin (see stryker.config.mjs): mutants that no test can or should kill.
// - The message of `expect(actual, message)`: it only explains a failure to the person reading it;
//   emptying it changes no verdict. (The conformance kit's assertions carry such messages.)
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

export const strykerPlugins = [declareValuePlugin(PluginKind.Ignore, "assertion-messages", assertionMessage)];

import "server-only";
import { evaluateCondition } from "@/lib/expressions";
import type { NodeRunFunction } from "../runtime";
import { DEFAULT_BRANCH } from "./definition";

/** Takes the first branch whose JSONata condition holds, else "default". */
export const chooseBranch: NodeRunFunction<"conditional"> = async (state, config, runtime) => {
  const scope = runtime.scope(state);
  let taken = DEFAULT_BRANCH;
  for (const branch of config.branches) {
    if (await evaluateCondition(branch.expression, scope)) {
      taken = branch.key;
      break;
    }
  }
  return { conditional_results: { [runtime.node.id]: taken } };
};

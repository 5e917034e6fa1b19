import "server-only";
import { evaluateCondition } from "@/lib/expressions";
import { buildExpressionScope } from "@/lib/workflow/scope";
import type { NodeRunFunction } from "../runtime";
import { LOOP_BODY_HANDLE, LOOP_DONE_HANDLE } from "./definition";

/**
 * Entered first from outside and then again at the end of each pass: goes to "body" until its condition
 * holds or maxIterations passes have run, then to "done" (the next entry starts a fresh loop).
 */
export const iterateLoop: NodeRunFunction<"loop"> = async (state, config, runtime) => {
  const id = runtime.node.id;
  const previous = state.loop_state[id];
  const passes = previous && !previous.done ? previous.iteration : 0;
  const stop =
    passes >= config.maxIterations ||
    (config.until.trim() !== "" && (await evaluateCondition(config.until, buildExpressionScope(state, id))));
  if (stop) {
    return {
      loop_state: { [id]: { iteration: passes, done: true } },
      conditional_results: { [id]: LOOP_DONE_HANDLE },
      metadata: { active_loop: undefined },
    };
  }
  return {
    loop_state: { [id]: { iteration: passes + 1, done: false } },
    conditional_results: { [id]: LOOP_BODY_HANDLE },
    metadata: { active_loop: id },
  };
};

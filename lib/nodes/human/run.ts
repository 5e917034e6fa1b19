import "server-only";
import { interrupt } from "@langchain/langgraph";
import { z } from "zod";
import { renderTemplate } from "@/lib/expressions";
import type { InterruptInfo } from "@/lib/contracts/execution-result";
import { OUTPUT_HANDLE } from "../types";
import type { NodeRunFunction } from "../runtime";
import { HUMAN_APPROVED_HANDLE, HUMAN_REJECTED_HANDLE } from "./definition";

/** What a person may answer: a decision, text, or { approved, text }. */
export const humanAnswerSchema = z.union([
  z.boolean(),
  z.string().max(100_000),
  z.object({ approved: z.boolean().optional(), text: z.string().max(100_000).optional() }).strict(),
]);
export type HumanAnswer = z.infer<typeof humanAnswerSchema>;

const APPROVING_WORDS = new Set(["approve", "approved", "yes", "y", "ok", "okay", "accept", "accepted", "true"]);

export function isApproval(answer: HumanAnswer): boolean {
  if (typeof answer === "boolean") return answer;
  if (typeof answer === "string") return APPROVING_WORDS.has(answer.trim().toLowerCase());
  return answer.approved ?? (answer.text !== undefined && APPROVING_WORDS.has(answer.text.trim().toLowerCase()));
}

function answerText(answer: HumanAnswer): string {
  if (typeof answer === "string") return answer;
  if (typeof answer === "boolean") return answer ? "approved" : "rejected";
  return answer.text ?? (answer.approved ? "approved" : "rejected");
}

/**
 * Pauses the run (LangGraph interrupt: the state is checkpointed) until a person answers; the resumed run
 * re-enters this node and `interrupt` returns the answer. Approval branches; input stores the text.
 */
export const askHuman: NodeRunFunction<"human"> = async (state, config, runtime) => {
  const question = renderTemplate(config.question, runtime.scope(state));
  const request: InterruptInfo = { nodeId: runtime.node.id, question, mode: config.mode };
  const answer = humanAnswerSchema.parse(interrupt(request));
  if (config.mode === "approval") {
    const approved = isApproval(answer);
    return {
      variables: { [config.variable]: approved },
      conditional_results: { [runtime.node.id]: approved ? HUMAN_APPROVED_HANDLE : HUMAN_REJECTED_HANDLE },
    };
  }
  return {
    variables: { [config.variable]: answerText(answer) },
    conditional_results: { [runtime.node.id]: OUTPUT_HANDLE },
  };
};

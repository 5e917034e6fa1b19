/**
 * POST /api/chat — sends a message to a conversation (a new one when no id is given) and streams the answer
 * as Server-Sent Events: the run's events (tokens, tool calls, node progress; the final run event carries
 * the sources and usage), then `event: message` with the assistant message as saved. A new conversation's
 * title, written by its model during the first exchange, is stored by the run's finish (lib/engine/title.ts).
 */
import { authenticate } from "@/lib/auth/authenticate";
import { isTerminalEvent } from "@/lib/contracts/events";
import { apiRoute, methodNotAllowed, readJson } from "@/lib/http";
import { CHAT_MESSAGE_EVENT, chatBodySchema, type ChatMessageEvent } from "@/lib/contracts/conversations";
import { getMessageDto } from "@/lib/services/conversations";
import { startRun, withCallerTrigger } from "@/lib/services/executions";
import { keepRunningWhenClientLeaves } from "@/lib/services/detached-events";
import { BODY_LIMITS } from "../_lib/limits";
import { namedSse, runEventsResponse } from "@/lib/http/sse";

export const POST = apiRoute(async (request) => {
  const user = await authenticate(request);
  const body = await readJson(request, chatBodySchema, { maxBytes: BODY_LIMITS.DEFINITION });
  const outcome = await startRun({
    userId: user.id,
    request: withCallerTrigger(user, {
      type: "CHAT",
      message: body.message,
      ...(body.conversationId ? { conversationId: body.conversationId } : {}),
      ...(body.workflowId ? { workflowId: body.workflowId } : {}),
      ...(body.templateId ? { templateId: body.templateId } : {}),
    }),
    stream: true,
  });
  if (outcome.kind !== "stream") throw new Error("a chat run was asked to stream");
  // A dropped connection does not stop the answer: the client resumes from GET /api/executions/:id/events.
  return runEventsResponse(keepRunningWhenClientLeaves(outcome.events), {
    after: async (last) => {
      if (!last || !isTerminalEvent(last) || !last.data.messageId || !last.data.conversationId) return undefined;
      // The answer as the run's finish stored it; read back only if this stream has not got it.
      const stored = outcome.storedAnswer();
      const message =
        stored?.id === last.data.messageId
          ? stored
          : await getMessageDto({ ownerId: user.id, id: last.data.messageId });
      if (!message) return undefined;
      const event: ChatMessageEvent = { conversationId: last.data.conversationId, message };
      return namedSse(CHAT_MESSAGE_EVENT, event);
    },
  });
});

const others = methodNotAllowed(["POST"]);
export { others as DELETE, others as GET, others as PATCH, others as PUT };

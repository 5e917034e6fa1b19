/** Chat and conversation contracts: /api/chat and /api/conversations/**. Client-safe. */
import { z } from "zod";
import { MAX_MESSAGE_LENGTH } from "@/lib/contracts/execution-request";
import {
  cursorSchema,
  idSchema,
  jsonRecordSchema,
  nullableTimestampSchema,
  pageLimitSchema,
  timestampSchema,
} from "@/lib/contracts/common";

export const CONVERSATION_TITLE_MAX_LENGTH = 200;

/** POST /api/chat: a message to a conversation (new when no id), answered by a workflow or a template. */
export const chatBodySchema = z
  .object({
    conversationId: idSchema.optional(),
    message: z.string().trim().min(1, "must not be empty").max(MAX_MESSAGE_LENGTH),
    workflowId: idSchema.optional().meta({ description: "A saved workflow answers (new conversations only)" }),
    templateId: idSchema.optional().meta({ description: "A template answers (new conversations only)" }),
  })
  .strict()
  .refine((body) => !(body.workflowId && body.templateId), {
    message: "give workflowId or templateId, not both",
    path: ["templateId"],
  })
  .meta({ id: "ChatBody" });
export type ChatBody = z.infer<typeof chatBodySchema>;

export const MESSAGE_ROLES = ["user", "assistant", "system", "tool"] as const;
export const MESSAGE_STATUSES = ["complete", "stopped", "error", "pending"] as const;

export const messageSchema = z
  .object({
    id: idSchema,
    conversationId: idSchema,
    role: z.enum(MESSAGE_ROLES),
    content: z.string(),
    status: z.enum(MESSAGE_STATUSES),
    executionId: idSchema.nullable(),
    tokens: z.number().int(),
    cost: z.number(),
    durationMs: z.number().int().nullable(),
    metadata: jsonRecordSchema.meta({ description: "Tool calls, sources, the workflow and model that answered" }),
    createdAt: timestampSchema,
  })
  .meta({ id: "Message" });
export type MessageDto = z.infer<typeof messageSchema>;

export const CONVERSATION_SEARCH_MAX_LENGTH = 200;

/** Where a search found a conversation, when it was in a message rather than the title. */
export const conversationMatchSchema = z
  .object({
    role: z.enum(MESSAGE_ROLES),
    snippet: z.string().meta({
      description: "About 120 characters of the newest matching message around its first occurrence of the text",
    }),
  })
  .meta({ id: "ConversationMatch" });
export type ConversationMatch = z.infer<typeof conversationMatchSchema>;

const conversationFields = z.object({
  id: idSchema,
  title: z.string(),
  workflowId: idSchema.nullable(),
  templateId: idSchema.nullable(),
  messageCount: z.number().int(),
  totalTokens: z.number().int(),
  totalCost: z.number(),
  lastMessageAt: nullableTimestampSchema,
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
});

export const conversationSummarySchema = conversationFields
  .extend({
    match: conversationMatchSchema.optional().meta({
      description: "Only in search results (`q`), when the text was found in a message rather than the title",
    }),
  })
  .meta({ id: "ConversationSummary" });
export type ConversationSummary = z.infer<typeof conversationSummarySchema>;

export const conversationSchema = conversationFields
  .extend({ messages: z.array(messageSchema) })
  .meta({ id: "Conversation" });
export type ConversationDto = z.infer<typeof conversationSchema>;

export const CONVERSATION_PAGE_MAX = 100;
export const conversationListQuerySchema = z
  .object({
    cursor: cursorSchema.optional(),
    limit: pageLimitSchema(CONVERSATION_PAGE_MAX, 50),
    q: z
      .string()
      .trim()
      .min(1, "must not be empty")
      .max(CONVERSATION_SEARCH_MAX_LENGTH)
      .optional()
      .meta({
        description: `Only conversations whose title or any message contains this text (case-insensitive, 1–${CONVERSATION_SEARCH_MAX_LENGTH} characters, trimmed)`,
      }),
  })
  .strict();
export const conversationListResponseSchema = z.object({
  conversations: z.array(conversationSummarySchema),
  nextCursor: z.string().nullable(),
});
export const conversationResponseSchema = z.object({ conversation: conversationSchema });

export const updateConversationBodySchema = z
  .object({ title: z.string().trim().min(1, "must not be empty").max(CONVERSATION_TITLE_MAX_LENGTH) })
  .strict()
  .meta({ id: "UpdateConversationBody" });

/**
 * The last event of a chat stream, after the run's own events: the assistant message as saved (`event: message`).
 * A client that lost the stream can read the same message from GET /api/conversations/:id.
 */
export const CHAT_MESSAGE_EVENT = "message";
export const chatMessageEventSchema = z
  .object({ conversationId: idSchema, message: messageSchema })
  .meta({ id: "ChatMessageEvent" });
export type ChatMessageEvent = z.infer<typeof chatMessageEventSchema>;

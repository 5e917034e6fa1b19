import { KNOWLEDGE_LIMITS } from "@/lib/contracts/knowledge";

/** Body size caps per kind of request (bytes). A definition of the largest allowed size fits in DEFINITION. */
export const BODY_LIMITS = {
  /** Small bodies: titles, names, answers. */
  SMALL: 64 * 1024,
  /** Workflow definitions, templates, export files, execution requests with inline graphs. */
  DEFINITION: 4 * 1024 * 1024,
  /** Pasted knowledge text (the character cap is enforced again after parsing). */
  KNOWLEDGE_TEXT: 8 * 1024 * 1024,
  /** A multipart upload: the file cap plus room for the form's framing. */
  UPLOAD: KNOWLEDGE_LIMITS.fileMaxBytes + 64 * 1024,
} as const;

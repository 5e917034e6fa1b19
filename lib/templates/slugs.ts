/** The stable keys of the built-in templates (a module of its own, so client code can name them cheaply). */
export const UNIVERSAL_CHAT_SLUG = "universal-chat";
export const RAG_QA_SLUG = "rag-qa";
export const TOOL_AGENT_SLUG = "tool-agent";
export const ROUTER_CLASSIFIER_SLUG = "router-classifier";
export const SUMMARIZE_LOOP_SLUG = "summarize-until-short";
export const HUMAN_APPROVAL_SLUG = "human-approval";

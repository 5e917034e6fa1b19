/**
 * The LangGraph Platform API (for @langchain/langgraph-sdk, Agent Chat UI, useStream): every method under
 * /api/langgraph, routed by lib/langgraph-api/router.ts. Errors are LangGraph's `{ detail }`, not the REST
 * API's shape, because that is what LangGraph's clients read.
 */
import { handleLanggraphRequest } from "@/lib/langgraph-api/router";

type Context = { params: Promise<{ path?: string[] }> };

async function handle(request: Request, { params }: Context): Promise<Response> {
  const { path = [] } = await params;
  return handleLanggraphRequest(request, path);
}

export { handle as DELETE, handle as GET, handle as OPTIONS, handle as PATCH, handle as POST, handle as PUT };

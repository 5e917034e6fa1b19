"use client";

/**
 * Scalar's API reference over the document the page built for this user: navigation, search (Ctrl/⌘ K)
 * and a request client. Offline by configuration: no web fonts (the app's Geist), no telemetry, no links
 * out to Scalar's hosted client, AI agent, developer tools or MCP; light, in the app's indigo.
 */
import { ApiReferenceReact } from "@scalar/api-reference-react";
import "@scalar/api-reference-react/style.css";
import { useState } from "react";

/** The app's look: its fonts and accent, and a sidebar that scrolls inside the viewer's box. */
const APP_THEME = `
.scalar-app {
  --scalar-font: var(--font-geist-sans), ui-sans-serif, system-ui, sans-serif;
  --scalar-font-code: var(--font-geist-mono), ui-monospace, monospace;
  --full-height: 100%;
}
.light-mode {
  --scalar-color-accent: #4f46e5;
  --scalar-background-accent: #eef2ff;
  --scalar-sidebar-color-active: #4338ca;
  --scalar-sidebar-item-active-background: #eef2ff;
  --scalar-border-color: #e4e4e7;
}
`;

export default function ApiReferenceViewer({ document }: { document: object }) {
  // The server, as this browser reaches it: requests from the client go exactly there.
  const [configuration] = useState(() => ({
    content: document,
    servers: [{ url: window.location.origin, description: "This Lattice server" }],
    authentication: { preferredSecurityScheme: "bearerAuth" },
    withDefaultFonts: false,
    telemetry: false,
    hideClientButton: true,
    showDeveloperTools: "never" as const,
    // Its "Ask AI" and MCP buttons call Scalar's hosted services.
    agent: { disabled: true },
    mcp: { disabled: true },
    forceDarkModeState: "light" as const,
    hideDarkModeToggle: true,
    documentDownloadType: "none" as const,
    operationTitleSource: "summary" as const,
    orderRequiredPropertiesFirst: true,
    defaultHttpClient: { targetKey: "shell" as const, clientKey: "curl" as const },
    customCss: APP_THEME,
  }));
  return (
    <div data-testid="api-reference-viewer" className="h-full overflow-y-auto">
      <ApiReferenceReact configuration={configuration} />
    </div>
  );
}

import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardHeader } from "@/components/ui/card";
import { MODEL_PROVIDER_CATALOG, type ModelProviderId } from "@/lib/models/catalog";

/** How each provider is switched on: server environment variables (never shown, only named). */
const SETUP: Record<ModelProviderId, string | null> = {
  local: null,
  openai: "OPENAI_API_KEY (and OPENAI_BASE_URL for a compatible server)",
  anthropic: "ANTHROPIC_API_KEY",
  ollama: "OLLAMA_BASE_URL (e.g. http://localhost:11434)",
};

export interface ProviderRow {
  id: ModelProviderId;
  label: string;
  configured: boolean;
  models: string[];
}

/** The model providers this server can run, and how to enable the others. Read-only: they are server settings. */
export function ModelProvidersCard({ providers }: { providers: readonly ProviderRow[] }) {
  return (
    <Card aria-labelledby="providers-title" data-testid="model-providers">
      <CardHeader
        title={<span id="providers-title">Server-wide model providers</span>}
        description="Shared by everyone on this server, for nodes that use no credential of their own. They are set up by whoever runs Lattice, with environment variables."
      />
      <CardContent>
        <ul className="flex flex-col divide-y divide-zinc-100">
          {providers.map((provider) => (
            <li
              key={provider.id}
              data-testid="model-provider"
              data-provider={provider.id}
              className="grid gap-1 py-3 first:pt-0 last:pb-0 sm:grid-cols-[16rem_1fr] sm:gap-6"
            >
              <div className="flex items-center gap-2">
                <span className="font-medium text-zinc-900">{provider.label}</span>
              </div>
              <div className="flex flex-col gap-1 text-[13px] text-zinc-600">
                <span>
                  {provider.configured ? <Badge tone="green">Ready</Badge> : <Badge>Not set up</Badge>}
                  {provider.models.length ? (
                    <span className="ml-2">
                      {MODEL_PROVIDER_CATALOG[provider.id].openModelList ? "Suggested models" : "Models"}:{" "}
                      {provider.models.join(", ")}
                      {MODEL_PROVIDER_CATALOG[provider.id].openModelList ? " — or any model its server knows" : ""}
                    </span>
                  ) : null}
                </span>
                {!provider.configured && SETUP[provider.id] ? (
                  <span className="text-zinc-500">
                    Set{" "}
                    <code className="rounded bg-zinc-100 px-1 py-0.5 font-mono text-[12px] text-zinc-700">
                      {SETUP[provider.id]}
                    </code>{" "}
                    and restart.
                  </span>
                ) : null}
              </div>
            </li>
          ))}
        </ul>
      </CardContent>
    </Card>
  );
}

import type { Metadata } from "next";
import Link from "next/link";
import { ApiKeysPanel } from "@/components/settings/api-keys-panel";
import { CredentialsPanel } from "@/components/settings/credentials-panel";
import { DefaultModelCard } from "@/components/settings/default-model-card";
import { McpServersPanel } from "@/components/settings/mcp-servers-panel";
import { ModelProvidersCard } from "@/components/settings/model-providers-card";
import { ProfileCard } from "@/components/settings/profile-card";
import { SecretsPanel } from "@/components/settings/secrets-panel";
import { PageHeader } from "@/components/ui/page-header";
import { requireSessionUser } from "@/lib/auth";
import { listModelProviders } from "@/lib/models";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage() {
  const user = await requireSessionUser({ callbackUrl: "/settings" });
  return (
    <div className="flex flex-col gap-8">
      <PageHeader
        title="Settings"
        description="Your account, your default model, the model providers and secrets your runs can use, and the keys that let programs use Lattice as you."
        actions={
          <Link
            href="/settings/api"
            className="text-sm font-medium text-indigo-700 hover:underline"
            data-testid="api-reference-link"
          >
            API reference
          </Link>
        }
      />
      <div className="flex max-w-4xl flex-col gap-6">
        <ProfileCard user={{ name: user.name, email: user.email }} />
        {/* Model settings load in the browser with React Query: they change on this page. */}
        <DefaultModelCard />
        <div id="credentials" className="scroll-mt-6">
          <CredentialsPanel />
        </div>
        <ModelProvidersCard providers={listModelProviders()} />
        <SecretsPanel />
        <div id="mcp-servers" className="scroll-mt-6">
          <McpServersPanel />
        </div>
        {/* Keys load in the browser with React Query: they change on this page, and the list must follow. */}
        <ApiKeysPanel />
      </div>
    </div>
  );
}

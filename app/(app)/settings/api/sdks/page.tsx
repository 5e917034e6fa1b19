/**
 * The client SDKs' guide (docs/sdk.md, read from the deployment's checkout) under the API reference: how to
 * install the TypeScript and Python SDKs and the quick starts — run a workflow, stream a chat, follow a run.
 */
import fs from "node:fs/promises";
import path from "node:path";
import type { Metadata } from "next";
import Link from "next/link";
import { ChatMarkdown } from "@/components/chat/markdown";
import { PageHeader } from "@/components/ui/page-header";
import { requireSessionUser } from "@/lib/auth";

export const metadata: Metadata = { title: "Client SDKs" };

/** The guide without its title (the page header shows it); undefined when the file is not deployed. */
async function readGuide(): Promise<string | undefined> {
  try {
    const text = await fs.readFile(path.join(process.cwd(), "docs", "sdk.md"), "utf8");
    return text.replace(/^# .*\n+/, "");
  } catch {
    return undefined;
  }
}

export default async function SdkGuidePage() {
  await requireSessionUser({ callbackUrl: "/settings/api/sdks" });
  const guide = await readGuide();
  return (
    <div className="flex flex-col gap-6">
      <PageHeader
        title="Client SDKs"
        description="TypeScript (@lattice/sdk) and Python (lattice_sdk) clients of this API: typed calls, run streams that resume after a dropped connection, typed errors and retries."
        actions={
          <Link href="/settings/api" className="text-sm font-medium text-indigo-700 hover:underline">
            API reference
          </Link>
        }
      />
      <article data-testid="sdk-guide" className="max-w-4xl">
        {guide ? (
          <ChatMarkdown text={guide} />
        ) : (
          <p className="text-sm text-zinc-600">
            The guide is <code>docs/sdk.md</code> in the Lattice repository; the SDKs are in <code>sdk/typescript</code>{" "}
            and <code>sdk/python</code>.
          </p>
        )}
      </article>
    </div>
  );
}

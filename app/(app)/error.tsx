"use client";

import { RotateCw, TriangleAlert } from "lucide-react";
import Link from "next/link";
import { useEffect } from "react";
import { Button, buttonClasses } from "@/components/ui/button";

/**
 * A page under the shell failed to render. The sidebar stays usable; the message never shows server
 * details (Next replaces server errors with a digest in production), only what the user can do.
 */
export default function AppError({ error, retry }: { error: unknown; retry: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  const digest =
    error instanceof Error && "digest" in error ? String((error as { digest?: unknown }).digest ?? "") : "";

  return (
    <div
      role="alert"
      className="flex flex-col items-center rounded-lg border border-zinc-200 bg-white px-6 py-14 text-center"
    >
      <div className="flex size-11 items-center justify-center rounded-full bg-red-50 text-red-600 ring-1 ring-red-100">
        <TriangleAlert aria-hidden className="size-5" />
      </div>
      <h1 className="mt-4 text-[15px] font-semibold text-zinc-900">This page could not be loaded</h1>
      <p className="mt-1.5 max-w-md text-sm text-zinc-500">
        Something went wrong on our side. Try again; if it keeps happening, the server log has the details
        {digest ? (
          <>
            {" "}
            under reference <code className="font-mono text-xs text-zinc-700">{digest}</code>
          </>
        ) : null}
        .
      </p>
      <div className="mt-6 flex gap-2">
        <Button onClick={() => retry()}>
          <RotateCw aria-hidden />
          Try again
        </Button>
        <Link href="/workflows" className={buttonClasses({ variant: "secondary" })}>
          Go to workflows
        </Link>
      </div>
    </div>
  );
}

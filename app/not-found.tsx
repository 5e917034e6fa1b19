import { Compass } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { buttonClasses } from "@/components/ui/button";
import { LatticeMark } from "@/components/shell/lattice-logo";

export const metadata: Metadata = { title: "Page not found" };

export default function NotFound() {
  return (
    <main className="flex min-h-screen flex-col items-center justify-center px-6 py-16 text-center">
      <LatticeMark className="size-8" />
      <div className="mt-10 flex size-11 items-center justify-center rounded-full bg-zinc-100 text-zinc-500 ring-1 ring-zinc-200">
        <Compass aria-hidden className="size-5" />
      </div>
      <p className="mt-4 text-xs font-semibold tracking-wider text-indigo-600 uppercase">404</p>
      <h1 className="mt-1 text-xl font-semibold tracking-tight text-zinc-900">Page not found</h1>
      <p className="mt-2 max-w-sm text-sm text-zinc-500">
        The page you asked for does not exist, or you do not have access to it.
      </p>
      <Link href="/workflows" className={buttonClasses({ className: "mt-8" })}>
        Back to workflows
      </Link>
    </main>
  );
}

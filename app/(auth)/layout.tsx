import type { ReactNode } from "react";
import { LatticeMark } from "@/components/shell/lattice-logo";

/** Sign-in and sign-up: one centered card under the product name. */
export default function AuthLayout({ children }: { children: ReactNode }) {
  return (
    <main className="flex min-h-screen flex-col items-center justify-center px-4 py-12">
      <div className="w-full max-w-sm">
        <div className="mb-8 flex flex-col items-center gap-3 text-center">
          <LatticeMark className="size-10" />
          <div>
            <p className="text-lg font-semibold tracking-tight text-zinc-900">Lattice</p>
            <p className="text-[13px] text-zinc-500">Design, run, chat with and monitor LLM workflows.</p>
          </div>
        </div>
        {children}
      </div>
    </main>
  );
}

import type { ReactNode } from "react";

/** The card both auth pages sit in. */
export function AuthCard({
  title,
  description,
  children,
}: {
  title: string;
  description: string;
  children: ReactNode;
}) {
  return (
    <section className="rounded-xl border border-zinc-200 bg-white px-6 py-7 shadow-sm">
      <header className="mb-6">
        <h1 className="text-base font-semibold text-zinc-900">{title}</h1>
        <p className="mt-1 text-[13px] text-zinc-500">{description}</p>
      </header>
      {children}
    </section>
  );
}

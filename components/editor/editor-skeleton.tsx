import { BESIDE_APP_SIDEBAR } from "@/components/shell/sidebar-preference";

/** The editor's shape while its page loads: toolbar, palette, canvas and side panel placeholders. */
export function EditorSkeleton() {
  return (
    <div
      role="status"
      aria-busy="true"
      aria-label="Loading the editor"
      className={`${BESIDE_APP_SIDEBAR} flex flex-col bg-zinc-50`}
    >
      <div className="flex h-12 shrink-0 items-center gap-3 border-b border-zinc-200 bg-white px-3">
        <div className="size-8 animate-pulse rounded-md bg-zinc-100" />
        <div className="h-5 w-48 animate-pulse rounded bg-zinc-100" />
        <div className="ml-auto h-8 w-40 animate-pulse rounded-md bg-zinc-100" />
      </div>
      <div className="flex min-h-0 flex-1">
        <div className="w-48 shrink-0 space-y-2 xl:w-52 border-r border-zinc-200 bg-white p-3">
          <div className="h-8 animate-pulse rounded-md bg-zinc-100" />
          {Array.from({ length: 10 }, (_, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: a fixed row of ten placeholders, never reordered
            <div key={i} className="h-7 animate-pulse rounded-md bg-zinc-50" />
          ))}
        </div>
        <div className="flex-1 bg-[radial-gradient(#d4d4d8_1px,transparent_1px)] [background-size:16px_16px]" />
        <div className="w-[320px] shrink-0 border-l border-zinc-200 bg-white xl:w-[380px]" />
      </div>
    </div>
  );
}

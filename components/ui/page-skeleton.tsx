import { Skeleton } from "./skeleton";

/** The loading shape of a page: its header, then a list of rows or a grid of cards. */
export function PageSkeleton({ label, layout = "rows" }: { label: string; layout?: "rows" | "cards" | "panel" }) {
  return (
    <div role="status" aria-busy="true" aria-label={`Loading ${label}`} className="flex flex-col gap-8">
      <div className="flex flex-col gap-2.5 border-b border-zinc-200 pb-6">
        <Skeleton className="h-6 w-40" />
        <Skeleton className="h-4 w-96 max-w-full" />
      </div>
      {layout === "cards" ? (
        <div className="grid gap-4 sm:grid-cols-2 xl:grid-cols-3">
          {[0, 1, 2].map((i) => (
            <div key={i} className="flex flex-col gap-3 rounded-lg border border-zinc-200 bg-white p-5">
              <Skeleton className="size-9" />
              <Skeleton className="mt-1 h-4 w-1/2" />
              <Skeleton className="h-3 w-full" />
              <Skeleton className="h-3 w-4/5" />
            </div>
          ))}
        </div>
      ) : layout === "panel" ? (
        <div className="flex max-w-4xl flex-col gap-6">
          {[0, 1].map((i) => (
            <div key={i} className="flex flex-col gap-3 rounded-lg border border-zinc-200 bg-white p-5">
              <Skeleton className="h-4 w-32" />
              <Skeleton className="h-3 w-2/3" />
              <Skeleton className="mt-2 h-9 w-full max-w-sm" />
            </div>
          ))}
        </div>
      ) : (
        <div className="divide-y divide-zinc-200 rounded-lg border border-zinc-200 bg-white">
          {[0, 1, 2, 3].map((i) => (
            <div key={i} className="flex items-center gap-4 px-5 py-4">
              <Skeleton className="size-9" />
              <div className="flex flex-1 flex-col gap-2">
                <Skeleton className="h-4 w-48" />
                <Skeleton className="h-3 w-72 max-w-full" />
              </div>
              <Skeleton className="hidden h-3 w-20 sm:block" />
            </div>
          ))}
        </div>
      )}
    </div>
  );
}

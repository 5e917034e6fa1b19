import { Skeleton } from "@/components/ui/skeleton";

/**
 * The monitor's pages while their data loads, shown by the pages' own Suspense boundaries: a route-level
 * `loading.tsx` would start the response (HTTP 200) before the page could find that a run does not exist.
 */

/** /executions: header, headline figures, the folded dashboard, then the list. */
export function ExecutionsSkeleton() {
  return (
    <div role="status" aria-busy="true" aria-label="Loading executions" className="flex flex-col gap-6">
      <div className="flex flex-col gap-2.5 border-b border-zinc-200 pb-6">
        <Skeleton className="h-6 w-40" />
        <Skeleton className="h-4 w-96 max-w-full" />
      </div>
      <div className="grid grid-cols-2 gap-3 md:grid-cols-3 xl:grid-cols-5">
        {[0, 1, 2, 3, 4].map((i) => (
          <Skeleton key={i} className="h-[5.5rem] rounded-lg" />
        ))}
      </div>
      <Skeleton className="h-9 w-56 rounded-md" />
      <Skeleton className="h-72 rounded-lg" />
    </div>
  );
}

/** /executions/:id: header, canvas and detail side by side, then the timeline. */
export function RunSkeleton() {
  return (
    <div role="status" aria-busy="true" aria-label="Loading the run" className="flex flex-col gap-5">
      <div className="flex flex-col gap-2.5 border-b border-zinc-200 pb-5">
        <Skeleton className="h-3.5 w-20" />
        <Skeleton className="h-6 w-64" />
        <Skeleton className="h-4 w-[28rem] max-w-full" />
      </div>
      <div className="grid gap-4 lg:grid-cols-[minmax(0,1fr)_22rem]">
        <Skeleton className="h-[26rem] rounded-lg" />
        <Skeleton className="h-[26rem] rounded-lg" />
      </div>
      <Skeleton className="h-40 rounded-lg" />
    </div>
  );
}

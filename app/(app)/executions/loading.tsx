import { Skeleton } from "@/components/ui/skeleton";

/** The monitor's shape while its figures load: header, headline figures, charts, then the list. */
export default function Loading() {
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
      <div className="grid gap-3 lg:grid-cols-2">
        {[0, 1, 2, 3].map((i) => (
          <Skeleton key={i} className="h-56 rounded-lg" />
        ))}
      </div>
      <Skeleton className="h-64 rounded-lg" />
    </div>
  );
}

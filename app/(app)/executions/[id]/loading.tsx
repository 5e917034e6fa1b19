import { Skeleton } from "@/components/ui/skeleton";

export default function Loading() {
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

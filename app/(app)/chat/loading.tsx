import { Skeleton } from "@/components/ui/skeleton";

/** While a conversation loads: the frame of a chat (the sidebar stays, from the layout). */
export default function Loading() {
  return (
    <div role="status" aria-busy="true" aria-label="Loading the conversation" className="flex h-full flex-col">
      <div className="flex h-14 items-center gap-3 border-b border-zinc-200 px-4">
        <Skeleton className="h-4 w-40" />
        <Skeleton className="h-4 w-24" />
      </div>
      <div className="mx-auto flex w-full max-w-3xl flex-1 flex-col gap-6 px-6 pt-8">
        <Skeleton className="ml-auto h-10 w-1/2 rounded-2xl" />
        <div className="flex flex-col gap-2">
          <Skeleton className="h-4 w-5/6" />
          <Skeleton className="h-4 w-2/3" />
        </div>
        <Skeleton className="ml-auto h-10 w-1/3 rounded-2xl" />
      </div>
      <div className="mx-auto w-full max-w-3xl px-6 pb-6">
        <Skeleton className="h-14 w-full rounded-2xl" />
      </div>
    </div>
  );
}

"use client";

/**
 * The API reference viewer (Scalar), loaded only on its page and only in the browser: its bundle (a Vue app
 * and its styles) never weighs on another page, and it reads the browser's own address as the server.
 */
import dynamic from "next/dynamic";
import { Skeleton } from "@/components/ui/skeleton";

const Viewer = dynamic(() => import("./api-reference-viewer"), {
  ssr: false,
  loading: () => (
    <div role="status" className="flex h-full gap-6 p-6" aria-busy="true" aria-label="Loading the API reference">
      <div className="flex w-56 flex-col gap-2">
        {Array.from({ length: 10 }, (_, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: placeholders with nothing else to key on
          <Skeleton key={i} className="h-5" />
        ))}
      </div>
      <div className="flex flex-1 flex-col gap-3">
        <Skeleton className="h-8 w-1/3" />
        <Skeleton className="h-4 w-2/3" />
        <Skeleton className="h-40" />
      </div>
    </div>
  ),
});

export function ApiReference({ document }: { document: object }) {
  return <Viewer document={document} />;
}

"use client";

import { isServer, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { isAppError } from "@/lib/errors";

function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // Pages hand fresh server data down; refetching it the instant the client mounts would be waste.
        staleTime: 30_000,
        // A 4xx will not fix itself by retrying; one retry covers a blip on the network or a restart.
        retry: (failureCount, error) => failureCount < 1 && !(isAppError(error) && error.status < 500),
      },
    },
  });
}

let browserQueryClient: QueryClient | undefined;

/**
 * One client per browser session (so the cache survives navigation) and a fresh one per server render
 * (so one user's data never leaks into another's render).
 */
function getQueryClient(): QueryClient {
  if (isServer) return makeQueryClient();
  browserQueryClient ??= makeQueryClient();
  return browserQueryClient;
}

export function Providers({ children }: { children: ReactNode }) {
  const queryClient = getQueryClient();
  return <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>;
}

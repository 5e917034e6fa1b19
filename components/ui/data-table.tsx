import { clsx } from "clsx";
import type { ReactNode } from "react";

export interface DataColumn {
  label: string;
  /** A Tailwind width class (`w-24`); none: the column takes the rest. */
  width?: string;
  align?: "right";
  /** Named for screen readers only (an actions column). */
  hidden?: boolean;
}

/**
 * A list as a table with fixed column widths (rows do not jump as their content changes), scrolling sideways
 * below `minWidth` (a Tailwind `min-w-[…]` class). The rows are the children.
 */
export function DataTable({
  columns,
  minWidth,
  children,
}: {
  columns: readonly DataColumn[];
  minWidth: string;
  children: ReactNode;
}) {
  const edge = (i: number) => i === 0 || i === columns.length - 1;
  return (
    <div className="overflow-x-auto">
      <table className={clsx("w-full table-fixed text-left text-sm", minWidth)}>
        <colgroup>
          {columns.map((column, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: a table's columns are fixed for it and never reordered
            <col key={i} className={column.width} />
          ))}
        </colgroup>
        <thead className="text-xs font-medium text-zinc-500">
          <tr className="border-b border-zinc-200">
            {columns.map((column, i) => (
              <th
                // biome-ignore lint/suspicious/noArrayIndexKey: a table's columns are fixed for it and never reordered
                key={i}
                scope="col"
                className={clsx(
                  "py-2.5 font-medium",
                  edge(i) ? "px-5" : "px-3",
                  column.align === "right" && "text-right",
                )}
              >
                {column.hidden ? <span className="sr-only">{column.label}</span> : column.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100">{children}</tbody>
      </table>
    </div>
  );
}

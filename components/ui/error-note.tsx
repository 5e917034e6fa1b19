/** A refusal that is not about one field (a network failure, a conflict, a 500), shown where the action was. */
export function ErrorNote({ message }: { message: string | null }) {
  if (!message) return null;
  return (
    <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-[13px] text-red-700">
      {message}
    </p>
  );
}

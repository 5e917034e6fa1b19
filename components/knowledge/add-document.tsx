"use client";

/**
 * Adding documents to a knowledge base: files (.txt, .md, .pdf) chosen or dropped on the drop zone, uploaded
 * one after another with their progress, or text pasted with a title. A refused file keeps its row with the
 * API's reason until dismissed; an accepted one becomes a document row at once.
 */
import { clsx } from "clsx";
import { CircleAlert, Loader2, Upload, X } from "lucide-react";
import { useId, useRef, useState, type DragEvent, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { ErrorNote } from "@/components/ui/error-note";
import { Input, TextArea } from "@/components/ui/input";
import { useSingleFlight } from "@/components/ui/single-flight";
import { KNOWLEDGE_LIMITS, type KnowledgeDocumentDto } from "@/lib/contracts/knowledge";
import { uploadDocument } from "@/lib/api-client/knowledge";
import { errorText, Field, fieldIssue, invalidProps } from "./fields";
import { ACCEPTED_FILE_TYPES, fileTooLarge, formatBytes } from "./format";
import { useAddPastedDocument } from "./queries";

interface UploadItem {
  key: number;
  name: string;
  size: number;
  /** Bytes sent, 0 to 1; at 1 the server is extracting and indexing. */
  progress: number;
  error: string | null;
}

export function AddDocument({
  knowledgeBaseId,
  onAdded,
}: {
  knowledgeBaseId: string;
  onAdded: (document: KnowledgeDocumentDto) => void;
}) {
  return (
    <Card aria-labelledby="add-document-title">
      <CardHeader
        title={<span id="add-document-title">Add a document</span>}
        description="Upload a file or paste text."
      />
      <FileUpload knowledgeBaseId={knowledgeBaseId} onAdded={onAdded} />
      <PasteText knowledgeBaseId={knowledgeBaseId} onAdded={onAdded} />
    </Card>
  );
}

function FileUpload({
  knowledgeBaseId,
  onAdded,
}: {
  knowledgeBaseId: string;
  onAdded: (document: KnowledgeDocumentDto) => void;
}) {
  const inputId = useId();
  const hintId = useId();
  const [items, setItems] = useState<UploadItem[]>([]);
  const [dragging, setDragging] = useState(false);
  const nextKey = useRef(0);
  // Files wait their turn: one upload at a time keeps the progress readable and the server unhurried.
  const queue = useRef<Promise<void>>(Promise.resolve());

  const patch = (key: number, change: Partial<UploadItem>) =>
    setItems((all) => all.map((item) => (item.key === key ? { ...item, ...change } : item)));

  const upload = async (file: File, key: number) => {
    try {
      const document = await uploadDocument(knowledgeBaseId, file, {
        onProgress: (progress) => patch(key, { progress }),
      });
      setItems((all) => all.filter((item) => item.key !== key));
      onAdded(document);
    } catch (error) {
      patch(key, { error: errorText(error) });
    }
  };

  const add = (files: FileList | null) => {
    for (const file of Array.from(files ?? [])) {
      const key = nextKey.current++;
      const tooLarge = fileTooLarge(file);
      setItems((all) => [...all, { key, name: file.name, size: file.size, progress: 0, error: tooLarge }]);
      if (!tooLarge) queue.current = queue.current.then(() => upload(file, key));
    }
  };

  const onDragOver = (event: DragEvent<HTMLFieldSetElement>) => {
    if (!event.dataTransfer.types.includes("Files")) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "copy";
    setDragging(true);
  };

  const onDrop = (event: DragEvent<HTMLFieldSetElement>) => {
    event.preventDefault();
    setDragging(false);
    add(event.dataTransfer.files);
  };

  return (
    <div className="flex flex-col gap-3 border-b border-zinc-200 px-5 py-4">
      {/* The file picker and its drop zone (dropping is the mouse's shortcut for "Choose files"). */}
      <fieldset
        data-testid="document-drop"
        data-dragging={dragging || undefined}
        onDragOver={onDragOver}
        onDragEnter={onDragOver}
        onDragLeave={(event) => {
          // Leaving for a child of the zone is not leaving the zone.
          if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setDragging(false);
        }}
        onDrop={onDrop}
        className={clsx(
          "flex min-w-0 flex-col items-center gap-2 rounded-lg border-2 border-dashed px-4 py-6 text-center transition-colors",
          dragging ? "border-indigo-400 bg-indigo-50" : "border-zinc-300 bg-zinc-50/60",
        )}
      >
        <Upload aria-hidden className={clsx("size-5", dragging ? "text-indigo-600" : "text-zinc-400")} />
        <p className="text-[13px] text-zinc-600">{dragging ? "Drop to upload" : "Drag files here, or"}</p>
        <input
          id={inputId}
          type="file"
          multiple
          accept={ACCEPTED_FILE_TYPES}
          data-testid="document-upload"
          aria-describedby={hintId}
          className="peer sr-only"
          onChange={(event) => {
            add(event.target.files);
            // Choosing the same file again must fire `change` again.
            event.target.value = "";
          }}
        />
        <label
          htmlFor={inputId}
          className={clsx(
            "inline-flex h-8 cursor-pointer items-center rounded-md border border-zinc-300 bg-white px-2.5 text-[13px] font-medium text-zinc-800 shadow-sm hover:bg-zinc-50",
            "peer-focus-visible:ring-2 peer-focus-visible:ring-indigo-500 peer-focus-visible:ring-offset-2",
          )}
        >
          Choose files
        </label>
        <p id={hintId} className="text-xs text-zinc-500">
          .txt, .md or .pdf, at most {formatBytes(KNOWLEDGE_LIMITS.fileMaxBytes)} each
        </p>
      </fieldset>
      {items.length > 0 ? (
        <ul aria-label="Uploads" className="flex flex-col gap-2">
          {items.map((item) => (
            <UploadRow
              key={item.key}
              item={item}
              onDismiss={() => setItems((all) => all.filter((i) => i.key !== item.key))}
            />
          ))}
        </ul>
      ) : null}
    </div>
  );
}

function UploadRow({ item, onDismiss }: { item: UploadItem; onDismiss: () => void }) {
  const indexing = item.progress >= 1;
  return (
    <li
      data-testid="document-upload-item"
      data-state={item.error ? "failed" : indexing ? "indexing" : "uploading"}
      className={clsx(
        "rounded-md border px-3 py-2 text-[13px]",
        item.error ? "border-red-200 bg-red-50" : "border-zinc-200 bg-white",
      )}
    >
      <div className="flex items-center gap-2">
        {item.error ? (
          <CircleAlert aria-hidden className="size-4 shrink-0 text-red-600" />
        ) : (
          <Loader2 aria-hidden className="size-4 shrink-0 animate-spin text-zinc-400" />
        )}
        <span className="min-w-0 flex-1 truncate font-medium text-zinc-800" title={item.name}>
          {item.name}
        </span>
        <span className="shrink-0 text-xs text-zinc-500">{formatBytes(item.size)}</span>
        {item.error ? (
          <button
            type="button"
            onClick={onDismiss}
            aria-label={`Dismiss ${item.name}`}
            className="-mr-1 shrink-0 rounded p-0.5 text-red-700 hover:bg-red-100"
          >
            <X aria-hidden className="size-3.5" />
          </button>
        ) : null}
      </div>
      {item.error ? (
        <p role="alert" className="mt-1 text-red-700">
          {item.error}
        </p>
      ) : (
        <div className="mt-1.5 flex items-center gap-2">
          <progress
            aria-label={`Uploading ${item.name}`}
            value={indexing ? undefined : item.progress}
            max={1}
            className="h-1.5 flex-1 overflow-hidden rounded-full [&::-webkit-progress-bar]:bg-zinc-200 [&::-webkit-progress-value]:bg-indigo-500"
          />
          <span role="status" className="w-20 shrink-0 text-right text-xs text-zinc-500">
            {indexing ? "Indexing…" : `${Math.round(item.progress * 100)}%`}
          </span>
        </div>
      )}
    </li>
  );
}

function PasteText({
  knowledgeBaseId,
  onAdded,
}: {
  knowledgeBaseId: string;
  onAdded: (document: KnowledgeDocumentDto) => void;
}) {
  const titleId = useId();
  const textId = useId();
  const [title, setTitle] = useState("");
  const [text, setText] = useState("");
  const [missing, setMissing] = useState<{ title?: string; text?: string }>({});

  const add = useAddPastedDocument(knowledgeBaseId, {
    onAdded: (document) => {
      onAdded(document);
      setTitle("");
      setText("");
    },
  });
  const adding = useSingleFlight();
  const titleError = missing.title ?? fieldIssue(add.error, "title");
  const textError = missing.text ?? fieldIssue(add.error, "text");
  const formError = add.error && !titleError && !textError ? errorText(add.error) : null;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const next = {
      ...(title.trim() ? {} : { title: "Give the document a title." }),
      ...(text.trim() ? {} : { text: "Paste the text to add." }),
    };
    if (adding.pending || add.isPending) return;
    setMissing(next);
    if (next.title || next.text) return;
    // One document per click: `adding` is set in the click itself, before isPending.
    adding.run(() => add.mutateAsync({ title: title.trim(), text }));
  };

  const edited = () => {
    setMissing({});
    if (add.isError) add.reset();
  };

  return (
    <form onSubmit={submit} noValidate aria-label="Paste text" className="flex flex-col gap-3 px-5 py-4">
      <h3 className="text-[13px] font-semibold text-zinc-900">Paste text</h3>
      <Field id={titleId} label="Title" error={titleError}>
        <Input
          id={titleId}
          data-testid="document-paste-title"
          value={title}
          onChange={(event) => {
            setTitle(event.target.value);
            edited();
          }}
          placeholder="e.g. Refund policy"
          maxLength={KNOWLEDGE_LIMITS.titleMaxLength}
          autoComplete="off"
          {...invalidProps(titleId, titleError)}
        />
      </Field>
      <Field id={textId} label="Text" error={textError}>
        <TextArea
          id={textId}
          data-testid="document-paste-text"
          value={text}
          onChange={(event) => {
            setText(event.target.value);
            edited();
          }}
          rows={7}
          placeholder="Paste the document's text here"
          maxLength={KNOWLEDGE_LIMITS.textMaxChars}
          {...invalidProps(textId, textError)}
          className="resize-y font-mono text-[13px]"
        />
      </Field>
      <ErrorNote message={formError} />
      <Button type="submit" data-testid="document-add" disabled={add.isPending || adding.pending} className="self-end">
        {add.isPending || adding.pending ? "Adding…" : "Add document"}
      </Button>
    </form>
  );
}

/**
 * LangGraph checkpoint saver on Lattice's own tables (checkpoints, checkpoint_blobs, checkpoint_writes),
 * through the project's drizzle handle, so it runs on PGlite and PostgreSQL alike with no second client.
 *
 * Layout (as LangGraph's own PostgreSQL saver): a checkpoint row holds the checkpoint without its channel
 * values; each channel value is a blob keyed by (thread, namespace, channel, version) and written only when
 * the channel's version changed (`newVersions`), so a long run does not rewrite unchanged state; reading a
 * checkpoint joins the blobs named by its `channel_versions`. Every `put` and `putWrites` is one
 * transaction of batched multi-row inserts.
 */
import "server-only";
import type { RunnableConfig } from "@langchain/core/runnables";
import {
  BaseCheckpointSaver,
  type ChannelVersions,
  type Checkpoint,
  type CheckpointListOptions,
  type CheckpointMetadata,
  type CheckpointPendingWrite,
  type CheckpointTuple,
  type PendingWrite,
  type SerializerProtocol,
  TASKS,
  WRITES_IDX_MAP,
  compareWritesSortKeys,
  copyCheckpoint,
  getCheckpointId,
  maxChannelVersion,
  writesSortKey,
} from "@langchain/langgraph-checkpoint";
import { and, desc, eq, lt, sql, type SQL } from "drizzle-orm";
import { executePrepared, getDb, type Database } from "./client";
import { checkpointBlobs, checkpoints, checkpointWrites } from "./schema";

type CheckpointRow = typeof checkpoints.$inferSelect;

/** Channel values written without a value at their version (the channel was emptied). */
const EMPTY_BLOB_TYPE = "empty";

function requireThreadId(config: RunnableConfig, operation: string): string {
  const threadId = config.configurable?.thread_id;
  if (typeof threadId !== "string" || threadId === "") {
    throw new Error(`Failed to ${operation}: the config is missing "configurable.thread_id".`);
  }
  return threadId;
}

/** jsonb refuses NUL characters; LangGraph metadata never needs them. */
function toJsonb(bytes: Uint8Array): unknown {
  return JSON.parse(new TextDecoder().decode(bytes).replace(/\\u0000/g, ""));
}

export class DbCheckpointSaver extends BaseCheckpointSaver {
  constructor(
    /** A specific database (tests, tools); by default the process's database, opened on first use. */
    private readonly database?: Database,
    serde?: SerializerProtocol,
  ) {
    super(serde);
  }

  private db(): Promise<Database> {
    return this.database ? Promise.resolve(this.database) : getDb();
  }

  async getTuple(config: RunnableConfig): Promise<CheckpointTuple | undefined> {
    const threadId = config.configurable?.thread_id;
    if (typeof threadId !== "string") return undefined;
    const checkpointNs: string = config.configurable?.checkpoint_ns ?? "";
    const checkpointId = getCheckpointId(config);
    const db = await this.db();
    const conditions = [eq(checkpoints.threadId, threadId), eq(checkpoints.checkpointNs, checkpointNs)];
    if (checkpointId) conditions.push(eq(checkpoints.checkpointId, checkpointId));
    const [row] = await db
      .select()
      .from(checkpoints)
      .where(and(...conditions))
      .orderBy(desc(sql`${checkpoints.checkpointId} collate "C"`))
      .limit(1);
    return row ? this.toTuple(db, row) : undefined;
  }

  async *list(config: RunnableConfig, options: CheckpointListOptions = {}): AsyncGenerator<CheckpointTuple> {
    const { limit, before, filter } = options;
    const conditions: SQL[] = [];
    const threadId = config.configurable?.thread_id;
    const checkpointNs = config.configurable?.checkpoint_ns;
    const checkpointId = getCheckpointId(config);
    if (threadId !== undefined) conditions.push(eq(checkpoints.threadId, String(threadId)));
    if (checkpointNs !== undefined) conditions.push(eq(checkpoints.checkpointNs, String(checkpointNs)));
    if (checkpointId) conditions.push(eq(checkpoints.checkpointId, checkpointId));
    const beforeId = before ? getCheckpointId(before) : "";
    // uuid6 ids sort by time as plain byte strings: compare them in the C collation on every server.
    if (beforeId) conditions.push(lt(sql`${checkpoints.checkpointId} collate "C"`, beforeId));
    if (filter && Object.keys(filter).length > 0) {
      conditions.push(sql`${checkpoints.metadata} @> ${JSON.stringify(filter)}::jsonb`);
    }
    if (limit !== undefined && limit <= 0) return;
    const db = await this.db();
    const query = db
      .select()
      .from(checkpoints)
      .where(conditions.length ? and(...conditions) : undefined)
      .orderBy(desc(sql`${checkpoints.checkpointId} collate "C"`));
    const rows = limit !== undefined ? await query.limit(limit) : await query;
    for (const row of rows) yield await this.toTuple(db, row);
  }

  async put(
    config: RunnableConfig,
    checkpoint: Checkpoint,
    metadata: CheckpointMetadata,
    newVersions: ChannelVersions,
  ): Promise<RunnableConfig> {
    if (!config.configurable) throw new Error('Failed to put checkpoint: the config has no "configurable".');
    const threadId = requireThreadId(config, "put checkpoint");
    const checkpointNs: string = config.configurable.checkpoint_ns ?? "";
    const parentCheckpointId: string | undefined = config.configurable.checkpoint_id;
    const copy = copyCheckpoint(checkpoint);
    const values = copy.channel_values as Record<string, unknown>;

    const blobs = await Promise.all(
      Object.entries(newVersions).map(async ([channel, version]) => {
        if (!(channel in values) || values[channel] === undefined) {
          return { channel, version: String(version), type: EMPTY_BLOB_TYPE, hex: "" };
        }
        const [type, bytes] = await this.serde.dumpsTyped(values[channel]);
        return { channel, version: String(version), type, hex: Buffer.from(bytes).toString("hex") };
      }),
    );
    const [checkpointType, checkpointBytes] = await this.serde.dumpsTyped({ ...copy, channel_values: {} });
    const [, metadataBytes] = await this.serde.dumpsTyped(metadata);

    // One statement — one round trip, atomic — with the blobs as four array parameters (unnest), so a
    // checkpoint of any number of channels costs the same to send.
    const db = await this.db();
    await executePrepared(
      db,
      sql`
      with blobs as (
        insert into ${checkpointBlobs} (thread_id, checkpoint_ns, channel, version, type, blob)
        select ${threadId}, ${checkpointNs}, b.channel, b.version, b.type, case when b.type = ${EMPTY_BLOB_TYPE} then null else decode(b.hex, 'hex') end
        from unnest(
          ${sql.param(blobs.map((b) => b.channel))}::text[],
          ${sql.param(blobs.map((b) => b.version))}::text[],
          ${sql.param(blobs.map((b) => b.type))}::text[],
          ${sql.param(blobs.map((b) => b.hex))}::text[]
        ) as b(channel, version, type, hex)
        on conflict do nothing
      )
      insert into ${checkpoints} (thread_id, checkpoint_ns, checkpoint_id, parent_checkpoint_id, type, checkpoint, metadata)
      values (${threadId}, ${checkpointNs}, ${checkpoint.id}, ${parentCheckpointId ?? null}, ${checkpointType},
              decode(${Buffer.from(checkpointBytes).toString("hex")}, 'hex'), ${JSON.stringify(toJsonb(metadataBytes))}::jsonb)
      on conflict (thread_id, checkpoint_ns, checkpoint_id)
      do update set checkpoint = excluded.checkpoint, type = excluded.type, metadata = excluded.metadata`,
    );
    return { configurable: { thread_id: threadId, checkpoint_ns: checkpointNs, checkpoint_id: checkpoint.id } };
  }

  async putWrites(config: RunnableConfig, writes: PendingWrite[], taskId: string, taskPath = ""): Promise<void> {
    const threadId = requireThreadId(config, "put writes");
    const checkpointNs: string = config.configurable?.checkpoint_ns ?? "";
    const checkpointId = config.configurable?.checkpoint_id;
    if (typeof checkpointId !== "string" || checkpointId === "") {
      throw new Error('Failed to put writes: the config is missing "configurable.checkpoint_id".');
    }
    if (writes.length === 0) return;
    const rows = await Promise.all(
      writes.map(async ([channel, value], i) => {
        const [type, bytes] = await this.serde.dumpsTyped(value);
        return {
          threadId,
          checkpointNs,
          checkpointId,
          taskId,
          idx: WRITES_IDX_MAP[channel] ?? i,
          channel,
          type,
          value: bytes,
          taskPath,
        };
      }),
    );
    const db = await this.db();
    // Special writes (errors, interrupts, resumes) replace an earlier one; ordinary writes are kept once.
    const special = writes.every(([channel]) => channel in WRITES_IDX_MAP);
    const insert = db.insert(checkpointWrites).values(rows);
    if (special) {
      await insert.onConflictDoUpdate({
        target: [
          checkpointWrites.threadId,
          checkpointWrites.checkpointNs,
          checkpointWrites.checkpointId,
          checkpointWrites.taskId,
          checkpointWrites.idx,
        ],
        set: {
          channel: sql`excluded.channel`,
          type: sql`excluded.type`,
          value: sql`excluded.value`,
          taskPath: sql`excluded.task_path`,
        },
      });
    } else {
      await insert.onConflictDoNothing();
    }
  }

  async deleteThread(threadId: string): Promise<void> {
    const db = await this.db();
    await db.transaction(async (tx) => {
      await tx.delete(checkpointWrites).where(eq(checkpointWrites.threadId, threadId));
      await tx.delete(checkpointBlobs).where(eq(checkpointBlobs.threadId, threadId));
      await tx.delete(checkpoints).where(eq(checkpoints.threadId, threadId));
    });
  }

  private async toTuple(db: Database, row: CheckpointRow): Promise<CheckpointTuple> {
    const { threadId, checkpointNs, checkpointId, parentCheckpointId } = row;
    const checkpoint = (await this.serde.loadsTyped(row.type ?? "json", row.checkpoint)) as Checkpoint;
    const [channelValues, pendingWrites, metadata] = await Promise.all([
      this.loadChannelValues(db, threadId, checkpointNs, checkpoint.channel_versions),
      this.loadWrites(db, threadId, checkpointNs, checkpointId),
      this.serde.loadsTyped("json", JSON.stringify(row.metadata)) as Promise<CheckpointMetadata>,
    ]);
    checkpoint.channel_values = channelValues;
    if (checkpoint.v < 4 && parentCheckpointId) {
      await this.migratePendingSends(db, checkpoint, threadId, checkpointNs, parentCheckpointId);
    }
    const tuple: CheckpointTuple = {
      config: { configurable: { thread_id: threadId, checkpoint_ns: checkpointNs, checkpoint_id: checkpointId } },
      checkpoint,
      metadata,
      pendingWrites,
    };
    if (parentCheckpointId) {
      tuple.parentConfig = {
        configurable: { thread_id: threadId, checkpoint_ns: checkpointNs, checkpoint_id: parentCheckpointId },
      };
    }
    return tuple;
  }

  private async loadChannelValues(
    db: Database,
    threadId: string,
    checkpointNs: string,
    versions: ChannelVersions,
  ): Promise<Record<string, unknown>> {
    const wanted = Object.entries(versions ?? {});
    if (wanted.length === 0) return {};
    const rows = await db
      .select()
      .from(checkpointBlobs)
      .where(
        and(
          eq(checkpointBlobs.threadId, threadId),
          eq(checkpointBlobs.checkpointNs, checkpointNs),
          sql`(${checkpointBlobs.channel}, ${checkpointBlobs.version}) in (${sql.join(
            wanted.map(([channel, version]) => sql`(${channel}, ${String(version)})`),
            sql`, `,
          )})`,
        ),
      );
    const byKey = new Map(rows.map((r) => [`${r.channel}\u0000${r.version}`, r]));
    const values: Record<string, unknown> = {};
    for (const [channel, version] of wanted) {
      const blob = byKey.get(`${channel}\u0000${String(version)}`);
      if (!blob || blob.type === EMPTY_BLOB_TYPE || !blob.blob) continue;
      values[channel] = await this.serde.loadsTyped(blob.type, blob.blob);
    }
    return values;
  }

  /** Pending writes in LangGraph's replay order: (task_path, task_id, idx) by code point. */
  private async loadWrites(
    db: Database,
    threadId: string,
    checkpointNs: string,
    checkpointId: string,
  ): Promise<CheckpointPendingWrite[]> {
    const rows = await db
      .select()
      .from(checkpointWrites)
      .where(
        and(
          eq(checkpointWrites.threadId, threadId),
          eq(checkpointWrites.checkpointNs, checkpointNs),
          eq(checkpointWrites.checkpointId, checkpointId),
        ),
      );
    rows.sort((a, b) =>
      compareWritesSortKeys(writesSortKey(a.taskPath, a.taskId, a.idx), writesSortKey(b.taskPath, b.taskId, b.idx)),
    );
    return Promise.all(
      rows.map(
        async (r): Promise<CheckpointPendingWrite> => [
          r.taskId,
          r.channel,
          r.value ? await this.serde.loadsTyped(r.type ?? "json", r.value) : undefined,
        ],
      ),
    );
  }

  /** Checkpoints older than format v4 kept pending sends as writes on their parent: move them into TASKS. */
  private async migratePendingSends(
    db: Database,
    checkpoint: Checkpoint,
    threadId: string,
    checkpointNs: string,
    parentCheckpointId: string,
  ): Promise<void> {
    const parentWrites = await this.loadWrites(db, threadId, checkpointNs, parentCheckpointId);
    const sends = parentWrites.filter(([, channel]) => channel === TASKS).map(([, , value]) => value);
    const values = checkpoint.channel_values as Record<string, unknown>;
    const versions = checkpoint.channel_versions as Record<string, number | string>;
    values[TASKS] = sends;
    const existing = Object.values(versions);
    versions[TASKS] = existing.length > 0 ? maxChannelVersion(...existing) : this.getNextVersion(undefined);
  }
}

/**
 * `configurable` key a run sets when its thread cannot have checkpoints yet (a new execution's id): the
 * value is the run's own `{ written }` flag, so one saver (and one compiled graph) serves every run.
 */
export const FRESH_THREAD_KEY = "lattice_fresh_thread";

export interface FreshThreadMark {
  written: boolean;
}

function freshMark(config: RunnableConfig): FreshThreadMark | undefined {
  const mark = config.configurable?.[FRESH_THREAD_KEY] as FreshThreadMark | undefined;
  return mark && typeof mark === "object" ? mark : undefined;
}

/**
 * The process's saver as compiled graphs use it: LangGraph's opening read of a thread the run marks fresh
 * (FRESH_THREAD_KEY) is answered without a query until the run writes its first checkpoint; everything
 * else goes to the database saver.
 */
export class FreshThreadAwareSaver extends BaseCheckpointSaver {
  constructor(private readonly base: BaseCheckpointSaver) {
    super(base.serde);
  }

  async getTuple(config: RunnableConfig): Promise<CheckpointTuple | undefined> {
    const mark = freshMark(config);
    const fresh =
      mark !== undefined &&
      !mark.written &&
      (config.configurable?.checkpoint_ns ?? "") === "" &&
      !getCheckpointId(config);
    return fresh ? undefined : this.base.getTuple(config);
  }

  list(config: RunnableConfig, options?: CheckpointListOptions): AsyncGenerator<CheckpointTuple> {
    return this.base.list(config, options);
  }

  async put(
    config: RunnableConfig,
    checkpoint: Checkpoint,
    metadata: CheckpointMetadata,
    newVersions: ChannelVersions,
  ) {
    const mark = freshMark(config);
    if (mark) mark.written = true;
    return this.base.put(config, checkpoint, metadata, newVersions);
  }

  async putWrites(config: RunnableConfig, writes: PendingWrite[], taskId: string, taskPath?: string): Promise<void> {
    const mark = freshMark(config);
    if (mark) mark.written = true;
    return this.base.putWrites(config, writes, taskId, taskPath);
  }

  deleteThread(threadId: string): Promise<void> {
    return this.base.deleteThread(threadId);
  }
}

let shared: DbCheckpointSaver | undefined;
/** The process's saver on the process's database. */
export function getCheckpointSaver(): DbCheckpointSaver {
  shared ??= new DbCheckpointSaver();
  return shared;
}

let sharedForGraphs: FreshThreadAwareSaver | undefined;
/** The process's saver for compiled graphs (see FreshThreadAwareSaver). */
export function getGraphCheckpointSaver(): FreshThreadAwareSaver {
  sharedForGraphs ??= new FreshThreadAwareSaver(getCheckpointSaver());
  return sharedForGraphs;
}

/**
 * Lattice vs Flowise (vs n8n) vs raw LangGraph in one run, interleaved in rounds, all calling the same wire
 * server (streaming ChatOpenAI on the Flowise and raw side; Lattice's `openai` provider): a port of the
 * reference harness's three-way.mjs — the same cases, warm-ups, bounds, conversations, checks, statistics,
 * tables and ratios. Each in-flight worker holds a 10-turn conversation, then starts a new one (every system
 * alike); every answer is checked against the fixed reply. New here: a `meter` is read around each measured
 * phase (the runner's CPU figures), and streamed answers that are not the fixed reply are counted.
 * Needs the servers running (bench/peers/run.ts starts them).
 */
import fs from "node:fs";
import path from "node:path";
import { FlowiseClient, fillFlowTemplate, type FlowiseStreamResult } from "./flowise-client";
import { LatticeClient, type LatticeStreamResult } from "./lattice-client";
import {
  fmt,
  percentile,
  runLoad,
  summarise,
  table,
  type LoadContext,
  type LoadResult,
  type RoundsSummary,
} from "./measure";
import { N8nClient } from "./n8n-client";
import { loadPeerDeps, makeRawCase, makeRawEnv, TURNS_PER_THREAD, type RawStreamResult } from "./raw-langgraph";
import { FIXED_REPLY } from "./wire-server";

export interface ThreeWayOptions {
  latticeUrl: string;
  flowiseUrl: string;
  /** The optional fourth system. */
  n8nUrl?: string;
  openaiUrl: string;
  pgUrl: string;
  /** Sequential runs per round. */
  n: number;
  /** Runs per round at `concurrency`. */
  nConc: number;
  concurrency: number;
  rounds: number;
  maxSeconds: number;
  warmup: number;
  streamN: number;
  rawSavers: string[];
  /** Also Lattice's chat through a template and its streamed chat as whole turns (default on; not in the shared harness). */
  latticeExtra?: boolean;
  /**
   * A diagnostic of the streaming phase (bench/peers/run.ts --stream-gap-ms): every other streamed turn, each
   * system's turn waits this long first, so it starts on a machine the previous system's work has left. Those
   * turns are reported apart and left out of the figures above, which keep the back-to-back turns. 0: off.
   */
  streamGapMs?: number;
  /** Called around the streaming phase (bench/peers/run.ts --timeline: Lattice's socket timeline of it). */
  streamPhase?: { before(): Promise<void>; after(latticeTurns: LatticeStreamResult[]): Promise<void> };
}

export type CaseKind = "lattice" | "lattice-template" | "lattice-stream" | "flowise" | "n8n" | "raw";
export interface Case {
  kind: CaseKind;
  label: string;
  conc: number;
  graph?: string;
  model?: string;
  saver?: string;
}
export type Row = Case & RoundsSummary;

/** Reads whatever the runner measures around a phase (CPU of the processes, model calls). */
export interface PhaseMeter<M, U> {
  start(): Promise<M>;
  stop(started: M): Promise<U>;
}

export interface ThreeWayResult<U> {
  /** What three-way.mjs prints, line for line. */
  text: string;
  rows: Row[];
  ratios: Array<{ what: string; v: number }>;
  streaming: Record<"lattice" | "flowise" | "raw", { first: StreamStats; total: StreamStats }>;
  /** Per case (same order as `rows`), per round: the measured phase's usage and completed requests. */
  usage: Array<Array<{ usage: U; n: number; result: LoadResult }>>;
  /** Per round: the streaming phase's usage (all three systems interleaved, `streamN` turns each). */
  streamUsage: U[];
  /** Streamed answers that were not the fixed reply (the figures above count them all the same). */
  streamWrongAnswers: Record<"lattice" | "flowise" | "raw", number>;
  flowiseVersion: unknown;
  rawVersions: Record<string, string>;
}

interface StreamStats {
  p50: number;
  p99: number;
  n: number;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/;

export async function runThreeWay<M, U>(
  opt: ThreeWayOptions,
  meter: PhaseMeter<M, U>,
  log: (line: string) => void = (l) => console.error(l),
): Promise<ThreeWayResult<U>> {
  for (const u of [opt.flowiseUrl, opt.openaiUrl, opt.pgUrl, opt.latticeUrl, ...(opt.n8nUrl ? [opt.n8nUrl] : [])]) {
    if (!LOOPBACK.test(new URL(u).hostname)) throw new Error(`refusing non-loopback target ${u}`);
  }
  const deps = await loadPeerDeps();
  const fw = new FlowiseClient(opt.flowiseUrl, { timeoutMs: 30000 });
  await fw.waitUntilUp(60000);
  await fw.ensureLogin(
    process.env.FLOWISE_EMAIL ?? "bench@example.com",
    process.env.FLOWISE_PASSWORD ?? "Bench-Passw0rd!",
  );
  const template = JSON.parse(
    fs.readFileSync(path.join(import.meta.dirname, "flowise-chatflow.json"), "utf8"),
  ) as unknown;
  const credentialId = await fw.createOpenAICredential(`bench-${Date.now()}`, "sk-bench-not-a-real-key");
  const chatflow = await fw.createChatflow(
    `bench-${Date.now()}`,
    fillFlowTemplate(template, { credentialId, basePath: opt.openaiUrl }),
  );
  const lat = new LatticeClient(opt.latticeUrl);
  await lat.waitUntilUp();
  await lat.signup();
  await lat.createChatWorkflow();
  await lat.createChatTemplate();
  {
    // Sanity: each answers the fixed reply.
    const f = await fw.predict(chatflow.id, "sanity", `s-${Date.now()}`);
    const l = await lat.chat("sanity");
    if (f.text !== FIXED_REPLY) throw new Error(`Flowise answered ${JSON.stringify(f).slice(0, 200)}`);
    if (l.text !== FIXED_REPLY) throw new Error(`Lattice answered ${JSON.stringify(l).slice(0, 200)}`);
    const s = await lat.chatStream("sanity stream");
    if (s.text !== FIXED_REPLY || !Number.isFinite(s.firstTokenMs))
      throw new Error(`Lattice stream ${JSON.stringify(s).slice(0, 300)}`);
  }
  let n8: N8nClient | null = null;
  if (opt.n8nUrl) {
    n8 = new N8nClient(opt.n8nUrl);
    await n8.waitUntilUp();
    await n8.login("bench@example.com", "Bench-Passw0rd-1");
    await n8.createChatAgent(opt.openaiUrl);
    const r = await n8.predict("sanity", `s-${Date.now()}`);
    if (r.text !== FIXED_REPLY) throw new Error(`n8n answered ${JSON.stringify(r).slice(0, 200)}`);
  }
  const runId = `b${Date.now()}`;
  let seq = 0;
  const flowiseFn = () => {
    const tag = `${runId}-${seq++}`;
    const per = new Map<number, number>();
    return async ({ worker, i }: LoadContext) => {
      const k = per.get(worker) ?? 0;
      per.set(worker, k + 1);
      const r = await fw.predict(
        chatflow.id,
        `Hello, this is user turn ${i}.`,
        `${tag}-w${worker}-t${Math.floor(k / TURNS_PER_THREAD)}`,
      );
      if (r.text !== FIXED_REPLY) throw new Error(`bad answer ${JSON.stringify(r).slice(0, 200)}`);
    };
  };
  const n8nFn = () => {
    const tag = `${runId}-n${seq++}`;
    const per = new Map<number, number>();
    return async ({ worker, i }: LoadContext) => {
      const k = per.get(worker) ?? 0;
      per.set(worker, k + 1);
      const r = await n8!.predict(
        `Hello, this is user turn ${i}.`,
        `${tag}-w${worker}-t${Math.floor(k / TURNS_PER_THREAD)}`,
      );
      if (r.text !== FIXED_REPLY) throw new Error(`bad answer ${JSON.stringify(r).slice(0, 200)}`);
    };
  };
  // Lattice's chat turns: through a saved workflow (the shared harness's case), a template of the account's,
  // or streamed through POST /api/chat (whole turns, read to the end) — each worker holds 10-turn conversations.
  const latticeFn = (how: "workflow" | "template" | "stream" = "workflow") => {
    const per = new Map<number, { k: number; conv: string | undefined }>();
    return async ({ worker, i }: LoadContext) => {
      const st = per.get(worker) ?? { k: 0, conv: undefined };
      if (st.k % TURNS_PER_THREAD === 0) st.conv = undefined;
      const message = `Hello, this is user turn ${i}.`;
      const r =
        how === "template"
          ? await lat.chatTemplate(message, st.conv)
          : how === "stream"
            ? await lat.chatStream(message, st.conv)
            : await lat.chat(message, st.conv);
      if (r.text !== FIXED_REPLY) throw new Error(`bad answer ${JSON.stringify(r).slice(0, 200)}`);
      st.conv = r.conversationId;
      st.k++;
      per.set(worker, st);
    };
  };
  const env = await makeRawEnv(deps, { pgUrl: opt.pgUrl, openaiUrl: opt.openaiUrl });
  const cases: Case[] = [];
  for (const conc of [1, opt.concurrency]) {
    cases.push({ kind: "lattice", label: "Lattice POST /api/executions CHAT (PostgreSQL)", conc });
    cases.push({ kind: "flowise", label: "Flowise prediction (SQLite)", conc });
    if (n8) cases.push({ kind: "n8n", label: "n8n AI Agent chat webhook (SQLite)", conc });
    for (const saver of opt.rawSavers)
      cases.push({
        kind: "raw",
        label: `raw LangGraph chat3 httpstream ${saver}`,
        graph: "chat3",
        model: "httpstream",
        saver,
        conc,
      });
    if (opt.latticeExtra !== false) {
      cases.push({ kind: "lattice-template", label: "Lattice CHAT through a template (PostgreSQL)", conc });
      cases.push({ kind: "lattice-stream", label: "Lattice POST /api/chat streamed, whole turns", conc });
    }
  }
  const make = async (c: Case) =>
    c.kind === "flowise"
      ? flowiseFn()
      : c.kind === "n8n"
        ? n8nFn()
        : c.kind === "lattice"
          ? latticeFn()
          : c.kind === "lattice-template"
            ? latticeFn("template")
            : c.kind === "lattice-stream"
              ? latticeFn("stream")
              : (await makeRawCase(env, { model: c.model!, saver: c.saver! })).fn;
  for (const c of cases) await runLoad(await make(c), { concurrency: c.conc, durationMs: 20000, maxIters: 60 });
  const results = new Map<Case, LoadResult[]>(cases.map((c) => [c, []]));
  const usage = new Map<Case, Array<{ usage: U; n: number; result: LoadResult }>>(cases.map((c) => [c, []]));
  for (let r = 0; r < opt.rounds; r++) {
    for (const c of cases) {
      const fn = await make(c);
      await runLoad(fn, { concurrency: c.conc, durationMs: 15000, maxIters: opt.warmup });
      const started = await meter.start();
      const res = await runLoad(fn, {
        concurrency: c.conc,
        durationMs: opt.maxSeconds * 1000,
        maxIters: c.conc === 1 ? opt.n : opt.nConc,
      });
      usage.get(c)!.push({ usage: await meter.stop(started), n: res.n, result: res });
      results.get(c)!.push(res);
      log(
        `round ${r + 1} ${c.label} c${c.conc}: ${fmt(res.execPerSec)} exec/s p50=${fmt(res.p50, 2)} err=${res.errors}${res.firstError ? ` ${res.firstError}` : ""}`,
      );
    }
  }
  // Streaming: the first token, sequential, the three systems interleaved turn by turn.
  const stream: { lattice: LatticeStreamResult[]; flowise: FlowiseStreamResult[]; raw: RawStreamResult[] } = {
    lattice: [],
    flowise: [],
    raw: [],
  };
  const streamWrongAnswers = { lattice: 0, flowise: 0, raw: 0 };
  const gapMs = opt.streamGapMs ?? 0;
  const spaced: typeof stream = { lattice: [], flowise: [], raw: [] };
  const pause = (on: boolean) => (on ? new Promise((resolve) => setTimeout(resolve, gapMs)) : Promise.resolve());
  const streamUsage: U[] = [];
  const rawStream = await makeRawCase(env, { model: "httpstream", saver: "postgres" });
  const everyLatticeTurn: LatticeStreamResult[] = [];
  await opt.streamPhase?.before();
  for (let r = 0; r < opt.rounds; r++) {
    let conv: string | undefined;
    const started = await meter.start();
    for (let i = 0; i < opt.streamN; i++) {
      if (i % TURNS_PER_THREAD === 0) conv = undefined;
      const spacedTurn = gapMs > 0 && i % 2 === 1;
      await pause(spacedTurn);
      const f = await fw.predictStream(
        chatflow.id,
        `Stream turn ${i}`,
        `${runId}-s-${r}-${Math.floor(i / TURNS_PER_THREAD)}`,
      );
      await pause(spacedTurn);
      const l = await lat.chatStream(`Stream turn ${i}`, conv);
      everyLatticeTurn.push(l);
      conv = l.conversationId;
      await pause(spacedTurn);
      const g = await rawStream.streamFn({ worker: 0, i });
      if (f.text !== FIXED_REPLY) streamWrongAnswers.flowise++;
      if (l.text !== FIXED_REPLY) streamWrongAnswers.lattice++;
      if (g.text !== FIXED_REPLY) streamWrongAnswers.raw++;
      if (spacedTurn) {
        if (r > 0 || i >= 5) {
          spaced.flowise.push(f);
          spaced.lattice.push(l);
          spaced.raw.push(g);
        }
      } else if (r > 0 || i >= 5) {
        stream.flowise.push(f);
        stream.lattice.push(l);
        stream.raw.push(g);
      }
    }
    streamUsage.push(await meter.stop(started));
  }
  await opt.streamPhase?.after(everyLatticeTurn);
  const rawVersions = await deps.versions();
  const flowiseVersion = await fw.version();
  await env.close();
  await fw.deleteChatflow(chatflow.id);

  const out: string[] = [];
  const rows: Row[] = cases.map((c) => ({ ...c, ...summarise(results.get(c)!) }));
  out.push(
    `\nLattice vs Flowise${n8 ? " vs n8n" : ""} vs raw LangGraph, same fake OpenAI server, ${opt.rounds} rounds interleaved (node ${process.version}; medians across rounds)\n`,
  );
  out.push(
    table(rows, [
      { h: "system", f: (x) => x.label },
      { h: "in-flight", f: (x) => x.conc },
      { h: "exec/s", f: (x) => fmt(x.execPerSec, 1) },
      { h: "range", f: (x) => `${fmt(x.execPerSecMin, 0)}..${fmt(x.execPerSecMax, 0)}` },
      { h: "p50 ms", f: (x) => fmt(x.p50, 2) },
      { h: "p99 ms", f: (x) => fmt(x.p99, 2) },
      { h: "n", f: (x) => x.n },
      { h: "err", f: (x) => x.errors },
    ]),
  );
  const get = (kind: CaseKind, conc: number, saver?: string) =>
    rows.find((x) => x.kind === kind && x.conc === conc && (kind !== "raw" || x.saver === saver));
  const rr: Array<{ what: string; v: number }> = [];
  for (const conc of [1, opt.concurrency]) {
    const L = get("lattice", conc)!;
    const F = get("flowise", conc)!;
    rr.push({ what: `Lattice ÷ Flowise throughput, c=${conc}`, v: L.execPerSec / F.execPerSec });
    rr.push({ what: `Lattice ÷ Flowise p50 latency, c=${conc}`, v: L.p50 / F.p50 });
    const N = get("n8n", conc);
    if (N) rr.push({ what: `Lattice ÷ n8n throughput, c=${conc}`, v: L.execPerSec / N.execPerSec });
    for (const s of opt.rawSavers) {
      const G = get("raw", conc, s);
      if (G) rr.push({ what: `Lattice ÷ raw+${s} throughput, c=${conc}`, v: L.execPerSec / G.execPerSec });
    }
    const T = get("lattice-template", conc);
    if (T) rr.push({ what: `Lattice template chat ÷ Flowise throughput, c=${conc}`, v: T.execPerSec / F.execPerSec });
    const SS = get("lattice-stream", conc);
    if (SS)
      rr.push({
        what: `Lattice POST /api/chat streamed ÷ Flowise throughput, c=${conc}`,
        v: SS.execPerSec / F.execPerSec,
      });
  }
  const st = (xs: Array<{ firstTokenMs: number; totalMs: number }>, k: "firstTokenMs" | "totalMs"): StreamStats => {
    const v = xs
      .map((x) => x[k])
      .filter(Number.isFinite)
      .sort((p, q) => p - q);
    return { p50: percentile(v, 50), p99: percentile(v, 99), n: v.length };
  };
  const S = Object.fromEntries(
    Object.entries(stream).map(([k, xs]) => [k, { first: st(xs, "firstTokenMs"), total: st(xs, "totalMs") }]),
  ) as ThreeWayResult<U>["streaming"];
  rr.push({
    what: "Lattice ÷ Flowise first token p50 (sequential, streamed)",
    v: S.lattice.first.p50 / S.flowise.first.p50,
  });
  out.push(
    "\n" +
      table(rr, [
        { h: "ratio", f: (x) => x.what },
        { h: "value", f: (x) => `${fmt(x.v, 2)}x` },
      ]),
  );
  out.push(
    "\nStreaming first token p50/p99 ms: " +
      Object.entries(S)
        .map(([k, v]) => `${k} ${fmt(v.first.p50, 2)}/${fmt(v.first.p99, 2)} (complete p50 ${fmt(v.total.p50, 2)})`)
        .join("; "),
  );
  if (gapMs > 0) {
    const p50 = (xs: Array<{ firstTokenMs: number; totalMs: number }>) => st(xs, "firstTokenMs").p50;
    out.push(
      `Spaced turns (every other turn, ${gapMs} ms of quiet before each system's; ${spaced.lattice.length} each, not in the figures above), first token p50 ms: ` +
        `lattice ${fmt(p50(spaced.lattice), 2)}; flowise ${fmt(p50(spaced.flowise), 2)}; raw ${fmt(p50(spaced.raw), 2)}; ` +
        `Lattice ÷ Flowise ${fmt(p50(spaced.lattice) / p50(spaced.flowise), 2)}x`,
    );
  }
  return {
    text: out.join("\n"),
    rows,
    ratios: rr,
    streaming: S,
    usage: cases.map((c) => usage.get(c)!),
    streamUsage,
    streamWrongAnswers,
    flowiseVersion,
    rawVersions,
  };
}

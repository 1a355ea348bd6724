/**
 * BENCH_PG_STATS=1 (bench:webhook): where PostgreSQL's time goes in each phase, statement by statement.
 *
 * pg_stat_statements only counts when the server loaded it at start (`shared_preload_libraries`). The machine's
 * shared server does not, and its configuration is the machine's, not the benchmark's: so the run gets a PRIVATE
 * cluster (initdb in a temporary directory, its own port; bench/resilience/lib/services.ts), started with the
 * shared server's own settings (fsync, autovacuum, shared_buffers, WAL sizes…, read from it) plus the extension.
 * Counters are reset before each phase and read after it. The counts are exact; the times are wall time inside
 * the server, so on a busy machine they include waiting for a core.
 */
import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { createPrivatePostgres, type PrivatePostgres } from "../resilience/lib/services";

/** The shared server's settings that the private one copies, so that both do the same work per statement. */
export const COPIED_SETTINGS = [
  "fsync",
  "synchronous_commit",
  "full_page_writes",
  "wal_level",
  "wal_buffers",
  "max_wal_size",
  "min_wal_size",
  "checkpoint_timeout",
  "autovacuum",
  "shared_buffers",
  "work_mem",
  "effective_cache_size",
  "random_page_cost",
  "jit",
  "max_connections",
];

/** The app's hot statements by a fragment of their text (the rest are shown by their first words). */
// pg_stat_statements shows constants as $n (`'pending'` may read `$3`): the fragments avoid them.
const LABELS: [RegExp, string][] = [
  [/WITH ORDINALITY AS t\(s, p, k, d, w, j, n\)/, "webhook stored (intake)"],
  [/SELECT t\.id FROM "InboundEvent" t\b/, "inbox claim"],
  [/contact_upsert AS/, "contact and conversation ensured"],
  [/AS t\(shop, conv, contact/, "turn committed"],
  [/^UPDATE "Message" m SET status = CASE/, "reply marked sent"],
  [/SELECT t\.id FROM "Message" t\b/, "outbox claim"],
  [/^ANALYZE\b/i, "ANALYZE (plan refresh)"],
  [/^DISCARD PLANS/i, "DISCARD PLANS (plan refresh)"],
];

export function statementLabel(query: string): string {
  const text = query.replace(/\s+/g, " ").trim();
  for (const [pattern, label] of LABELS) if (pattern.test(text)) return label;
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

export interface StatementStat {
  label: string;
  calls: number;
  /** Times it was planned: a prepared statement's generic plan is made once per connection, a custom one per call. */
  plans: number;
  rows: number;
  /** Time executing (and planning, `pg_stat_statements.track_planning`), in ms. */
  execMs: number;
  planMs: number;
  walBytes: number;
  buffersHit: number;
  buffersDirtied: number;
}

export interface PhaseStats {
  phase: string;
  /** What `perEvent` divides by: events processed or webhooks stored in the phase. */
  events: number;
  eventsLabel: string;
  totalExecMs: number;
  totalPlanMs: number;
  totalWalBytes: number;
  /** Statements with the same label summed, most time first. */
  statements: StatementStat[];
}

export interface StatementRow {
  query: string;
  calls: number | string;
  plans: number | string;
  rows: number | string;
  total_exec_time: number | string;
  total_plan_time: number | string;
  wal_bytes: number | string;
  shared_blks_hit: number | string;
  shared_blks_dirtied: number | string;
}

const COUNTERS = [
  "calls",
  "plans",
  "rows",
  "execMs",
  "planMs",
  "walBytes",
  "buffersHit",
  "buffersDirtied",
] as const;
type Counters = Omit<StatementStat, "label">;

/** `stats` summed, counter by counter, under `label`. */
function summed(label: string, stats: Counters[]): StatementStat {
  const counters = Object.fromEntries(
    COUNTERS.map((key) => [key, stats.reduce((total, s) => total + s[key], 0)]),
  ) as Counters;
  return { label, ...counters };
}

function countersOf(row: StatementRow): Counters {
  return {
    calls: Number(row.calls),
    plans: Number(row.plans),
    rows: Number(row.rows),
    execMs: Number(row.total_exec_time),
    planMs: Number(row.total_plan_time),
    walBytes: Number(row.wal_bytes),
    buffersHit: Number(row.shared_blks_hit),
    buffersDirtied: Number(row.shared_blks_dirtied),
  };
}

/** Sums pg_stat_statements rows by label (several texts can be one statement of the app's: IN lists, temp names). */
export function summarizeStatements(
  phase: string,
  rows: StatementRow[],
  events: { count: number; label: string },
): PhaseStats {
  const byLabel = new Map<string, Counters[]>();
  for (const row of rows) {
    const label = statementLabel(row.query);
    byLabel.set(label, [...(byLabel.get(label) ?? []), countersOf(row)]);
  }
  const statements = [...byLabel]
    .map(([label, stats]) => summed(label, stats))
    .sort((a, b) => b.execMs + b.planMs - (a.execMs + a.planMs));
  const all = summed("", statements);
  return {
    phase,
    events: events.count,
    eventsLabel: events.label,
    totalExecMs: Math.round(all.execMs),
    totalPlanMs: Math.round(all.planMs),
    totalWalBytes: all.walBytes,
    statements: statements.map((s) => ({
      ...s,
      execMs: Math.round(s.execMs * 10) / 10,
      planMs: Math.round(s.planMs * 10) / 10,
    })),
  };
}

const fmt = (n: number, digits = 0) =>
  n.toLocaleString("en", { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** A phase as a Markdown table: the `top` statements by time, the rest summed. */
export function phaseMarkdown(stats: PhaseStats, top = 8): string[] {
  const perEvent = (n: number) => (stats.events > 0 ? n / stats.events : 0);
  const shown = stats.statements.slice(0, top);
  const rest = stats.statements.slice(top);
  const total = stats.totalExecMs + stats.totalPlanMs || 1;
  const row = (s: StatementStat) =>
    `| ${s.label} | ${fmt(s.calls)} | ${fmt(s.plans)} | ${fmt(s.rows)} | ${fmt(s.calls ? s.rows / s.calls : 0, 1)} | ${fmt(s.execMs)} | ${fmt(s.planMs)} | ${fmt(((s.execMs + s.planMs) / total) * 100)} % | ${fmt(perEvent(s.execMs + s.planMs) * 1000)} µs | ${fmt(perEvent(s.walBytes))} B | ${fmt(perEvent(s.buffersHit), 1)} |`;
  const other = summed(`${rest.length} other statements`, rest);
  return [
    `**${stats.phase}** — ${fmt(stats.events)} ${stats.eventsLabel}; the server executed for ${fmt(stats.totalExecMs)} ms and planned for ${fmt(stats.totalPlanMs)} ms (${fmt(perEvent(stats.totalExecMs + stats.totalPlanMs) * 1000)} µs and ${fmt(perEvent(stats.totalWalBytes))} B of WAL per event).`,
    "",
    `| statement | calls | plans | rows | rows / call | exec ms | plan ms | share | per event | WAL per event | buffers hit per event |`,
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...shown.map(row),
    ...(rest.length ? [row(other)] : []),
  ];
}

export interface StatsServer {
  url: string;
  reset(): Promise<void>;
  /** The bench database's statements since the last reset (read before the bench's own counting queries). */
  snapshot(): Promise<StatementRow[]>;
  destroy(): Promise<void>;
  /** For exit handlers: stops the cluster at once (SIGQUIT to its postmaster) and removes its directory. */
  killSync(): void;
}

/** Starts the private cluster with `sharedUrl`'s settings and pg_stat_statements, ready for `database`. */
export async function startStatsServer(sharedUrl: string, database: string): Promise<StatsServer> {
  const shared = new pg.Client({ connectionString: `${sharedUrl}/postgres`, connectionTimeoutMillis: 5_000 });
  await shared.connect();
  const { rows: settings } = await shared
    .query<{ name: string; setting: string }>(
      "SELECT name, setting FROM pg_settings WHERE name = ANY($1::text[])",
      [COPIED_SETTINGS],
    )
    .finally(() => shared.end());
  const options = [
    ...settings.map(({ name, setting }) => `-c ${name}=${setting}`),
    "-c shared_preload_libraries=pg_stat_statements",
    "-c pg_stat_statements.track=all",
    "-c pg_stat_statements.track_planning=on",
    "-c pg_stat_statements.max=5000",
  ].join(" ");
  const server: PrivatePostgres = await createPrivatePostgres(55433, options);
  const client = new pg.Client({
    connectionString: `${server.url}/postgres`,
    connectionTimeoutMillis: 5_000,
  });
  client.on("error", () => undefined);
  await client.connect();
  await client.query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
  return {
    url: server.url,
    async reset() {
      await client.query("SELECT pg_stat_statements_reset()");
    },
    async snapshot() {
      const { rows } = await client.query<StatementRow>(
        `SELECT s.query, s.calls, s.plans, s.rows, s.total_exec_time, s.total_plan_time, s.wal_bytes, s.shared_blks_hit,
                s.shared_blks_dirtied
         FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
         WHERE d.datname = $1`,
        [database],
      );
      return rows;
    },
    async destroy() {
      await client.end().catch(() => undefined);
      await server.destroy();
    },
    killSync() {
      try {
        const pid = Number(
          readFileSync(path.join(server.dir, "data", "postmaster.pid"), "utf8").split("\n")[0],
        );
        if (pid > 1) process.kill(pid, "SIGQUIT");
      } catch {
        // not running
      }
      rmSync(server.dir, { recursive: true, force: true });
    },
  };
}

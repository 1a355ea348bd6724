import pg from "pg";
import { describe, expect, it } from "vitest";
import {
  phaseMarkdown,
  startStatsServer,
  statementLabel,
  summarizeStatements,
  type StatementRow,
} from "../bench/lib/pg-stats";
import { claimSql } from "~/adapters/db/claim.server";
import { ENSURE_SQL } from "~/adapters/db/conversations.server";
import { INBOX_DUE } from "~/adapters/db/inbound-events.server";
import { COMMIT_TURNS_SQL, OUTBOX_DUE } from "~/adapters/db/messages.server";

/**
 * bench:webhook's BENCH_PG_STATS (bench/lib/pg-stats.ts): the app's hot statements get their names whether
 * pg_stat_statements shows their constants or not, and a phase's table adds up.
 */

/** What pg_stat_statements does to a statement's text: constants become $n. */
const normalized = (sql: string) => sql.replace(/'[^']*'/g, "$99");

describe("statementLabel", () => {
  const statements: [string, string][] = [
    [COMMIT_TURNS_SQL, "turn committed"],
    [ENSURE_SQL, "contact and conversation ensured"],
    [claimSql({ table: '"InboundEvent"', due: INBOX_DUE, orderBy: "t.seq" }), "inbox claim"],
    [claimSql({ table: '"Message"', due: OUTBOX_DUE, orderBy: 't."nextAttemptAt"' }), "outbox claim"],
    ['ANALYZE "InboundEvent"', "ANALYZE (plan refresh)"],
  ];

  it.each(statements)("names the app's statement %#, with or without its constants", (sql, label) => {
    expect(statementLabel(sql)).toBe(label);
    expect(statementLabel(normalized(sql))).toBe(label);
  });

  it("shows any other statement by its first words", () => {
    expect(statementLabel("SELECT   1")).toBe("SELECT 1");
    const long = `SELECT ${"x, ".repeat(40)}y FROM t`;
    expect(statementLabel(long)).toHaveLength(58);
    expect(statementLabel(long).endsWith("…")).toBe(true);
  });
});

describe("summarizeStatements and phaseMarkdown", () => {
  const row = (query: string, calls: number, rows: number, exec: number, wal = 0): StatementRow => ({
    query,
    calls: String(calls),
    plans: "1",
    rows: String(rows),
    total_exec_time: exec,
    total_plan_time: 1,
    wal_bytes: String(wal),
    shared_blks_hit: "10",
    shared_blks_dirtied: "0",
  });

  it("sums the texts of one statement and sorts by time", () => {
    const stats = summarizeStatements(
      "phase",
      [
        row('ANALYZE "Message"', 1, 0, 5),
        row(COMMIT_TURNS_SQL, 10, 100, 40, 1_000),
        row(normalized(COMMIT_TURNS_SQL), 5, 50, 20, 500),
        row("SELECT 1", 3, 3, 0.5),
      ],
      { count: 150, label: "events" },
    );
    expect(stats.statements.map((s) => s.label)).toEqual([
      "turn committed",
      "ANALYZE (plan refresh)",
      "SELECT 1",
    ]);
    expect(stats.statements[0]).toMatchObject({
      calls: 15,
      plans: 2,
      rows: 150,
      execMs: 60,
      planMs: 2,
      walBytes: 1_500,
    });
    expect(stats.totalExecMs).toBe(66);
    expect(stats.totalPlanMs).toBe(4);
    expect(stats.totalWalBytes).toBe(1_500);
  });

  it("renders the top statements, the rest in one row, per event", () => {
    const stats = summarizeStatements(
      "Workers alone",
      [
        row(COMMIT_TURNS_SQL, 10, 100, 99),
        row(ENSURE_SQL, 10, 100, 49),
        row("SELECT 1", 1, 1, 0),
        row("SELECT 2", 1, 1, 0),
      ],
      { count: 100, label: "inbound events processed" },
    );
    const lines = phaseMarkdown(stats, 2);
    expect(lines[0]).toContain("100 inbound events processed");
    expect(lines[0]).toContain("1,520 µs"); // (148 exec + 4 plan) ms over 100 events
    const body = lines.slice(4);
    expect(body).toHaveLength(3);
    expect(body[0]).toMatch(
      /^\| turn committed \| 10 \| 1 \| 100 \| 10\.0 \| 99 \| 1 \| 66 % \| 1,000 µs \|/,
    );
    expect(body[2]).toMatch(/^\| 2 other statements \| 2 \| 2 \| 2 \|/);
  });
});

// A private cluster (initdb, its own port) with the shared server's settings: only where the shared PostgreSQL is
// configured (the services project; CI).
describe.runIf(!!process.env.DATABASE_URL)("startStatsServer", () => {
  it("starts pg_stat_statements on a private cluster with the shared server's settings", async () => {
    // The server of DATABASE_URL, with its user and password, without a database.
    const shared = new URL(process.env.DATABASE_URL!);
    shared.pathname = "";
    shared.search = "";
    const sharedUrl = shared.toString().replace(/\/$/, "");
    const server = await startStatsServer(sharedUrl, "hala_pgstats_test");
    try {
      const admin = new pg.Client({ connectionString: `${server.url}/postgres` });
      await admin.connect();
      await admin.query("CREATE DATABASE hala_pgstats_test");
      await admin.end();
      const client = new pg.Client({ connectionString: `${server.url}/hala_pgstats_test` });
      await client.connect();
      const sharedClient = new pg.Client({ connectionString: `${sharedUrl}/postgres` });
      await sharedClient.connect();
      try {
        for (const name of ["fsync", "autovacuum", "shared_buffers"]) {
          const mine = await client.query(`SHOW ${name}`);
          const theirs = await sharedClient.query(`SHOW ${name}`);
          expect(mine.rows[0][name], name).toBe(theirs.rows[0][name]);
        }
        await server.reset();
        await client.query("CREATE TABLE t (id int PRIMARY KEY, v text)");
        for (let i = 0; i < 3; i++) await client.query("INSERT INTO t VALUES ($1, 'x')", [i]);
        const stats = summarizeStatements("test", await server.snapshot(), { count: 3, label: "rows" });
        const insert = stats.statements.find((s) => s.label.startsWith("INSERT INTO t"));
        expect(insert).toMatchObject({ calls: 3, rows: 3 });
        expect(insert!.walBytes).toBeGreaterThan(0);
      } finally {
        await client.end();
        await sharedClient.end();
      }
    } finally {
      await server.destroy();
    }
  }, 60_000);
});

/**
 * The workers' claims keep a cheap plan when the planner's statistics are stale — the normal case for a work
 * table: a long history of finished rows was analyzed, then a burst arrived faster than autovacuum looks again.
 * Before migration 20261205075054_claim_plans the "older pending row of the same contact?" probe became a join
 * against a full scan of the pending index, repeated for every candidate (over two minutes for one claim at
 * a 35,000-row backlog behind 200,000 done rows). These tests build that situation and read the plan.
 */
import { describe, expect, it, vi } from "vitest";
import { claimSql } from "~/adapters/db/claim.server";
import { inboxCounts, searchConversationIds, type InboxFilter } from "~/adapters/db/inbox.server";
import { INBOX_DUE, claimInboundEvents } from "~/adapters/db/inbound-events.server";
import { COMMIT_TURNS_SQL, OUTBOX_DUE, claimOutboundMessages } from "~/adapters/db/messages.server";
import { database } from "~/db.server";
import { setupTestDatabase } from "./helpers/db";

setupTestDatabase();

interface PlanNode {
  "Node Type": string;
  "Index Name"?: string;
  "Index Cond"?: string;
  "Join Filter"?: string;
  "Subplan Name"?: string;
  "Parent Relationship"?: string;
  "Actual Loops"?: number;
  Plans?: PlanNode[];
}

function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

async function planOf(sql: string, analyze = false): Promise<PlanNode[]> {
  const literal = sql.replace("$1", "32").replace("$2", "'60000'");
  const [row] = await database().raw.query<{ "QUERY PLAN": [{ Plan: PlanNode }] | string }>(
    `EXPLAIN (${analyze ? "ANALYZE, " : ""}FORMAT JSON) ${literal}`,
  );
  const value = row["QUERY PLAN"];
  const parsed = typeof value === "string" ? (JSON.parse(value) as [{ Plan: PlanNode }]) : value;
  return nodes(parsed[0].Plan);
}

/** The probe runs once per candidate on the given index, with the candidate's values as its index condition. */
function expectProbeOn(plan: PlanNode[], outerIndex: string, probeIndex: string, probeColumns: string[]) {
  expect(
    plan.filter((n) => n["Join Filter"]),
    "no join filtered row by row",
  ).toEqual([]);
  const probe = plan.find((n) => n["Parent Relationship"] === "SubPlan");
  expect(probe, JSON.stringify(plan.map((n) => [n["Node Type"], n["Index Name"]]))).toBeDefined();
  expect(probe!["Index Name"]).toBe(probeIndex);
  for (const column of probeColumns) expect(probe!["Index Cond"]).toContain(column);
  expect(plan.some((n) => n["Index Name"] === outerIndex && n["Parent Relationship"] !== "SubPlan")).toBe(
    true,
  );
}

/** 20,000 processed events of `shops` shops and 3,000 shoppers, analyzed: a store's history before a burst. */
const doneEventHistory = (shops: number) => `
      INSERT INTO "InboundEvent" (id, shop, "phoneNumberId", kind, "dedupeKey", "waId", payload, status)
      SELECT 'd' || g, 'shop' || (g % ${shops}) || '.myshopify.com', 'pn' || (g % ${shops}), 'message', 'd' || g,
             '9665' || (g % 3000), '{}', 'done'
      FROM generate_series(1, 20000) g;
      ANALYZE "InboundEvent";`;

/** 20,000 replies sent a day ago across 3,000 conversations, analyzed: the statistics a burst then outdates. */
const SENT_HISTORY = `
      INSERT INTO "Message" (id, shop, "conversationId", "contactId", direction, author, type, body, status,
                             "nextAttemptAt", "createdAt")
      SELECT 'd' || g, 'shop' || (g % 20) || '.myshopify.com', 'c' || (g % 3000), 'k' || (g % 3000), 'out', 'bot',
             'text', '{}', 'sent', now(), now() - interval '1 day'
      FROM generate_series(1, 20000) g;
      ANALYZE "Message";`;

describe("claim plans with stale statistics", () => {
  it("inbox: walks the pending index in arrival order and probes each contact on its own index", async () => {
    const { raw } = database();
    await raw.exec(`${doneEventHistory(20)}
      INSERT INTO "InboundEvent" (id, shop, "phoneNumberId", kind, "dedupeKey", "waId", payload)
      SELECT 'p' || g, 'shop' || (g % 20) || '.myshopify.com', 'pn' || (g % 20), 'message', 'p' || g,
             '9665' || (g % 4000), '{}'
      FROM generate_series(1, 8000) g;`);
    const plan = await planOf(claimSql({ table: '"InboundEvent"', due: INBOX_DUE, orderBy: "t.seq" }));
    expectProbeOn(plan, "InboundEvent_pending_seq_idx", "InboundEvent_pending_contact_idx", [
      "shop",
      "waId",
      "seq",
    ]);
    // And the claim still keeps each contact's order: only the oldest pending event of a contact is taken.
    const claimed = await claimInboundEvents(32, 60_000);
    expect(claimed.map((e) => e.id)).toEqual(Array.from({ length: 32 }, (_, i) => `p${i + 1}`));
    const again = await claimInboundEvents(4000, 60_000);
    expect(again).toHaveLength(4000 - 32);
    expect(new Set(again.map((e) => `${e.shop}|${e.waId}`)).size).toBe(again.length);
  });

  it("outbox: walks the due index and probes each conversation on its own index", async () => {
    const { raw } = database();
    await raw.exec(`${SENT_HISTORY}
      INSERT INTO "Message" (id, shop, "conversationId", "contactId", direction, author, type, body, status,
                             "nextAttemptAt", "createdAt")
      SELECT 'q' || lpad(g::text, 5, '0'), 'shop' || (g % 20) || '.myshopify.com', 'c' || (g % 4000),
             'k' || (g % 4000), 'out', 'bot', 'text', '{}', 'queued', now() - interval '1 minute',
             now() - interval '1 hour' + g * interval '1 millisecond'
      FROM generate_series(1, 8000) g;`);
    const plan = await planOf(
      claimSql({
        table: '"Message"',
        due: OUTBOX_DUE,
        orderBy: `t."nextAttemptAt", t."createdAt"`,
        set: "status = 'sending'",
      }),
    );
    expectProbeOn(plan, "Message_outbox_due_idx", "Message_outbox_conversation_idx", ["conversationId"]);
    const claimed = await claimOutboundMessages(4000, 60_000);
    expect(claimed).toHaveLength(4000);
    expect(new Set(claimed.map((m) => m.conversationId)).size).toBe(4000);
    // The oldest reply of each conversation, never a later one before it.
    expect(claimed.every((m) => Number(m.id.slice(1)) <= 4000)).toBe(true);
  });
});

describe("the turn statement's send-on-commit check", () => {
  it("probes each turn's conversation on the outbox index instead of scanning the whole index", async () => {
    // A reply marked sent leaves a dead entry in Message_outbox_conversation_idx until a vacuum; joined against
    // the turns, the check was one bitmap scan of every entry on each statement (a bench run: 7,107 entries).
    const { raw } = database();
    await raw.exec(`${SENT_HISTORY}
      INSERT INTO "Message" (id, shop, "conversationId", "contactId", direction, author, type, body, status,
                             "nextAttemptAt", "createdAt")
      SELECT 'q' || g, 'shop' || (g % 20) || '.myshopify.com', 'c' || (g % 4000), 'k' || (g % 4000), 'out', 'bot',
             'text', '{}', 'sending', now(), now()
      FROM generate_series(1, 8000) g;`);
    const turns = 40;
    const list = (f: (i: number) => string | number | boolean | null) =>
      `'{${Array.from({ length: turns }, (_, i) => {
        const v = f(i);
        return v === null ? "NULL" : typeof v === "string" ? `"${v}"` : String(v);
      }).join(",")}}'`;
    const shop = (i: number) => `shop${i % 20}.myshopify.com`;
    const values: Record<number, string> = {
      1: `'2026-12-07T00:00:00.000Z'`,
      2: list(shop),
      3: list((i) => `c${i}`),
      4: list((i) => `k${i}`),
      5: list((i) => `wamid.${i}`),
      6: list(() => "text"),
      7: list(() => "{}"),
      8: list(() => "hi"),
      9: list(() => "2026-12-07T00:00:00.000Z"),
      10: list(() => null),
      11: list(() => null),
      12: list(() => null),
      13: list(() => null),
      14: list(() => null),
      15: list(() => false),
      16: list(() => null),
      17: list((i) => `e${i}`),
      18: list((i) => i + 1),
      19: list(() => 1),
      20: list(() => "acc"),
      21: list((i) => `9665${i}`),
      22: list(() => "bot"),
      23: list(() => "text"),
      24: list(() => "{}"),
      25: list(() => "hello"),
      26: list((i) => `e${i}:1`),
      27: list(() => true),
      28: list(() => "60000"),
    };
    // Each parameter as a scalar subquery: the planner cannot see the arrays' lengths, as in the generic plan a
    // prepared statement runs on after five executions (it assumes 10 rows an array).
    const sql = COMMIT_TURNS_SQL.replace(/\$(\d+)/g, (_, n: string) => `(SELECT ${values[Number(n)]})`);
    // Executed (ANALYZE): the probe must run once per turn, not once per pair of turns.
    const plan = await planOf(sql, true);
    const claimPlan = plan.find((n) => n["Subplan Name"] === "CTE claim");
    expect(claimPlan).toBeDefined();
    const inClaim = nodes(claimPlan!);
    const probe = inClaim.find(
      (n) => n["Parent Relationship"] === "SubPlan" && n["Index Name"] === "Message_outbox_conversation_idx",
    );
    expect(probe, JSON.stringify(inClaim.map((n) => [n["Node Type"], n["Index Name"]]))).toBeDefined();
    expect(probe!["Index Cond"]).toContain("conversationId");
    expect(probe!["Actual Loops"]).toBeLessThanOrEqual(turns);
    expect(inClaim.map((n) => n["Node Type"])).not.toContain("Bitmap Heap Scan");
  });
});

describe("InboundEvent's rarer queries without a (shop, receivedAt) index", () => {
  it("a shop's events and a shopper's events are found through the (shop, waId, seq) index", async () => {
    // Migration …_inbound_received_index dropped (shop, receivedAt): an uninstall's or a shop redaction's delete
    // (by shop) and a customer redaction's or the sandbox's (by shop and shoppers) must still not read the table.
    const { raw } = database();
    await raw.exec(doneEventHistory(50));
    const byShop = await planOf(`DELETE FROM "InboundEvent" WHERE shop = 'shop7.myshopify.com'`);
    const byShopper = await planOf(
      `DELETE FROM "InboundEvent" WHERE shop = 'shop7.myshopify.com' AND "waId" IN ('96657', '966557')`,
    );
    for (const plan of [byShop, byShopper]) {
      expect(plan.map((n) => n["Node Type"])).not.toContain("Seq Scan");
      expect(plan.some((n) => n["Index Name"] === "InboundEvent_shop_waId_seq_idx")).toBe(true);
    }
    // And the deletes take exactly their rows.
    const deleted = await raw.execute(
      `DELETE FROM "InboundEvent" WHERE shop = 'shop7.myshopify.com' AND "waId" IN ('96657', '966557')`,
    );
    expect(deleted).toBe(
      Number(
        (
          await raw.query<{ n: string }>(
            `SELECT count(*)::text AS n FROM generate_series(1, 20000) g
             WHERE g % 50 = 7 AND '9665' || (g % 3000) IN ('96657', '966557')`,
          )
        )[0].n,
      ),
    );
  });
});

describe("the inbox's filters on their partial indexes", () => {
  // Migration …_conversation_inbox_partial replaced (shop, needsAttention, lastMessageAt) and (shop, status,
  // lastMessageAt), which every turn wrote into, with partial indexes that hold only the conversations those
  // filters show. The list must still read them rather than the shop's whole list.
  const SHOP = "inbox.myshopify.com";
  const OTHER = "other.myshopify.com";

  /** The list query searchConversationIds sends, with its parameters, and that query's plan. */
  async function listPlan(filter: InboxFilter, cursor?: { at: Date; id: string }) {
    const { raw } = database();
    const spy = vi.spyOn(raw, "query");
    try {
      const page = await searchConversationIds(SHOP, {
        filter,
        limit: 20,
        cursor: cursor && { ...cursor, direction: "after" },
      });
      const [sql, params] = spy.mock.calls[0] as [string, unknown[]];
      const [row] = await raw.query<{ "QUERY PLAN": [{ Plan: PlanNode }] | string }>(
        `EXPLAIN (FORMAT JSON) ${sql}`,
        params,
      );
      const value = row["QUERY PLAN"];
      const parsed = typeof value === "string" ? (JSON.parse(value) as [{ Plan: PlanNode }]) : value;
      return { page, plan: nodes(parsed[0].Plan) };
    } finally {
      spy.mockRestore();
    }
  }

  it("'needs attention' and 'human' read their own small index, newest first, and page by cursor", async () => {
    const { raw } = database();
    // 22,000 conversations, two thirds of them the shop's; one in 700 needs attention and another one in 700 has
    // a person (32 of each, 21 of them the shop's, spread through the list); the other shop's must never show.
    await raw.exec(`
      INSERT INTO "Contact" (id, shop, "waId", "createdAt", "updatedAt")
      SELECT 'k' || g, CASE WHEN g % 3 = 0 THEN '${OTHER}' ELSE '${SHOP}' END, '9665' || g, now(), now()
      FROM generate_series(1, 22000) g;
      INSERT INTO "Conversation" (id, shop, "contactId", state, status, "needsAttention", "lastMessageAt", "updatedAt")
      SELECT 'v' || lpad(g::text, 5, '0'), CASE WHEN g % 3 = 0 THEN '${OTHER}' ELSE '${SHOP}' END, 'k' || g, '{}',
             CASE WHEN g % 700 = 3 THEN 'human' ELSE 'bot' END, g % 700 = 5,
             timestamp '2026-12-01' + g * interval '1 second', now()
      FROM generate_series(1, 22000) g;
      ANALYZE "Contact"; ANALYZE "Conversation";`);
    const expected = async (where: string) =>
      (
        await raw.query<{ id: string }>(
          `SELECT id FROM "Conversation" WHERE shop = '${SHOP}' AND ${where} ORDER BY "lastMessageAt" DESC, id DESC`,
        )
      ).map((r) => r.id);

    for (const [filter, index, where] of [
      ["attention", "Conversation_inbox_attention_idx", `"needsAttention"`],
      ["human", "Conversation_inbox_human_idx", `status = 'human'`],
    ] as const) {
      const all = await expected(where);
      expect(all.length).toBe(21);
      const first = await listPlan(filter);
      expect(
        first.plan.map((n) => n["Index Name"]),
        filter,
      ).toContain(index);
      expect(first.plan.filter((n) => n["Node Type"] === "Seq Scan").map((n) => n["Index Name"])).toEqual([]);
      expect(first.page).toEqual({ ids: all.slice(0, 20), more: true });
      const last = all[19];
      const [at] = await raw.query<{ at: Date }>(
        `SELECT "lastMessageAt" AS at FROM "Conversation" WHERE id = $1`,
        [last],
      );
      const second = await listPlan(filter, { at: new Date(at.at), id: last });
      expect(
        second.plan.map((n) => n["Index Name"]),
        filter,
      ).toContain(index);
      expect(second.page).toEqual({ ids: all.slice(20), more: false });
    }
    // The counts beside the filters agree.
    expect(await inboxCounts(SHOP)).toMatchObject({ attention: 21, human: 21 });
  });
});

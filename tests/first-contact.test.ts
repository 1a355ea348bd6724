import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import * as conversations from "~/adapters/db/conversations.server";
import {
  ENSURE_SQL,
  ensureContactAndConversation,
  findContactsAndConversations,
} from "~/adapters/db/conversations.server";
import { commitInboundTurn, type InboundTurnWrite } from "~/adapters/db/messages.server";
import { database, db } from "~/db.server";
import { action } from "~/routes/webhooks.whatsapp";
import { processInboxBatch } from "~/services/inbox.server";
import { settleSendsOnCommit } from "~/services/outbox.server";
import { channelBenchForEachTest } from "./helpers/channel";
import { setupTestDatabase } from "./helpers/db";
import { callRoute } from "./helpers/remix";
import { inboundPayload, textMessage, whatsappWebhookRequest, type TestStore } from "./helpers/whatsapp";

// A shopper's first message (docs/decisions/010-hot-path-sql.md, "A first message"): the worker reads the
// shopper's rows (none), and the turn's own statement creates the contact and the conversation with the turn's
// outcome in them, instead of inserting both first and rewriting them with the turn.

setupTestDatabase();
const bench = channelBenchForEachTest({ afterEach: settleSendsOnCommit });
let store: TestStore;
beforeEach(() => {
  store = bench.store;
});
afterEach(() => {
  vi.restoreAllMocks();
});

const post = (waId: string, text: string, name = "Amal", timestamp?: number) =>
  callRoute(
    action,
    whatsappWebhookRequest(
      inboundPayload(store.phoneNumberId, waId, textMessage(text), { name, timestamp }),
      store.appSecret,
    ),
  );

/** The SQL of every statement the app runs through the raw driver while `fn` runs. */
async function statementsDuring(fn: () => Promise<unknown>): Promise<string[]> {
  const raw = database().raw;
  const seen: string[] = [];
  const query = raw.query.bind(raw);
  const execute = raw.execute.bind(raw);
  vi.spyOn(raw, "query").mockImplementation((sql, params, options) => {
    seen.push(sql);
    return query(sql, params, options);
  });
  vi.spyOn(raw, "execute").mockImplementation((sql, params, options) => {
    seen.push(sql);
    return execute(sql, params, options);
  });
  await fn();
  vi.restoreAllMocks();
  return seen;
}

async function pendingEvent(shop: string, waId: string, wamid: string) {
  const [event] = await database().raw.query<{ id: string }>(
    `INSERT INTO "InboundEvent" (id, shop, "phoneNumberId", kind, "dedupeKey", "waId", payload)
     VALUES (gen_random_uuid()::text, $1, '1', 'message', $2, $3, '{}'::jsonb) RETURNING id`,
    [shop, wamid, waId],
  );
  return event.id;
}

/** A first message's turn as the worker writes it: new ids, the rows to create. */
function firstTurn(
  eventId: string,
  waId: string,
  wamid: string,
  create = { contact: true, conversation: true },
): InboundTurnWrite {
  return {
    eventId,
    conversationId: randomUUID(),
    contactId: randomUUID(),
    contactName: "Amal",
    accountId: store.accountId,
    create: { ...create, waId, initialState: { version: 1, node: "start" } },
    inbound: {
      wamid,
      type: "text",
      body: { text: "hi" },
      text: "hi",
      createdAt: new Date("2026-03-01T10:00:00.000Z"),
    },
    state: { state: { version: 1, node: "menu" }, stateVersion: 1 },
    language: "ar",
    replies: [
      {
        accountId: store.accountId,
        toWaId: waId,
        author: "bot" as const,
        type: "text",
        body: { kind: "text", body: "Welcome" },
        text: "Welcome",
        idempotencyKey: `${eventId}:0`,
      },
    ],
  };
}

describe("a shopper's first message", () => {
  it("the turn's statement creates the contact and the conversation with its outcome; the ensure statement never runs", async () => {
    const waId = "966511000001";
    const timestamp = Math.floor(Date.now() / 1000) - 5;
    expect((await post(waId, "hi", "Amal", timestamp)).status).toBe(200);
    const statements = await statementsDuring(() => processInboxBatch());

    expect(statements).not.toContain(ENSURE_SQL);
    const conversationWrites = statements.filter((sql) => /(INSERT INTO|UPDATE) "Conversation"/.test(sql));
    expect(conversationWrites).toHaveLength(1);
    expect(conversationWrites[0]).toMatch(/INSERT INTO "Message"/); // the turn's own statement

    const contacts = await db().contact.findMany({ where: { shop: store.shop, waId } });
    expect(contacts).toHaveLength(1);
    expect(contacts[0]).toMatchObject({ name: "Amal", botEnabled: true, blocked: false, sandbox: false });
    expect(contacts[0].lastInboundAt?.getTime()).toBe(timestamp * 1000);
    const conversation = await db().conversation.findFirstOrThrow({
      where: { shop: store.shop, contactId: contacts[0].id },
    });
    expect(conversation).toMatchObject({
      status: "bot",
      unreadCount: 1,
      accountId: store.accountId,
      needsAttention: false,
    });
    expect(conversation.lastInboundAt?.getTime()).toBe(timestamp * 1000);
    expect((conversation.state as { node?: string }).node).not.toBe("start"); // the turn's state, not the initial one
    const messages = await db().message.findMany({
      where: { shop: store.shop, conversationId: conversation.id },
      orderBy: { createdAt: "asc" },
    });
    expect(messages[0]).toMatchObject({ direction: "in", text: "hi", contactId: contacts[0].id });
    expect(messages.slice(1).length).toBeGreaterThan(0);
    expect(bench.graph.sentTo(waId).length).toBe(messages.length - 1);
    expect(await db().inboundEvent.count({ where: { shop: store.shop, status: "done" } })).toBe(1);

    // The next message finds the rows: they are updated, a new profile name replaces the stored one.
    await post(waId, "menu", "Amal B.");
    await processInboxBatch();
    expect(await db().contact.count({ where: { shop: store.shop, waId } })).toBe(1);
    expect(await db().conversation.count({ where: { shop: store.shop, contactId: contacts[0].id } })).toBe(1);
    const again = await db().conversation.findUniqueOrThrow({ where: { id: conversation.id } });
    expect(again.unreadCount).toBe(2);
    expect((await db().contact.findUniqueOrThrow({ where: { id: contacts[0].id } })).name).toBe("Amal B.");
  });

  it("a known contact without a conversation keeps its row; the turn creates the conversation", async () => {
    const waId = "966511000002";
    const contact = await db().contact.create({
      data: { shop: store.shop, waId, name: "From an order", language: "en" },
    });
    await post(waId, "hi", "");
    await processInboxBatch();
    const contacts = await db().contact.findMany({ where: { shop: store.shop, waId } });
    expect(contacts.map((c) => [c.id, c.name, c.language])).toEqual([[contact.id, "From an order", "en"]]);
    expect(contacts[0].lastInboundAt).not.toBeNull();
    const conversations = await db().conversation.findMany({
      where: { shop: store.shop, contactId: contact.id },
    });
    expect(conversations).toHaveLength(1);
    expect(conversations[0].unreadCount).toBe(1);
    expect(bench.graph.sentTo(waId).length).toBeGreaterThan(0);
  });

  it("the read finds each shopper's rows or nulls, in order, shops kept apart", async () => {
    const known = await ensureContactAndConversation(store.shop, { waId: "966511000003", initialState: {} });
    const results = await findContactsAndConversations([
      { shop: store.shop, waId: "966511000099" },
      { shop: store.shop, waId: "966511000003" },
      { shop: "other-shop.myshopify.com", waId: "966511000003" },
    ]);
    expect(results[0]).toMatchObject({ contact: null, conversation: null, shop: { shop: store.shop } });
    expect(results[1].contact?.id).toBe(known.contact.id);
    expect(results[1].conversation?.id).toBe(known.conversation.id);
    expect(results[1].conversation?.lastMessageAt).toBeInstanceOf(Date);
    expect(results[2]).toEqual({ contact: null, conversation: null, shop: null });
  });

  it("writes each row once: one insert per new row and no update, in the turn's transaction", async () => {
    const eventId = await pendingEvent(store.shop, "966511000004", "wamid.FIRST4");
    const turn = firstTurn(eventId, "966511000004", "wamid.FIRST4");
    // The transaction's own counts, as a difference: since PostgreSQL 15 these views may also hold counts of
    // earlier transactions that the backend has not reported yet.
    const counts = await db().$transaction(async (tx) => {
      const read = () =>
        tx.$queryRawUnsafe<{ relname: string; ins: number; upd: number }[]>(
          `SELECT relname::text AS relname, n_tup_ins::int AS ins, n_tup_upd::int AS upd FROM pg_stat_xact_user_tables
           WHERE relname IN ('Contact', 'Conversation') ORDER BY relname`,
        );
      const before = await read();
      const result = await commitInboundTurn(store.shop, turn, tx);
      expect(result).toMatchObject({ conflict: false, inboundStored: true, queued: 1, eventDone: true });
      const after = await read();
      return after.map((row) => {
        const was = before.find((b) => b.relname === row.relname);
        return { relname: row.relname, ins: row.ins - (was?.ins ?? 0), upd: row.upd - (was?.upd ?? 0) };
      });
    });
    expect(counts).toEqual([
      { relname: "Contact", ins: 1, upd: 0 },
      { relname: "Conversation", ins: 1, upd: 0 },
    ]);
    const conversation = await db().conversation.findUniqueOrThrow({ where: { id: turn.conversationId } });
    expect(conversation).toMatchObject({
      contactId: turn.contactId,
      state: { version: 1, node: "menu" },
      unreadCount: 1,
      accountId: store.accountId,
    });
    const contact = await db().contact.findUniqueOrThrow({ where: { id: turn.contactId } });
    expect(contact).toMatchObject({ name: "Amal", language: "ar", waId: "966511000004" });
  });

  it("rows another transaction created meanwhile: the turn writes nothing and says so", async () => {
    // Both rows created meanwhile.
    const e1 = await pendingEvent(store.shop, "966511000005", "wamid.FIRST5");
    const meanwhile = await ensureContactAndConversation(store.shop, {
      waId: "966511000005",
      initialState: { node: "start" },
    });
    const turn = firstTurn(e1, "966511000005", "wamid.FIRST5");
    expect(await commitInboundTurn(store.shop, turn)).toMatchObject({
      conflict: true,
      inboundStored: false,
      queued: 0,
      eventDone: false,
    });
    // Only the conversation created meanwhile (the contact exists, the turn's new conversation would be a second).
    const e2 = await pendingEvent(store.shop, "966511000006", "wamid.FIRST6");
    const contact = await db().contact.create({ data: { shop: store.shop, waId: "966511000006" } });
    const other = await db().conversation.create({
      data: { shop: store.shop, contactId: contact.id, state: { node: "start" } },
    });
    const second = {
      ...firstTurn(e2, "966511000006", "wamid.FIRST6", { contact: false, conversation: true }),
    };
    second.contactId = contact.id;
    expect(await commitInboundTurn(store.shop, second)).toMatchObject({ conflict: true, queued: 0 });

    expect(await db().message.count({ where: { shop: store.shop } })).toBe(0);
    expect(await db().contact.count({ where: { shop: store.shop, waId: "966511000005" } })).toBe(1);
    expect(await db().conversation.count({ where: { shop: store.shop, contactId: contact.id } })).toBe(1);
    expect((await db().conversation.findUniqueOrThrow({ where: { id: other.id } })).unreadCount).toBe(0);
    expect(
      (await db().conversation.findUniqueOrThrow({ where: { id: meanwhile.conversation.id } })).state,
    ).toEqual({ node: "start" });
    expect(await db().inboundEvent.count({ where: { shop: store.shop, status: "pending" } })).toBe(2);
  });

  it("the worker then processes the message again against the stored rows: answered once", async () => {
    const waId = "966511000007";
    const find = conversations.findContactAndConversation;
    const spy = vi
      .spyOn(conversations, "findContactAndConversation")
      .mockImplementationOnce(async (shop, id) => {
        // The read sees nothing; before the turn commits, another transaction creates the shopper's rows.
        const before = await find(shop, id);
        await ensureContactAndConversation(shop, {
          waId: id,
          name: "Elsewhere",
          initialState: { node: "start" },
        });
        return before;
      });
    await post(waId, "hi");
    await processInboxBatch();
    expect(spy).toHaveBeenCalledTimes(2);
    expect(await db().contact.count({ where: { shop: store.shop, waId } })).toBe(1);
    const contact = await db().contact.findFirstOrThrow({ where: { shop: store.shop, waId } });
    expect(await db().conversation.count({ where: { shop: store.shop, contactId: contact.id } })).toBe(1);
    expect(await db().message.count({ where: { shop: store.shop, direction: "in" } })).toBe(1);
    const replies = await db().message.count({ where: { shop: store.shop, direction: "out" } });
    expect(replies).toBeGreaterThan(0);
    expect(bench.graph.sentTo(waId)).toHaveLength(replies);
    expect(await db().inboundEvent.count({ where: { shop: store.shop, status: "done" } })).toBe(1);
  });
});

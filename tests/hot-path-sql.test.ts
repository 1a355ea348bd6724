import pg from "pg";
import { describe, expect, it, vi } from "vitest";
import {
  ANALYZE_MAX_INTERVAL_MS,
  ANALYZE_MIN_INTERVAL_MS,
  analyzeDecision,
  resetClaimStatistics,
  type AnalyzeSchedule,
} from "~/adapters/db/claim.server";
import { claimInboundEvents, storeInboundEvents } from "~/adapters/db/inbound-events.server";
import {
  ENSURE_SQL,
  ensureContactAndConversation,
  ensureContactsAndConversations,
  ensureParams,
  saveConversationState,
} from "~/adapters/db/conversations.server";
import {
  applyMessageStatus,
  commitInboundTurn,
  commitInboundTurns,
  markOutboundSent,
  markOutboundSentRows,
  claimOutboundMessages,
  queueOutboundMessages,
  type InboundTurnWrite,
} from "~/adapters/db/messages.server";
import { getAiSettings, saveAiSettings } from "~/adapters/db/ai.server";
import { ensureShop } from "~/adapters/db/shops.server";
import { database, db, setDatabase, type RawDb } from "~/db.server";
import { setupTestDatabase } from "./helpers/db";

setupTestDatabase();

const A = "hot-a.myshopify.com";
const B = "hot-b.myshopify.com";

async function conversationIn(shop: string, waId = "966500000001") {
  await ensureShop(shop);
  const { conversation } = await ensureContactAndConversation(shop, {
    waId,
    name: "Shopper",
    initialState: { version: 1, node: "start" },
  });
  return conversation;
}

/** Bot replies as a turn carries them (keys `<prefix>:<n>`). */
function replyRows(texts: string[], keyPrefix: string, toWaId = "966500000001") {
  return texts.map((text, i) => ({
    accountId: null,
    toWaId,
    author: "bot" as const,
    type: "text",
    body: { kind: "text", body: text },
    text,
    idempotencyKey: `${keyPrefix}:${i}`,
  }));
}

describe("saveConversationState (one plain UPDATE)", () => {
  it("writes state, version and the activity time; status and attention only when given", async () => {
    const before = await conversationIn(A);
    await db().conversation.updateMany({
      where: { shop: A, id: before.id },
      data: { status: "human", needsAttention: true, lastMessageAt: new Date("2026-01-01T00:00:00Z") },
    });
    const t0 = Date.now();
    expect(
      await saveConversationState(A, before.id, { state: { node: "menu", n: [1, 2] }, stateVersion: 7 }),
    ).toBe(true);
    const after = await db().conversation.findUniqueOrThrow({ where: { id: before.id } });
    expect(after.state).toEqual({ node: "menu", n: [1, 2] });
    expect(after.stateVersion).toBe(7);
    expect(after.status).toBe("human");
    expect(after.needsAttention).toBe(true);
    // Stored in UTC like Prisma's own writes: read back through Prisma it is the time of the call.
    expect(Math.abs(after.lastMessageAt.getTime() - t0)).toBeLessThan(5_000);
    expect(after.updatedAt.getTime()).toBe(after.lastMessageAt.getTime());

    await saveConversationState(A, before.id, {
      state: { node: "handoff" },
      stateVersion: 7,
      status: "bot",
      needsAttention: false,
    });
    const again = await db().conversation.findUniqueOrThrow({ where: { id: before.id } });
    expect(again).toMatchObject({ status: "bot", needsAttention: false, state: { node: "handoff" } });
  });

  it("never touches another shop's conversation", async () => {
    const theirs = await conversationIn(B);
    await conversationIn(A);
    expect(await saveConversationState(A, theirs.id, { state: { hacked: true }, stateVersion: 1 })).toBe(
      false,
    );
    const untouched = await db().conversation.findUniqueOrThrow({ where: { id: theirs.id } });
    expect(untouched.state).toEqual({ version: 1, node: "start" });
  });

  it("joins the caller's transaction: rolled back with it", async () => {
    const conversation = await conversationIn(A);
    await expect(
      db().$transaction(async (tx) => {
        expect(
          await saveConversationState(A, conversation.id, { state: { node: "lost" }, stateVersion: 2 }, tx),
        ).toBe(true);
        throw new Error("abort the turn");
      }),
    ).rejects.toThrow("abort the turn");
    const row = await db().conversation.findUniqueOrThrow({ where: { id: conversation.id } });
    expect(row.state).toEqual({ version: 1, node: "start" });
    expect(row.stateVersion).toBe(1);
  });
});

describe("commitInboundTurn (the worker's turn as one statement)", () => {
  async function pendingEvent(shop: string, waId: string) {
    const [event] = await database().raw.query<{ id: string }>(
      `INSERT INTO "InboundEvent" (id, shop, "phoneNumberId", kind, "dedupeKey", "waId", payload)
       VALUES (gen_random_uuid()::text, $1, '1', 'message', $2, $3, '{}'::jsonb) RETURNING id`,
      [shop, `wamid.${waId}`, waId],
    );
    return event.id;
  }

  it("stores the message, state, replies in order and marks the event done; a replay stores nothing twice", async () => {
    const conversation = await conversationIn(A);
    const eventId = await pendingEvent(A, "966500000001");
    const receivedAt = new Date("2026-03-01T10:00:00.000Z");
    const turn = {
      eventId,
      conversationId: conversation.id,
      contactId: conversation.contactId,
      inbound: { wamid: "wamid.IN1", type: "text", body: { text: "hi" }, text: "hi", createdAt: receivedAt },
      state: { state: { node: "menu" }, stateVersion: 3, status: "human", needsAttention: true },
      language: "ar",
      replies: replyRows(["one", "two", "three"], eventId),
    };
    expect(await commitInboundTurn(A, turn)).toEqual({
      inboundStored: true,
      queued: 3,
      eventDone: true,
      claimed: [],
    });

    const messages = await db().message.findMany({ where: { shop: A }, orderBy: { createdAt: "asc" } });
    expect(messages.map((m) => [m.direction, m.text, m.status])).toEqual([
      ["in", "hi", "received"],
      ["out", "one", "queued"],
      ["out", "two", "queued"],
      ["out", "three", "queued"],
    ]);
    expect(messages[0].createdAt.toISOString()).toBe(receivedAt.toISOString());
    expect(messages.slice(1).every((m) => m.conversationId === conversation.id && m.nextAttemptAt)).toBe(
      true,
    );
    const row = await db().conversation.findUniqueOrThrow({ where: { id: conversation.id } });
    expect(row).toMatchObject({
      state: { node: "menu" },
      stateVersion: 3,
      status: "human",
      needsAttention: true,
    });
    expect(row.unreadCount).toBe(1);
    expect(row.lastInboundAt?.toISOString()).toBe(receivedAt.toISOString());
    const contact = await db().contact.findUniqueOrThrow({ where: { id: conversation.contactId } });
    expect(contact.language).toBe("ar");
    const event = await db().inboundEvent.findUniqueOrThrow({ where: { id: eventId } });
    expect(event.status).toBe("done");
    expect(event.lockedUntil).toBeNull();

    const replay = await commitInboundTurn(A, turn);
    expect(replay).toMatchObject({ inboundStored: false, queued: 0 });
    expect(await db().message.count({ where: { shop: A } })).toBe(4);
  });

  it("writes the contact's row only when the language changes; the window is the conversation's", async () => {
    const conversation = await conversationIn(A);
    const version = async (table: string, id: string) =>
      (
        await database().raw.query<{ v: string }>(`SELECT xmin::text AS v FROM "${table}" WHERE id = $1`, [
          id,
        ])
      )[0].v;
    const turn = async (wamid: string, at: string, language?: "ar" | "en") => {
      const eventId = await pendingEvent(A, wamid);
      await commitInboundTurn(A, {
        eventId,
        conversationId: conversation.id,
        contactId: conversation.contactId,
        inbound: { wamid, type: "text", body: {}, text: "hi", createdAt: new Date(at) },
        state: { state: { node: "menu" }, stateVersion: 3 },
        ...(language ? { language } : {}),
        replies: [],
      });
      return {
        contact: await version("Contact", conversation.contactId),
        contactRow: await db().contact.findUniqueOrThrow({ where: { id: conversation.contactId } }),
        window: (await db().conversation.findUniqueOrThrow({ where: { id: conversation.id } })).lastInboundAt,
      };
    };
    const before = await version("Contact", conversation.contactId);
    // A first message in English: the language is stored.
    const first = await turn("wamid.L1", "2026-03-01T10:00:00.000Z", "en");
    expect(first.contact).not.toBe(before);
    expect(first.contactRow.language).toBe("en");
    expect(first.window?.toISOString()).toBe("2026-03-01T10:00:00.000Z");
    // The next messages, no language or the same one: the contact is not written, the window moves.
    const second = await turn("wamid.L2", "2026-03-01T11:00:00.000Z");
    const third = await turn("wamid.L3", "2026-03-01T12:00:00.000Z", "en");
    expect([second.contact, third.contact]).toEqual([first.contact, first.contact]);
    expect(third.contactRow.updatedAt).toEqual(first.contactRow.updatedAt);
    expect(third.window?.toISOString()).toBe("2026-03-01T12:00:00.000Z");
    // A switch to Arabic is written.
    const fourth = await turn("wamid.L4", "2026-03-01T13:00:00.000Z", "ar");
    expect(fourth.contact).not.toBe(first.contact);
    expect(fourth.contactRow.language).toBe("ar");
  });

  it("without a bot turn only the inbound bookkeeping changes (state, status and feedback stay)", async () => {
    const conversation = await conversationIn(A);
    await db().conversation.updateMany({
      where: { id: conversation.id },
      data: { status: "human", feedback: { keep: true } },
    });
    const eventId = await pendingEvent(A, "966500000001");
    const receivedAt = new Date("2026-03-01T10:00:00.000Z");
    await commitInboundTurn(A, {
      eventId,
      conversationId: conversation.id,
      contactId: conversation.contactId,
      inbound: { wamid: "wamid.IN2", type: "text", body: {}, text: "hello", createdAt: receivedAt },
      replies: [],
    });
    const row = await db().conversation.findUniqueOrThrow({ where: { id: conversation.id } });
    expect(row).toMatchObject({
      state: { version: 1, node: "start" },
      status: "human",
      feedback: { keep: true },
    });
    expect(row.lastMessageAt.toISOString()).toBe(receivedAt.toISOString());

    // A feedback turn that ends clears it (null), inside the caller's transaction.
    await db().$transaction((tx) =>
      commitInboundTurn(
        A,
        {
          eventId,
          conversationId: conversation.id,
          contactId: conversation.contactId,
          inbound: { wamid: "wamid.IN3", type: "text", body: {}, text: "5", createdAt: receivedAt },
          feedback: null,
          replies: [],
        },
        tx,
      ),
    );
    expect(
      (await db().conversation.findUniqueOrThrow({ where: { id: conversation.id } })).feedback,
    ).toBeNull();
  });
});

describe("commitInboundTurns (several lanes' turns in one statement)", () => {
  async function pending(shop: string, waId: string, wamid: string) {
    const [event] = await database().raw.query<{ id: string }>(
      `INSERT INTO "InboundEvent" (id, shop, "phoneNumberId", kind, "dedupeKey", "waId", payload)
       VALUES (gen_random_uuid()::text, $1, '1', 'message', $2, $3, '{}'::jsonb) RETURNING id`,
      [shop, wamid, waId],
    );
    return event.id;
  }

  function turnFor(
    conversation: { id: string; contactId: string },
    eventId: string,
    wamid: string,
    texts: string[],
    extra: Partial<InboundTurnWrite> = {},
  ): InboundTurnWrite {
    return {
      eventId,
      conversationId: conversation.id,
      contactId: conversation.contactId,
      inbound: {
        wamid,
        type: "text",
        body: { text: wamid },
        text: wamid,
        createdAt: new Date("2026-03-01T10:00:00Z"),
      },
      replies: replyRows(texts, eventId, "9665"),
      ...extra,
    };
  }

  it("each turn gets its own counts and rows, shops kept apart; a second turn of one conversation waits its turn", async () => {
    const a1 = await conversationIn(A, "966500000001");
    const a2 = await conversationIn(A, "966500000002");
    const b1 = await conversationIn(B, "966500000001");
    const e1 = await pending(A, "966500000001", "wamid.M1");
    const e2 = await pending(A, "966500000002", "wamid.M2");
    const e3 = await pending(B, "966500000001", "wamid.M3");
    const e4 = await pending(A, "966500000001", "wamid.M4");
    const results = await commitInboundTurns([
      {
        shop: A,
        turn: turnFor(a1, e1, "wamid.M1", ["a", "b"], { state: { state: { node: "one" }, stateVersion: 2 } }),
      },
      { shop: A, turn: turnFor(a2, e2, "wamid.M2", []) },
      { shop: B, turn: turnFor(b1, e3, "wamid.M3", ["c"], { language: "ar" }) },
      // The same conversation again: written after the first (a statement changes a row once).
      {
        shop: A,
        turn: turnFor(a1, e4, "wamid.M4", ["d"], { state: { state: { node: "two" }, stateVersion: 2 } }),
      },
      // Another shop's conversation id under shop A: nothing of B's changes, nothing is stored for it.
      { shop: A, turn: turnFor(b1, "no-such-event", "wamid.M5", ["x"]) },
    ]);
    expect(results).toEqual([
      { inboundStored: true, queued: 2, eventDone: true, claimed: [] },
      { inboundStored: true, queued: 0, eventDone: true, claimed: [] },
      { inboundStored: true, queued: 1, eventDone: true, claimed: [] },
      { inboundStored: true, queued: 1, eventDone: true, claimed: [] },
      // The shopper's message row carries shop A (scoped), but B's conversation is not updated.
      { inboundStored: true, queued: 1, eventDone: false, claimed: [] },
    ]);
    const a1Row = await db().conversation.findUniqueOrThrow({ where: { id: a1.id } });
    expect(a1Row.state).toEqual({ node: "two" });
    expect(a1Row.unreadCount).toBe(2);
    const b1Row = await db().conversation.findUniqueOrThrow({ where: { id: b1.id } });
    expect(b1Row.unreadCount).toBe(1);
    expect((await db().contact.findUniqueOrThrow({ where: { id: b1.contactId } })).language).toBe("ar");
    const out = await db().message.findMany({
      where: { direction: "out", conversationId: a1.id, shop: A },
      orderBy: { createdAt: "asc" },
    });
    expect(out.map((m) => m.text)).toEqual(["a", "b", "d"]);
    expect(await db().inboundEvent.count({ where: { status: "done" } })).toBe(4);

    // Replayed together: nothing is stored twice.
    const replay = await commitInboundTurns([
      { shop: A, turn: turnFor(a1, e1, "wamid.M1", ["a", "b"]) },
      { shop: B, turn: turnFor(b1, e3, "wamid.M3", ["c"]) },
    ]);
    expect(replay.map((r) => [r.inboundStored, r.queued])).toEqual([
      [false, 0],
      [false, 0],
    ]);
  });

  it("send on commit: replies stored claimed (sending, leased, one attempt) when nothing earlier is unsent; queued otherwise", async () => {
    const fresh = await conversationIn(A, "966500000001");
    const busy = await conversationIn(A, "966500000002");
    const twice = await conversationIn(B, "966500000003");
    // An earlier reply of `busy` is still queued: the outbox sends it first, so the new ones queue behind it.
    await queueOutboundMessages(A, [
      {
        conversationId: busy.id,
        contactId: busy.contactId,
        accountId: null,
        toWaId: "966500000002",
        author: "merchant",
        type: "text",
        body: { kind: "text", body: "earlier" },
        text: "earlier",
        idempotencyKey: "earlier",
      },
    ]);
    const [e1, e2, e3, e4] = await Promise.all([
      pending(A, "966500000001", "wamid.S1"),
      pending(A, "966500000002", "wamid.S2"),
      pending(B, "966500000003", "wamid.S3"),
      pending(B, "966500000003", "wamid.S4"),
    ]);
    const lease = { sendNowLeaseMs: 30_000 };
    const before = Date.now();
    const results = await commitInboundTurns([
      { shop: A, turn: turnFor(fresh, e1, "wamid.S1", ["one", "two", "three"], lease) },
      { shop: A, turn: turnFor(busy, e2, "wamid.S2", ["four"], lease) },
      // Two turns of one conversation in one statement: the first is sent now, the second queues behind it.
      { shop: B, turn: turnFor(twice, e3, "wamid.S3", ["five"], lease) },
      { shop: B, turn: turnFor(twice, e4, "wamid.S4", ["six"], lease) },
    ]);
    const rows = await db().message.findMany({ where: { direction: "out" }, orderBy: { createdAt: "asc" } });
    const byText = new Map(rows.map((m) => [m.text, m]));
    expect(results[0].claimed).toEqual(
      ["one", "two", "three"].map((text, i) => ({ id: byText.get(text)!.id, idempotencyKey: `${e1}:${i}` })),
    );
    expect(results.slice(1).map((r) => r.claimed.map((c) => c.idempotencyKey))).toEqual([
      [],
      [`${e3}:0`],
      [],
    ]);
    expect(results.map((r) => r.queued)).toEqual([3, 1, 1, 1]);
    for (const text of ["one", "two", "three", "five"]) {
      const m = byText.get(text)!;
      expect([m.text, m.status, m.attempts]).toEqual([text, "sending", 1]);
      // Leased for the given time, by the database's clock (as the outbox's claim leases).
      expect(m.lockedUntil!.getTime()).toBeGreaterThan(before + 25_000);
      expect(m.lockedUntil!.getTime()).toBeLessThan(Date.now() + 35_000);
    }
    for (const text of ["earlier", "four", "six"])
      expect([
        text,
        byText.get(text)!.status,
        byText.get(text)!.lockedUntil,
        byText.get(text)!.attempts,
      ]).toEqual([text, "queued", null, 0]);
    // Claimed rows are not the outbox's until their lease ends: it takes the queued ones that are due.
    const outbox = await claimOutboundMessages(50, 60_000);
    expect(outbox.map((m) => m.text)).toEqual(["earlier"]);
  });

  it("concurrent callers share statements and each resolves with its own turn committed", async () => {
    const conversations = await Promise.all(
      Array.from({ length: 12 }, (_, i) => conversationIn(A, `9665100000${String(i).padStart(2, "0")}`)),
    );
    const events = await Promise.all(conversations.map((c, i) => pending(A, c.contactId, `wamid.C${i}`)));
    const results = await Promise.all(
      conversations.map((c, i) => commitInboundTurn(A, turnFor(c, events[i], `wamid.C${i}`, [`r${i}`]))),
    );
    expect(results.every((r) => r.inboundStored && r.queued === 1 && r.eventDone)).toBe(true);
    expect(await db().message.count({ where: { shop: A, direction: "out" } })).toBe(12);
  });
});

describe("ensureContactAndConversation (two upserts, one statement)", () => {
  it("creates once, then returns the same rows as Prisma reads them; a given name and account are kept", async () => {
    await ensureShop(A);
    const first = await ensureContactAndConversation(A, {
      waId: "966500000009",
      name: "Sara",
      initialState: { node: "start" },
    });
    expect(first.contact).toEqual(await db().contact.findUniqueOrThrow({ where: { id: first.contact.id } }));
    expect(first.conversation).toEqual(
      await db().conversation.findUniqueOrThrow({ where: { id: first.conversation.id } }),
    );
    expect(first.conversation.createdAt).toBeInstanceOf(Date);
    expect(Math.abs(first.conversation.createdAt.getTime() - Date.now())).toBeLessThan(5_000);

    await db().conversation.updateMany({
      where: { id: first.conversation.id },
      data: { state: { node: "cart" } },
    });
    const again = await ensureContactAndConversation(A, {
      waId: "966500000009",
      name: null,
      accountId: "acc-1",
      initialState: { node: "start" },
    });
    expect(again.contact.id).toBe(first.contact.id);
    expect(again.contact.name).toBe("Sara");
    expect(again.conversation.id).toBe(first.conversation.id);
    expect(again.conversation.state).toEqual({ node: "cart" });
    expect(again.conversation.accountId).toBe("acc-1");
    const renamed = await ensureContactAndConversation(A, {
      waId: "966500000009",
      name: "Sara A.",
      initialState: { node: "start" },
    });
    expect(renamed.contact.name).toBe("Sara A.");
    expect(renamed.conversation.accountId).toBe("acc-1");
    expect(await db().conversation.count()).toBe(1);

    // The same phone in another shop is another contact.
    await ensureShop(B);
    const other = await ensureContactAndConversation(B, { waId: "966500000009", initialState: {} });
    expect(other.contact.id).not.toBe(first.contact.id);
    expect(other.contact.shop).toBe(B);
  });
});

describe("getAiSettings (one SELECT)", () => {
  it("returns the row exactly as Prisma reads it, only the shop's, and null without one", async () => {
    await ensureShop(A);
    await ensureShop(B);
    expect(await getAiSettings(A)).toBeNull();
    await saveAiSettings(A, {
      enabled: true,
      baseUrl: "https://llm.example.com/v1",
      model: "m-1",
      apiKey: "sk-secret",
      systemPrompt: "Be brief",
      tone: null,
      storeFacts: "We ship from Dubai",
      maxReplyChars: 400,
    });
    const read = await getAiSettings(A);
    expect(read).toEqual(await db().aiSettings.findUnique({ where: { shop: A } }));
    expect(read?.createdAt).toBeInstanceOf(Date);
    expect(read?.apiKeyEnc).not.toContain("sk-secret");
    expect(await getAiSettings(B)).toBeNull();
  });
});

describe("markOutboundSent (one UPDATE)", () => {
  it("records the wamid, the sent time and clears the lease and the last error, in the shop only", async () => {
    const conversation = await conversationIn(A);
    await queueOutboundMessages(A, [
      {
        conversationId: conversation.id,
        contactId: conversation.contactId,
        accountId: null,
        toWaId: "966500000001",
        author: "bot",
        type: "text",
        body: { kind: "text", body: "x" },
        text: "x",
        idempotencyKey: "sent:0",
      },
    ]);
    const message = await db().message.findFirstOrThrow({ where: { shop: A, idempotencyKey: "sent:0" } });
    await db().message.updateMany({
      where: { id: message.id },
      data: {
        status: "sending",
        lockedUntil: new Date(Date.now() + 60_000),
        errorCode: 500,
        errorTitle: "x",
      },
    });
    const at = new Date("2026-03-01T10:00:01.250Z");
    await markOutboundSent(B, message.id, "wamid.OTHER", at);
    expect((await db().message.findUniqueOrThrow({ where: { id: message.id } })).status).toBe("sending");
    await markOutboundSent(A, message.id, "wamid.SENT", at);
    const sent = await db().message.findUniqueOrThrow({ where: { id: message.id } });
    expect(sent).toMatchObject({ status: "sent", wamid: "wamid.SENT", lockedUntil: null, errorCode: null });
    expect(sent.errorTitle).toBeNull();
    expect(sent.sentAt?.toISOString()).toBe(at.toISOString());
  });
});

describe("ensureContactsAndConversations (several shoppers, one statement)", () => {
  it("one result per call in order, with the shop's row; the same shopper twice is upserted twice, in order", async () => {
    await ensureShop(A, { name: "Store A" });
    const results = await ensureContactsAndConversations([
      { shop: A, waId: "966500000001", name: "One", initialState: { node: "start" } },
      { shop: "no-row.myshopify.com", waId: "966500000001", initialState: { node: "start" } },
      { shop: A, waId: "966500000002", accountId: "acc-2", initialState: { node: "start" } },
      { shop: A, waId: "966500000001", name: "One again", initialState: { node: "ignored" } },
    ]);
    expect(
      results.map((r) => [r.contact.shop, r.contact.waId, r.contact.name, r.shop?.name ?? null]),
    ).toEqual([
      [A, "966500000001", "One", "Store A"],
      ["no-row.myshopify.com", "966500000001", null, null],
      [A, "966500000002", null, "Store A"],
      [A, "966500000001", "One again", "Store A"],
    ]);
    expect(results[3].contact.id).toBe(results[0].contact.id);
    expect(results[3].conversation.id).toBe(results[0].conversation.id);
    expect(results[3].conversation.state).toEqual({ node: "start" });
    expect(results[2].conversation.accountId).toBe("acc-2");
    expect(results[0].shop?.createdAt).toBeInstanceOf(Date);
    expect(results[0].conversation.lastMessageAt).toBeInstanceOf(Date);
    expect(await db().contact.count()).toBe(3);
    expect(await db().conversation.count()).toBe(3);

    // A known shopper under the same name (or none) is read, not rewritten: no new row version.
    const version = async (table: string, id: string) =>
      (
        await database().raw.query<{ v: string }>(`SELECT xmin::text AS v FROM "${table}" WHERE id = $1`, [
          id,
        ])
      )[0].v;
    const before = [
      await version("Contact", results[0].contact.id),
      await version("Conversation", results[0].conversation.id),
    ];
    const [same, unnamed] = await ensureContactsAndConversations([
      { shop: A, waId: "966500000001", name: "One again", initialState: {} },
      { shop: A, waId: "966500000002", initialState: {} },
    ]);
    expect(same.contact.name).toBe("One again");
    expect(unnamed.conversation.accountId).toBe("acc-2");
    expect([
      await version("Contact", results[0].contact.id),
      await version("Conversation", results[0].conversation.id),
    ]).toEqual(before);

    // Concurrent callers (grouped) each get their own shopper.
    const many = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        ensureContactAndConversation(B, { waId: `96652000000${i}`, initialState: {} }),
      ),
    );
    expect(many.map((r) => r.contact.waId)).toEqual(Array.from({ length: 10 }, (_, i) => `96652000000${i}`));
    expect(new Set(many.map((r) => r.conversation.id)).size).toBe(10);
  });
});

/**
 * Shared buffers (hit + read) one statement touched per row it returned, from EXPLAIN (ANALYZE, BUFFERS), in a
 * transaction with the given planner settings (rolled back: the statement's writes are kept out of the next one).
 */
async function buffersPerRow(
  sql: string,
  params: unknown[],
  settings: string[] = [],
): Promise<{ rows: number; perRow: number }> {
  let result: { rows: number; perRow: number } | undefined;
  await db()
    .$transaction(async (tx) => {
      for (const setting of settings) await tx.$executeRawUnsafe(`SET LOCAL ${setting}`);
      const [row] = await tx.$queryRawUnsafe<{ "QUERY PLAN": unknown }[]>(
        `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${sql}`,
        ...params,
      );
      const raw = row["QUERY PLAN"];
      const [{ Plan: plan }] = (typeof raw === "string" ? JSON.parse(raw) : raw) as {
        Plan: { "Actual Rows": number; "Shared Hit Blocks": number; "Shared Read Blocks": number };
      }[];
      const rows = plan["Actual Rows"];
      result = { rows, perRow: (plan["Shared Hit Blocks"] + plan["Shared Read Blocks"]) / rows };
      throw new RolledBack();
    })
    .catch((error) => {
      if (!(error instanceof RolledBack)) throw error;
    });
  return result!;
}
class RolledBack extends Error {}

describe("ensureContactsAndConversations' plan", () => {
  it("touches a bounded number of pages per shopper at the group's largest size (no per-row re-run of a CTE)", async () => {
    await ensureShop(A);
    // Another shop's 10,000 shoppers, so that the tables are the size of a live store's.
    await database().raw.exec(
      `INSERT INTO "Contact" (id, shop, "waId", "createdAt", "updatedAt")
         SELECT 'c' || g, '${B}', '9665' || g, now(), now() FROM generate_series(1, 10000) g;
       INSERT INTO "Conversation" (id, shop, "contactId", state, "lastMessageAt", "createdAt", "updatedAt")
         SELECT 'v' || g, '${B}', 'c' || g, '{}', now(), now(), now() FROM generate_series(1, 10000) g;`,
    );
    // Planner statistics as on a live database (autovacuum's ANALYZE); on empty statistics the planner happens
    // to pick another join and the test would not see the plan production gets.
    await database().raw.exec(`ANALYZE "Contact"; ANALYZE "Conversation"; ANALYZE "Shop"`);
    const calls = Array.from({ length: 64 }, (_, i) => ({
      shop: A,
      waId: `96659${String(i).padStart(7, "0")}`,
      initialState: { node: "start" },
    }));
    await ensureContactsAndConversations(calls.slice(0, 32));
    // Half known shoppers (read, not rewritten), half first contacts (two inserts each), as the planner may
    // choose: on a bench database it put the conversation part inside a nested loop, run again for every
    // input row (each of 64 rows looked up all 64 conversations, ≈ 300 pages a row); nested loops without a
    // Materialize node, in the statement's written join order, reproduce that plan (≈ 210 pages a row).
    const chosen = await buffersPerRow(ENSURE_SQL, ensureParams(calls));
    const nested = await buffersPerRow(ENSURE_SQL, ensureParams(calls), [
      "enable_hashjoin = off",
      "enable_mergejoin = off",
      "enable_material = off",
      "join_collapse_limit = 1",
    ]);
    expect([chosen.rows, nested.rows]).toEqual([64, 64]);
    expect(chosen.perRow).toBeLessThan(60);
    expect(nested.perRow).toBeLessThan(60);
  });
});

describe.skipIf(!process.env.DATABASE_URL)(
  "ensureContactsAndConversations under a concurrent first contact",
  () => {
    it("a shopper another transaction creates while the statement waits is returned all the same (written again)", async () => {
      await ensureShop(A);
      const other = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await other.connect();
      try {
        await other.query("BEGIN");
        await other.query(
          `INSERT INTO "Contact" (id, shop, "waId", name, "createdAt", "updatedAt")
         VALUES ('raced-contact', $1, '966500000077', 'Raced', now(), now())`,
          [A],
        );
        // The ensure's upsert waits for that row's transaction; its snapshot predates the commit.
        const ensured = ensureContactsAndConversations([
          { shop: A, waId: "966500000077", name: "Raced", initialState: { node: "start" } },
        ]);
        await new Promise((r) => setTimeout(r, 200));
        await other.query("COMMIT");
        const [result] = await ensured;
        expect(result.contact.id).toBe("raced-contact");
        expect(result.conversation.contactId).toBe("raced-contact");
        expect(await db().contact.count({ where: { shop: A, waId: "966500000077" } })).toBe(1);
      } finally {
        await other.end();
      }
    });
  },
);

describe("claimInboundEvents (the claim and the rows in one statement)", () => {
  it("returns the claimed events in arrival order exactly as Prisma reads them, leased", async () => {
    const payload = (n: number) => ({ waId: `96650000000${n}`, text: `m${n}`, nested: { list: [n, "x"] } });
    await storeInboundEvents([
      {
        shop: A,
        phoneNumberId: "pn-a",
        kind: "message",
        dedupeKey: "w1",
        waId: "966500000001",
        payload: payload(1),
      },
      {
        shop: B,
        phoneNumberId: "pn-b",
        kind: "message",
        dedupeKey: "w2",
        waId: "966500000002",
        payload: payload(2),
      },
      {
        shop: A,
        phoneNumberId: "pn-a",
        kind: "status",
        dedupeKey: "w3:read",
        waId: null,
        payload: payload(3),
      },
    ]);
    const claimed = await claimInboundEvents(10, 60_000);
    const read = await db().inboundEvent.findMany({ orderBy: { seq: "asc" } });
    expect(claimed).toEqual(read);
    expect(claimed.map((e) => e.dedupeKey)).toEqual(["w1", "w2", "w3:read"]);
    expect(typeof claimed[0].seq).toBe("bigint");
    expect(claimed.every((e) => e.attempts === 1 && e.lockedUntil! > new Date())).toBe(true);
    expect(await claimInboundEvents(10, 60_000)).toEqual([]);
  });
});

describe("applyMessageStatus (one statement)", () => {
  const T0 = new Date("2026-12-01T10:00:00.000Z");
  const AT = new Date("2026-12-01T10:05:00.000Z");
  type Row = {
    status: string;
    wamid?: string | null;
    direction?: string;
    deliveredAt?: Date;
    lockedUntil?: Date;
  };
  let n = 0;
  async function message(conversation: { id: string; contactId: string }, row: Row) {
    n++;
    return db().message.create({
      data: {
        shop: A,
        conversationId: conversation.id,
        contactId: conversation.contactId,
        direction: row.direction ?? "out",
        author: row.direction === "in" ? "shopper" : "bot",
        type: "text",
        body: {},
        status: row.status,
        wamid: row.wamid === undefined ? `wamid.S${n}` : row.wamid,
        deliveredAt: row.deliveredAt ?? null,
        lockedUntil: row.lockedUntil ?? null,
      },
    });
  }

  it("moves a message up the ranks only; failed replaces queued/sending/sent; a late delivered keeps its time", async () => {
    const conversation = await conversationIn(A);
    const cases: [Row, string, string, "applied" | "stale", Record<string, unknown>][] = [
      [{ status: "queued" }, "sent", "sent", "applied", { sentAt: AT }],
      [{ status: "sending" }, "delivered", "delivered", "applied", { deliveredAt: AT, sentAt: null }],
      [{ status: "sent" }, "read", "read", "applied", { readAt: AT }],
      [{ status: "read" }, "delivered", "read", "stale", { deliveredAt: AT }],
      [{ status: "read", deliveredAt: T0 }, "delivered", "read", "stale", { deliveredAt: T0 }],
      [{ status: "delivered" }, "sent", "delivered", "stale", { sentAt: null }],
      [{ status: "read" }, "read", "read", "stale", { readAt: null }],
      [
        { status: "sent" },
        "failed",
        "failed",
        "applied",
        { failedAt: AT, errorCode: 131049, errorTitle: "x" },
      ],
      [{ status: "delivered" }, "failed", "delivered", "stale", { failedAt: null, errorCode: null }],
      [{ status: "failed" }, "read", "failed", "stale", { readAt: null }],
      [{ status: "cancelled" }, "sent", "cancelled", "stale", { sentAt: null }],
      [{ status: "sent" }, "deleted", "sent", "stale", {}],
      [{ status: "received", direction: "in" }, "read", "received", "stale", { readAt: null }],
      [{ status: "received", direction: "in" }, "failed", "received", "stale", { failedAt: null }],
    ];
    for (const [row, incoming, status, result, fields] of cases) {
      const m = await message(conversation, row);
      const label = `${row.status}${row.deliveredAt ? " (delivered before)" : ""} + ${incoming}`;
      expect(await applyMessageStatus(A, m.wamid!, incoming, AT, { code: 131049, title: "x" }), label).toBe(
        result,
      );
      expect(await db().message.findUniqueOrThrow({ where: { id: m.id } }), label).toMatchObject({
        status,
        ...fields,
      });
    }
    expect(await applyMessageStatus(A, "wamid.NOBODY", "read", AT)).toBe("unknown");
    // A failed status without a title still says why.
    const titled = await message(conversation, { status: "sent" });
    await applyMessageStatus(A, titled.wamid!, "failed", AT, { code: 131026 });
    expect(await db().message.findUniqueOrThrow({ where: { id: titled.id } })).toMatchObject({
      errorCode: 131026,
      errorTitle: "failed",
    });
  });

  it("attaches the wamid to the message the callback names, never sent yet, and applies the status with it", async () => {
    const conversation = await conversationIn(A);
    const cases: [Row, string, "applied" | "stale" | "unknown", Record<string, unknown>][] = [
      [
        { status: "sending", wamid: null, lockedUntil: AT },
        "sent",
        "applied",
        { status: "sent", sentAt: AT, lockedUntil: null },
      ],
      [
        { status: "queued", wamid: null },
        "delivered",
        "applied",
        { status: "delivered", sentAt: AT, deliveredAt: AT },
      ],
      [{ status: "sending", wamid: null }, "read", "applied", { status: "read", sentAt: AT, readAt: AT }],
      [
        { status: "sending", wamid: null },
        "failed",
        "applied",
        { status: "failed", failedAt: AT, errorCode: 131049, errorTitle: "x" },
      ],
      [{ status: "sending", wamid: null }, "deleted", "stale", { status: "sent", sentAt: AT }],
      // Already recorded as sent under another wamid, or not an outbound message: nothing to attach.
      [
        { status: "sent", wamid: "wamid.OTHER" },
        "delivered",
        "unknown",
        { status: "sent", wamid: "wamid.OTHER" },
      ],
      [
        { status: "received", wamid: null, direction: "in" },
        "read",
        "unknown",
        { status: "received", wamid: null },
      ],
    ];
    for (const [row, incoming, result, fields] of cases) {
      const m = await message(conversation, row);
      const wamid = `wamid.ATTACH${n}`;
      const label = `${row.status} + ${incoming}`;
      expect(
        await applyMessageStatus(A, wamid, incoming, AT, { code: 131049, title: "x" }, m.id),
        label,
      ).toBe(result);
      const after = await db().message.findUniqueOrThrow({ where: { id: m.id } });
      expect(after, label).toMatchObject({ ...(result === "unknown" ? {} : { wamid }), ...fields });
    }
    // Another shop's message is never attached.
    const theirs = await message(conversation, { status: "sending", wamid: null });
    expect(await applyMessageStatus(B, "wamid.THEIRS", "sent", AT, {}, theirs.id)).toBe("unknown");
    expect(await db().message.findUniqueOrThrow({ where: { id: theirs.id } })).toMatchObject({ wamid: null });
  });
});

describe.skipIf(!process.env.DATABASE_URL)("applyMessageStatus against a concurrent status", () => {
  it("a status applied by another transaction while this one waits is seen, never stepped back", async () => {
    const conversation = await conversationIn(A);
    const m = await db().message.create({
      data: {
        shop: A,
        conversationId: conversation.id,
        contactId: conversation.contactId,
        direction: "out",
        author: "bot",
        type: "text",
        body: {},
        status: "sent",
        wamid: "wamid.RACE",
      },
    });
    const other = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await other.connect();
    try {
      await other.query("BEGIN");
      await other.query(`UPDATE "Message" SET status = 'read', "readAt" = now() WHERE id = $1`, [m.id]);
      // This statement's snapshot still says "sent"; it waits for the row, then must see "read".
      const applying = applyMessageStatus(A, "wamid.RACE", "delivered", new Date());
      await new Promise((r) => setTimeout(r, 200));
      await other.query("COMMIT");
      expect(await applying).toBe("stale");
      expect(await db().message.findUniqueOrThrow({ where: { id: m.id } })).toMatchObject({ status: "read" });
    } finally {
      await other.end();
    }
  });
});

describe("claimOutboundMessages (the claim and the recipients in one statement)", () => {
  it("returns the claimed messages oldest first, as Message rows, each with its recipient's window and sandbox flag", async () => {
    const conversation = await conversationIn(A);
    const lastInboundAt = new Date("2026-03-01T09:59:00.000Z");
    await db().conversation.updateMany({ where: { id: conversation.id }, data: { lastInboundAt } });
    const sandboxConversation = await conversationIn(B, "966500000055");
    await db().contact.updateMany({ where: { id: sandboxConversation.contactId }, data: { sandbox: true } });
    await queueOutboundMessages(
      A,
      replyRows(["first", "second"], "claim").map((row) => ({
        ...row,
        conversationId: conversation.id,
        contactId: conversation.contactId,
      })),
    );
    await queueOutboundMessages(
      B,
      replyRows(["sandboxed"], "claim-b").map((row) => ({
        ...row,
        conversationId: sandboxConversation.id,
        contactId: sandboxConversation.contactId,
      })),
    );
    const claimed = await claimOutboundMessages(10, 60_000);
    // One message per conversation at a time: the first of A's, and B's.
    expect(claimed.map((m) => [m.shop, m.text, m.status]).sort()).toEqual([
      [A, "first", "sending"],
      [B, "sandboxed", "sending"],
    ]);
    const a = claimed.find((m) => m.shop === A)!;
    expect(a.recipient).toEqual({ lastInboundAt, sandbox: false });
    expect(a.createdAt).toBeInstanceOf(Date);
    expect(a.lockedUntil!.getTime()).toBeGreaterThan(Date.now());
    expect(a.body).toEqual({ kind: "text", body: "first" });
    expect(claimed.find((m) => m.shop === B)!.recipient).toEqual({ lastInboundAt: null, sandbox: true });
  });
});

describe("markOutboundSentRows (several sends, one UPDATE)", () => {
  it("marks each row with its own wamid and time, never steps back from delivered, and only in its shop", async () => {
    const conversation = await conversationIn(A);
    await queueOutboundMessages(
      A,
      replyRows(["p", "q", "r"], "many").map((row) => ({
        ...row,
        conversationId: conversation.id,
        contactId: conversation.contactId,
      })),
    );
    const rows = await db().message.findMany({
      where: { shop: A, direction: "out" },
      orderBy: { createdAt: "asc" },
    });
    await db().message.updateMany({ where: { id: rows[2].id }, data: { status: "delivered" } });
    const at = (s: number) => new Date(`2026-03-01T10:00:0${s}.000Z`);
    await markOutboundSentRows([
      { shop: A, id: rows[0].id, wamid: "wamid.P", at: at(1) },
      { shop: B, id: rows[1].id, wamid: "wamid.WRONG", at: at(2) },
      { shop: A, id: rows[2].id, wamid: "wamid.R", at: at(3) },
    ]);
    const after = await db().message.findMany({
      where: { shop: A, direction: "out" },
      orderBy: { createdAt: "asc" },
    });
    expect(after.map((m) => [m.status, m.wamid, m.sentAt?.toISOString() ?? null])).toEqual([
      ["sent", "wamid.P", at(1).toISOString()],
      ["queued", null, null],
      ["delivered", "wamid.R", at(3).toISOString()],
    ]);
    // Concurrent marks (grouped) each land.
    await Promise.all([
      markOutboundSent(A, rows[1].id, "wamid.Q", at(4)),
      markOutboundSent(A, rows[0].id, "wamid.P", at(1)),
    ]);
    expect((await db().message.findUniqueOrThrow({ where: { id: rows[1].id } })).wamid).toBe("wamid.Q");
  });
});

describe("analyzeDecision (how often slow claims re-analyze)", () => {
  it("at most once an interval; slow again right after → the interval doubles to five minutes; after a quiet spell it starts over", () => {
    let schedule: AnalyzeSchedule = { lastAt: 0, intervalMs: ANALYZE_MIN_INTERVAL_MS };
    const analyzedAt: number[] = [];
    // Claims slow every second for an hour (a busy machine, not stale statistics).
    for (let t = 1_000; t <= 3_600_000; t += 1_000) {
      const d = analyzeDecision(schedule, t);
      schedule = d.schedule;
      if (d.analyze) analyzedAt.push(t);
    }
    expect(analyzedAt.slice(0, 6)).toEqual([1_000, 11_000, 31_000, 71_000, 151_000, 311_000]);
    expect(schedule.intervalMs).toBe(ANALYZE_MAX_INTERVAL_MS);
    expect(analyzedAt.length).toBeLessThan(20);
    // An hour without slow claims, then one: analyzed at once, and back to the short interval.
    const later = analyzeDecision(schedule, 7_200_000);
    expect(later).toEqual({
      analyze: true,
      schedule: { lastAt: 7_200_000, intervalMs: ANALYZE_MIN_INTERVAL_MS },
    });
    expect(analyzeDecision(later.schedule, 7_205_000).analyze).toBe(false);
  });
});

describe("work-table claims keep the planner's statistics fresh", () => {
  it("a slow claim re-analyzes its table in the background, once a minute at most; a fast one does not", async () => {
    const real = database();
    const analyzed: string[] = [];
    let delayMs = 0;
    const raw: RawDb = {
      ...real.raw,
      query: async (sql, params, options) => {
        if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs));
        return real.raw.query(sql, params, options);
      },
      exec: async (sql) => {
        analyzed.push(sql);
        await real.raw.exec(sql);
      },
    };
    setDatabase({ ...real, raw });
    try {
      resetClaimStatistics();
      await claimInboundEvents(10, 1_000);
      expect(analyzed).toEqual([]);

      delayMs = 60;
      await claimInboundEvents(10, 1_000);
      await claimInboundEvents(10, 1_000);
      await vi.waitFor(() => expect(analyzed).toEqual(['ANALYZE "InboundEvent"']));
    } finally {
      setDatabase(real);
      resetClaimStatistics();
    }
  });
});

import { describe, expect, it, vi } from "vitest";
import { resetClaimStatistics } from "~/adapters/db/claim.server";
import { claimInboundEvents } from "~/adapters/db/inbound-events.server";
import { ensureContactAndConversation, saveConversationState } from "~/adapters/db/conversations.server";
import { commitInboundTurn, markOutboundSent, queueOutboundMessages } from "~/adapters/db/messages.server";
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
      replies: ["one", "two", "three"].map((text, i) => ({
        accountId: null,
        toWaId: "966500000001",
        author: "bot" as const,
        type: "text",
        body: { kind: "text", body: text },
        text,
        idempotencyKey: `${eventId}:${i}`,
      })),
    };
    expect(await commitInboundTurn(A, turn)).toEqual({ inboundStored: true, queued: 3, eventDone: true });

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
    expect(contact.lastInboundAt?.toISOString()).toBe(receivedAt.toISOString());
    const event = await db().inboundEvent.findUniqueOrThrow({ where: { id: eventId } });
    expect(event.status).toBe("done");
    expect(event.lockedUntil).toBeNull();

    const replay = await commitInboundTurn(A, turn);
    expect(replay).toMatchObject({ inboundStored: false, queued: 0 });
    expect(await db().message.count({ where: { shop: A } })).toBe(4);
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

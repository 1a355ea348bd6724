import { beforeEach, describe, expect, it } from "vitest";
import type { AccountCredentials } from "~/adapters/db/accounts.server";
import { commitInboundTurn, queueOutboundMessages } from "~/adapters/db/messages.server";
import { sendGraphMessage } from "~/adapters/whatsapp/client.server";
import { database, db } from "~/db.server";
import { action } from "~/routes/webhooks.whatsapp";
import { processInboxBatch } from "~/services/inbox.server";
import {
  canSendOnCommit,
  MAX_SEND_ON_COMMIT,
  sendClaimedNow,
  sendOutboxBatch,
  settleSendsOnCommit,
} from "~/services/outbox.server";
import { channelBenchForEachTest } from "./helpers/channel";
import { setupTestDatabase } from "./helpers/db";
import { callRoute } from "./helpers/remix";
import { inboundPayload, textMessage, whatsappWebhookRequest, type TestStore } from "./helpers/whatsapp";

// Send on commit (docs/decisions/010-hot-path-sql.md): the inbox worker stores a turn's replies already claimed
// when nothing earlier in the conversation is unsent, and sends them at once, without the outbox.

setupTestDatabase();

// Sends still in flight end with their test.
const bench = channelBenchForEachTest({ afterEach: settleSendsOnCommit });
const graph = bench.graph;
let store: TestStore;
beforeEach(() => {
  store = bench.store;
});

const post = (waId: string, text: string) =>
  callRoute(
    action,
    whatsappWebhookRequest(inboundPayload(store.phoneNumberId, waId, textMessage(text)), store.appSecret),
  );

const outbound = (waId?: string) =>
  db().message.findMany({
    where: { direction: "out", ...(waId ? { toWaId: waId } : {}) },
    orderBy: { createdAt: "asc" },
  });

/** Expires every lease and makes every queued message due (a restart after the lease, by the database's clock). */
async function fastForward() {
  await database().raw.exec(
    `UPDATE "Message" SET "nextAttemptAt" = now() - interval '1 second', "lockedUntil" = CASE WHEN "lockedUntil" IS NULL THEN NULL ELSE now() - interval '1 second' END WHERE status IN ('queued', 'sending')`,
  );
}

/** The store's number as the sender sees it (the Graph fake checks only that a bearer token is sent). */
const accountOf = (store: TestStore): AccountCredentials => ({
  id: store.accountId,
  shop: store.shop,
  phoneNumberId: store.phoneNumberId,
  wabaId: "waba",
  accessToken: "token",
  appSecret: null,
  messagesPerSecond: 1000,
});

describe("send on commit", () => {
  it("the inbox worker sends a turn's replies itself, in order, once: nothing is left for the outbox", async () => {
    await post("971520000001", "hi");
    expect(await processInboxBatch()).toBe(1);
    const out = await outbound();
    expect(out.length).toBeGreaterThan(0);
    expect(out.map((m) => [m.status, m.attempts, m.lockedUntil])).toEqual(out.map(() => ["sent", 1, null]));
    expect(out.every((m) => m.wamid?.startsWith("wamid.FAKE"))).toBe(true);
    // Sent in the conversation's order, each exactly once.
    expect(graph.sent.map((s) => s.body.biz_opaque_callback_data)).toEqual(out.map((m) => m.id));
    expect(await sendOutboxBatch()).toBe(0);
    expect(graph.sent).toHaveLength(out.length);
  });

  it("replies of a conversation with an earlier unsent message queue behind it; the outbox sends all in order", async () => {
    await post("971520000002", "hi");
    await processInboxBatch();
    const first = await outbound();
    graph.reset();
    const conversation = await db().conversation.findFirstOrThrow({ where: { id: first[0].conversationId } });
    await queueOutboundMessages(store.shop, [
      {
        conversationId: conversation.id,
        contactId: conversation.contactId,
        accountId: store.accountId,
        toWaId: "971520000002",
        author: "merchant",
        type: "text",
        body: { kind: "text", body: "From the merchant" },
        text: "From the merchant",
        idempotencyKey: "merchant-1",
      },
    ]);
    await post("971520000002", "menu");
    await processInboxBatch();
    const queued = (await outbound()).slice(first.length);
    expect(queued.length).toBeGreaterThan(1);
    expect(queued.map((m) => m.status)).toEqual(queued.map(() => "queued"));
    expect(graph.sent).toHaveLength(0);
    for (let i = 0; i < 10 && (await sendOutboxBatch()) > 0; i++) await fastForward();
    expect(graph.sent.map((s) => s.body.biz_opaque_callback_data)).toEqual(queued.map((m) => m.id));
    expect((await outbound()).every((m) => m.status === "sent")).toBe(true);
  });

  it("a retryable Graph error gives that reply and the ones after it back to the outbox, which sends them in order", async () => {
    await post("971520000003", "hi");
    await processInboxBatch();
    const [hello] = await outbound();
    graph.reset();
    // A turn with three replies, stored claimed, then sent on commit; the Graph API fails the first with a 500.
    const committed = await commitInboundTurn(store.shop, {
      eventId: "none",
      conversationId: hello.conversationId,
      contactId: hello.contactId,
      inbound: { wamid: "wamid.THREE", type: "text", body: {}, text: "three", createdAt: new Date() },
      replies: ["one", "two", "three"].map((text) => ({
        accountId: store.accountId,
        toWaId: "971520000003",
        author: "bot" as const,
        type: "text",
        body: { kind: "text", body: text },
        text,
        idempotencyKey: `three:${text}`,
      })),
      sendNowLeaseMs: 60_000,
    });
    expect(committed.claimed).toHaveLength(3);
    graph.failNext("500");
    sendClaimedNow(
      committed.claimed.map(({ id, idempotencyKey }) => {
        const text = idempotencyKey.split(":")[1];
        return {
          shop: store.shop,
          id,
          conversationId: hello.conversationId,
          toWaId: "971520000003",
          type: "text",
          body: { kind: "text", body: text },
          attempts: 1,
        };
      }),
      accountOf(store),
      new Date(),
      Date.now() + 60_000,
    );
    await settleSendsOnCommit();
    const out = (await outbound()).slice(1);
    expect(out.map((m) => m.text)).toEqual(["one", "two", "three"]);
    expect(graph.sent).toHaveLength(0);
    expect(out[0]).toMatchObject({ status: "queued", attempts: 1, lockedUntil: null });
    expect(out[0].errorTitle).toBeTruthy();
    // The ones after it were not attempted: given back without counting an attempt.
    expect(out.slice(1).map((m) => [m.status, m.attempts, m.lockedUntil])).toEqual([
      ["queued", 0, null],
      ["queued", 0, null],
    ]);
    for (let i = 0; i < 10; i++) {
      await fastForward();
      if ((await sendOutboxBatch()) === 0) break;
    }
    expect(graph.sent.map((s) => s.body.biz_opaque_callback_data)).toEqual(out.map((m) => m.id));
    const after = (await outbound()).slice(1);
    expect(after.map((m) => m.status)).toEqual(out.map(() => "sent"));
    expect(after[0].attempts).toBe(2);
  });

  it("a process that dies while sending on commit leaves the replies leased; the outbox sends them once the lease ends", async () => {
    await post("971520000004", "hi");
    await processInboxBatch(undefined, {
      sender: {
        now: () => new Date(),
        send: async () => {
          throw new Error("SIGKILL");
        },
      },
    });
    const out = await outbound();
    expect(out.length).toBeGreaterThan(0);
    expect(out.every((m) => m.status === "sending" && m.lockedUntil !== null)).toBe(true);
    expect(await sendOutboxBatch()).toBe(0); // leased: not the outbox's yet
    await fastForward();
    for (let i = 0; i < 10 && (await sendOutboxBatch()) > 0; i++) await fastForward();
    expect(graph.sent.map((s) => s.body.biz_opaque_callback_data)).toEqual(out.map((m) => m.id));
    expect((await outbound()).every((m) => m.status === "sent")).toBe(true);
  });

  it("a send whose Graph call went through before the process died is not sent again by the outbox", async () => {
    await post("971520000005", "hi");
    const accepted: string[] = [];
    await processInboxBatch(undefined, {
      sender: {
        now: () => new Date(),
        send: async (account, body) => {
          const result = await sendGraphMessage(account, body);
          if (result.ok) accepted.push(String(body.biz_opaque_callback_data));
          throw new Error("SIGKILL");
        },
      },
    });
    expect(accepted).toHaveLength(1);
    // Still `sending` without a wamid: until Meta's status names it (whatsapp-channel.test.ts), the outbox
    // resends only after the lease, as it does for its own claims.
    expect(await db().message.findUniqueOrThrow({ where: { id: accepted[0] } })).toMatchObject({
      status: "sending",
      wamid: null,
    });
    expect(await sendOutboxBatch()).toBe(0);
  });

  it("a sandbox shopper's replies are never claimed on commit: the outbox records them without the Graph API", async () => {
    await post("971520000006", "hi");
    await processInboxBatch();
    const contact = await db().contact.findFirstOrThrow({ where: { waId: "971520000006" } });
    await db().contact.update({ where: { id: contact.id }, data: { sandbox: true } });
    graph.reset();
    const before = (await outbound()).length;
    await post("971520000006", "menu");
    await processInboxBatch();
    const later = (await outbound()).slice(before);
    expect(later.length).toBeGreaterThan(0);
    expect(later.every((m) => m.status === "queued")).toBe(true);
    await sendOutboxBatch();
    expect(graph.sent).toHaveLength(0);
  });

  it(`at most ${MAX_SEND_ON_COMMIT} replies are in flight per process; past it, turns queue their replies`, async () => {
    await post("971520000007", "hi");
    await processInboxBatch();
    const conversationId = (await outbound("971520000007"))[0].conversationId;
    let release!: () => void;
    const blocked = new Promise<void>((resolve) => (release = resolve));
    const account = accountOf(store);
    sendClaimedNow(
      Array.from({ length: MAX_SEND_ON_COMMIT }, (_, i) => ({
        shop: store.shop,
        id: `not-stored-${i}`,
        conversationId,
        toWaId: "971520000007",
        type: "text",
        body: { kind: "text", body: `x${i}` },
        attempts: 1,
      })),
      account,
      new Date(),
      Date.now() + 60_000,
      {
        now: () => new Date(),
        send: async () => {
          await blocked;
          return {
            ok: false,
            error: { kind: "permanent", code: 131026, title: "undeliverable", scope: "message" },
          };
        },
      },
    );
    expect(canSendOnCommit()).toBe(false);
    await post("971520000008", "hi");
    await processInboxBatch(undefined, { settle: false });
    const queued = await outbound("971520000008");
    expect(queued.length).toBeGreaterThan(0);
    expect(queued.every((m) => m.status === "queued")).toBe(true);
    release();
    await settleSendsOnCommit();
    expect(canSendOnCommit()).toBe(true);
  });
});

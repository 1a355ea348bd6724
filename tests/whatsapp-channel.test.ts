import { beforeEach, describe, expect, it } from "vitest";
import { claimInboundEvents } from "~/adapters/db/inbound-events.server";
import { applyMessageStatus, markOutboundSent, queueOutboundMessages } from "~/adapters/db/messages.server";
import { sendGraphMessage } from "~/adapters/whatsapp/client.server";
import { database, db } from "~/db.server";
import { action, loader } from "~/routes/webhooks.whatsapp";
import { INBOX_BATCHES, inboxWorker, processInboxBatch } from "~/services/inbox.server";
import { OUTSIDE_WINDOW_TITLE, sendOutboxBatch } from "~/services/outbox.server";
import { INBOUND_BURST } from "~/services/conversation.server";
import { channelBenchForEachTest } from "./helpers/channel";
import { setupTestDatabase } from "./helpers/db";
import { callRoute } from "./helpers/remix";
import {
  inboundPayload,
  statusPayload,
  textMessage,
  whatsappFixture,
  whatsappFixtureNames,
  whatsappWebhookRequest,
  type TestStore,
} from "./helpers/whatsapp";

setupTestDatabase();

const bench = channelBenchForEachTest();
const graph = bench.graph;
let store: TestStore;
beforeEach(() => {
  store = bench.store;
});

const post = (
  payload: unknown,
  secret: string | null = store.appSecret,
  options: { signature?: string } = {},
) => callRoute(action, whatsappWebhookRequest(payload, secret, options));

/** Makes every queued retry due now (the database's clock decides what is due). */
async function fastForward() {
  await database().raw.exec(
    `UPDATE "Message" SET "nextAttemptAt" = now() - interval '1 second' WHERE status = 'queued'`,
  );
  await database().raw.exec(
    `UPDATE "InboundEvent" SET "availableAt" = now() - interval '1 second' WHERE status = 'pending'`,
  );
}

/** The inbox worker with send on commit off: the replies are queued for the outbox (the path under test). */
const processQueuingReplies = () => processInboxBatch(undefined, { sendOnCommit: false });

async function settle() {
  for (let i = 0; i < 50; i++) {
    const handled = (await processInboxBatch()) + (await sendOutboxBatch());
    if (handled === 0) return;
  }
}

describe("GET /webhooks/whatsapp (Meta's handshake)", () => {
  it("answers the challenge for a stored verify token and 403 otherwise", async () => {
    const ok = await callRoute(
      loader,
      new Request(
        `https://hala.test/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${store.verifyToken}&hub.challenge=1158201444`,
      ),
    );
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe("1158201444");
    for (const query of [
      "hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1",
      `hub.mode=unsubscribe&hub.verify_token=${store.verifyToken}&hub.challenge=1`,
      `hub.verify_token=${store.verifyToken}&hub.challenge=1`,
      "",
    ]) {
      const response = await callRoute(loader, new Request(`https://hala.test/webhooks/whatsapp?${query}`));
      expect(response.status).toBe(403);
    }
  });
});

describe("POST /webhooks/whatsapp: intake", () => {
  const hi = () => inboundPayload(store.phoneNumberId, "971500000001", textMessage("hi"));

  it("401 without a signature or with a bad one, and nothing is stored", async () => {
    expect((await post(hi(), null)).status).toBe(401);
    expect((await post(hi(), "another-secret")).status).toBe(401);
    expect((await post(hi(), null, { signature: "sha256=zz" })).status).toBe(401);
    expect(await db().inboundEvent.count()).toBe(0);
  });

  it("400 on malformed JSON or a payload that is not a WhatsApp Business Account's", async () => {
    expect((await post("{not json")).status).toBe(400);
    expect((await post({ object: "page", entry: [] })).status).toBe(400);
    expect((await post([1, 2, 3])).status).toBe(400);
    expect(await db().inboundEvent.count()).toBe(0);
  });

  it("413 past 3 MB", async () => {
    const big = inboundPayload(store.phoneNumberId, "971500000001", textMessage("x".repeat(3 * 1024 * 1024)));
    expect((await post(big)).status).toBe(413);
    expect(await db().inboundEvent.count()).toBe(0);
  });

  it("200 for an unknown phone_number_id, stores nothing", async () => {
    const payload = inboundPayload("999999999", "971500000001", textMessage("hi"));
    expect((await post(payload, "whatever")).status).toBe(200);
    expect(await db().inboundEvent.count()).toBe(0);
  });

  it("stores every message and status of every fixture, signed with the account's secret", async () => {
    let expectedItems = 0;
    for (const [index, name] of whatsappFixtureNames().entries()) {
      // Meta's examples reuse one wamid; make them distinct per file so that none is a duplicate.
      const text = JSON.stringify(whatsappFixture(name))
        .replace(/"phone_number_id":"\d+"/g, `"phone_number_id":"${store.phoneNumberId}"`)
        .replace(/"id":"wamid\./g, `"id":"wamid.F${index}`);
      const payload = JSON.parse(text) as {
        entry: { changes: { value: { metadata?: unknown; messages?: unknown[]; statuses?: unknown[] } }[] }[];
      };
      for (const entry of payload.entry)
        for (const change of entry.changes)
          if (change.value.metadata)
            expectedItems += (change.value.messages?.length ?? 0) + (change.value.statuses?.length ?? 0);
      const response = await post(text);
      expect(response.status, name).toBe(200);
    }
    expect(expectedItems).toBe(17);
    expect(await db().inboundEvent.count({ where: { shop: store.shop } })).toBe(expectedItems);
    // The worker processes all of them without failing one.
    await settle();
    await fastForward();
    await settle();
    expect(await db().inboundEvent.count({ where: { status: "failed" } })).toBe(0);
    expect(await db().message.count({ where: { direction: "in" } })).toBe(13);
  });

  it("the same payload delivered 10× concurrently is stored and processed once", async () => {
    const payload = inboundPayload(store.phoneNumberId, "971500000002", textMessage("hi"), {
      wamid: "wamid.DUPLICATE",
    });
    const responses = await Promise.all(Array.from({ length: 10 }, () => post(payload)));
    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(await db().inboundEvent.count()).toBe(1);
    await settle();
    expect(await db().message.count({ where: { direction: "in" } })).toBe(1);
    const replies = graph.sentTo("971500000002");
    expect(replies.length).toBeGreaterThan(0);
    // Again after processing: still one.
    await post(payload);
    await settle();
    expect(graph.sentTo("971500000002")).toHaveLength(replies.length);
  });
});

describe("processing and sending", () => {
  it("'hi' in → stored → worker → the bot's reply queued → outbox → out through the Graph API", async () => {
    await post(inboundPayload(store.phoneNumberId, "971500000003", textMessage("hi"), { name: "Sara" }));
    expect(await db().message.count()).toBe(0); // nothing processed before the worker runs
    await processQueuingReplies();
    const contact = await db().contact.findUniqueOrThrow({
      where: { shop_waId: { shop: store.shop, waId: "971500000003" } },
    });
    expect(contact.name).toBe("Sara");
    const queued = await db().message.findMany({ where: { direction: "out" } });
    expect(queued.length).toBeGreaterThan(0);
    expect(queued.every((m) => m.status === "queued")).toBe(true);
    await sendOutboxBatch();
    const sent = graph.sentTo("971500000003");
    expect(sent.length).toBe(queued.length);
    expect(sent[0]).toMatchObject({ messaging_product: "whatsapp", to: "971500000003" });
    const after = await db().message.findMany({ where: { direction: "out" } });
    expect(after.every((m) => m.status === "sent" && m.wamid?.startsWith("wamid.FAKE"))).toBe(true);
    expect(graph.sent[0].phoneNumberId).toBe(store.phoneNumberId);
  });

  it("the running worker's batches at once keep each contact's messages in order", async () => {
    expect(INBOX_BATCHES).toBe(2);
    const shoppers = Array.from({ length: 8 }, (_, i) => `97150000090${i}`);
    for (let n = 0; n < 6; n++)
      for (const waId of shoppers)
        await post(inboundPayload(store.phoneNumberId, waId, textMessage(`m${n}`)));
    const worker = inboxWorker();
    worker.start();
    try {
      for (let i = 0; i < 200; i++) {
        if ((await db().inboundEvent.count({ where: { status: "done" } })) === 48) break;
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      await worker.stop();
    }
    const events = await db().inboundEvent.findMany({ orderBy: { seq: "asc" } });
    expect(events.filter((e) => e.status === "done")).toHaveLength(48);
    for (const waId of shoppers) {
      const contact = await db().contact.findFirstOrThrow({ where: { waId } });
      // Each turn's replies are stored when the turn commits: their order is the order the events were processed.
      const replies = await db().message.findMany({
        where: { contactId: contact.id, direction: "out" },
        orderBy: [{ createdAt: "asc" }, { idempotencyKey: "asc" }],
      });
      const processed = [...new Set(replies.map((m) => m.idempotencyKey!.split(":")[0]))];
      expect(processed, waId).toEqual(events.filter((e) => e.waId === waId).map((e) => e.id));
    }
  });

  it("keeps one contact's messages in order", async () => {
    for (const text of ["hi", "2", "3"]) {
      await post(inboundPayload(store.phoneNumberId, "971500000004", textMessage(text)));
    }
    const first = await claimInboundEvents(10, 60_000);
    expect(first).toHaveLength(1); // only the oldest of that contact is claimable
    await database().raw.exec(`UPDATE "InboundEvent" SET "lockedUntil" = NULL`);
    await settle();
    const inbound = await db().message.findMany({
      where: { direction: "in" },
      orderBy: { createdAt: "asc" },
    });
    expect(inbound.map((m) => m.text)).toEqual(["hi", "2", "3"]);
  });

  it("statuses never downgrade: read stays read when a late delivered arrives", async () => {
    await post(inboundPayload(store.phoneNumberId, "971500000005", textMessage("hi")));
    await settle();
    const out = await db().message.findFirstOrThrow({
      where: { direction: "out" },
      orderBy: { createdAt: "asc" },
    });
    await post(statusPayload(store.phoneNumberId, out.wamid!, "read", "971500000005"));
    await post(statusPayload(store.phoneNumberId, out.wamid!, "delivered", "971500000005"));
    await post(statusPayload(store.phoneNumberId, out.wamid!, "sent", "971500000005"));
    await settle();
    const after = await db().message.findUniqueOrThrow({ where: { id: out.id } });
    expect(after.status).toBe("read");
    expect(after.readAt).toBeInstanceOf(Date);
    expect(after.deliveredAt).toBeInstanceOf(Date);
  });

  it("a failed status records Meta's code and title", async () => {
    await post(inboundPayload(store.phoneNumberId, "971500000006", textMessage("hi")));
    await settle();
    const out = await db().message.findFirstOrThrow({ where: { direction: "out" } });
    await post(
      statusPayload(store.phoneNumberId, out.wamid!, "failed", "971500000006", {
        errors: [
          { code: 131049, title: "This message was not delivered to maintain healthy ecosystem engagement." },
        ],
      }),
    );
    await settle();
    const after = await db().message.findUniqueOrThrow({ where: { id: out.id } });
    expect(after).toMatchObject({ status: "failed", errorCode: 131049 });
    expect(after.errorTitle).toMatch(/healthy ecosystem/);
  });

  it("with 30% injected 5xx / 429 / 130429 every message is delivered exactly once", async () => {
    let seed = 42;
    const seeded = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    graph.setFailureRate(0.3, ["500", "429", "130429", "131056", "network"], seeded);
    const shoppers = Array.from({ length: 20 }, (_, i) => `9715100000${String(i).padStart(2, "0")}`);
    for (const waId of shoppers) await post(inboundPayload(store.phoneNumberId, waId, textMessage("hi")));
    for (let round = 0; round < 40; round++) {
      await settle();
      await fastForward();
      if (
        (await db().message.count({ where: { direction: "out", status: { in: ["queued", "sending"] } } })) ===
        0
      )
        break;
    }
    const out = await db().message.findMany({ where: { direction: "out" } });
    expect(out.length).toBeGreaterThanOrEqual(20);
    expect(out.filter((m) => m.status !== "sent")).toEqual([]);
    // Exactly once: one Graph success per outbound row, no duplicates.
    expect(graph.sent).toHaveLength(out.length);
    expect(new Set(graph.sent.map((s) => JSON.stringify(s.body))).size).toBe(
      new Set(out.map((m) => m.id)).size === out.length ? graph.sent.length : -1,
    );
    expect(graph.attempts).toBeGreaterThan(graph.sent.length); // faults really happened
  });

  it("permanent errors are marked failed with Meta's code; free-form outside 24 h is refused", async () => {
    await post(inboundPayload(store.phoneNumberId, "971500000007", textMessage("hi")));
    await processQueuingReplies();
    graph.failNext("131026");
    await sendOutboxBatch();
    const failed = await db().message.findFirstOrThrow({
      where: { direction: "out" },
      orderBy: { createdAt: "asc" },
    });
    expect(failed).toMatchObject({ status: "failed", errorCode: 131026 });

    const contact = await db().contact.findFirstOrThrow({ where: { waId: "971500000007" } });
    const conversation = await db().conversation.findFirstOrThrow({ where: { contactId: contact.id } });
    await db().conversation.update({
      where: { id: conversation.id },
      data: { lastInboundAt: new Date(Date.now() - 25 * 3600_000) },
    });
    await queueOutboundMessages(store.shop, [
      {
        conversationId: conversation.id,
        contactId: contact.id,
        accountId: store.accountId,
        toWaId: contact.waId,
        author: "merchant",
        type: "text",
        body: { kind: "text", body: "Are you still there?" },
        text: "Are you still there?",
        idempotencyKey: "late-reply",
      },
    ]);
    await settle();
    const late = await db().message.findUniqueOrThrow({ where: { idempotencyKey: "late-reply" } });
    expect(late).toMatchObject({ status: "failed", errorTitle: OUTSIDE_WINDOW_TITLE });
    expect(graph.sentTo("971500000007").some((b) => JSON.stringify(b).includes("still there"))).toBe(false);
  });

  it("a worker killed mid-batch loses nothing: expired leases are claimed again and processed once", async () => {
    for (const waId of ["971500000010", "971500000011", "971500000012"]) {
      await post(inboundPayload(store.phoneNumberId, waId, textMessage("hi")));
    }
    // A worker claims the batch and dies before finishing it.
    const claimed = await claimInboundEvents(10, 60_000);
    expect(claimed).toHaveLength(3);
    expect(await processInboxBatch()).toBe(0); // leased: nobody else takes them
    await database().raw.exec(`UPDATE "InboundEvent" SET "lockedUntil" = now() - interval '1 second'`);
    // The restarted worker takes them over (queuing the replies, for the sender below).
    await processQueuingReplies();
    // The sender claims and dies too.
    const { claimOutboundMessages } = await import("~/adapters/db/messages.server");
    const sending = await claimOutboundMessages(50, 60_000);
    expect(sending.length).toBeGreaterThan(0);
    await database().raw.exec(
      `UPDATE "Message" SET "lockedUntil" = now() - interval '1 second' WHERE status = 'sending'`,
    );
    await settle();
    expect(await db().inboundEvent.count({ where: { status: "done" } })).toBe(3);
    expect(await db().message.count({ where: { direction: "in" } })).toBe(3);
    const out = await db().message.findMany({ where: { direction: "out" } });
    expect(out.every((m) => m.status === "sent")).toBe(true);
    expect(graph.sent).toHaveLength(out.length);
  });

  it("a send whose bookkeeping died with the process is reconciled by its status webhook, not sent twice", async () => {
    await post(inboundPayload(store.phoneNumberId, "971500000013", textMessage("hi")));
    await processQueuingReplies();
    const queued = await db().message.findMany({
      where: { direction: "out" },
      orderBy: { createdAt: "asc" },
    });
    expect(queued.length).toBeGreaterThan(0);
    // The sender's Graph call goes through, then the process dies before markOutboundSent: the first reply
    // stays `sending` under its lease, with no wamid.
    const accepted: { wamid: string; ref: string }[] = [];
    await sendOutboxBatch(50, {
      now: () => new Date(),
      send: async (account, body) => {
        const result = await sendGraphMessage(account, body);
        if (result.ok) accepted.push({ wamid: result.wamid, ref: String(body.biz_opaque_callback_data) });
        throw new Error("SIGKILL");
      },
    });
    expect(accepted).toHaveLength(1);
    const [first] = accepted;
    expect(first.ref).toBe(queued[0].id);
    expect(await db().message.findUniqueOrThrow({ where: { id: first.ref } })).toMatchObject({
      status: "sending",
      wamid: null,
    });
    // Meta's "sent" status for it names our Message id in biz_opaque_callback_data.
    await post(
      statusPayload(store.phoneNumberId, first.wamid, "sent", "971500000013", {
        biz_opaque_callback_data: first.ref,
      }),
    );
    await processInboxBatch();
    expect(await db().message.findUniqueOrThrow({ where: { id: first.ref } })).toMatchObject({
      status: "sent",
      wamid: first.wamid,
      lockedUntil: null,
    });
    // The restarted sender finds nothing left to resend for it; the other replies go out once each.
    await database().raw.exec(`UPDATE "Message" SET "lockedUntil" = now() - interval '1 second'`);
    await settle();
    expect(graph.sent.filter((s) => s.body.biz_opaque_callback_data === first.ref)).toHaveLength(1);
    expect(graph.sent).toHaveLength(queued.length);
    // A later "delivered" moves it on as usual; the late bookkeeping of a live sender never steps back.
    await post(statusPayload(store.phoneNumberId, first.wamid, "delivered", "971500000013"));
    await processInboxBatch();
    await markOutboundSent(store.shop, first.ref, first.wamid, new Date());
    expect((await db().message.findUniqueOrThrow({ where: { id: first.ref } })).status).toBe("delivered");
  });

  it("a backlog is not a flood: messages written a few seconds apart are all answered, however fast they are processed", async () => {
    // Twelve messages the shopper wrote 5 s apart, all still pending (an outage of ours): processed in a burst.
    const writtenAt = Math.floor(Date.now() / 1000) - 120;
    for (let i = 0; i < 12; i++)
      await post(
        inboundPayload(store.phoneNumberId, "971500000015", textMessage("hi"), {
          timestamp: writtenAt + i * 5,
        }),
      );
    await settle();
    const contact = await db().contact.findFirstOrThrow({ where: { waId: "971500000015" } });
    const events = await db().inboundEvent.findMany({ where: { waId: "971500000015" } });
    expect(events.map((e) => e.status)).toEqual(Array(12).fill("done"));
    const botReplies = await db().message.findMany({
      where: { contactId: contact.id, direction: "out", author: "bot" },
    });
    const repliedTo = new Set(botReplies.map((m) => m.idempotencyKey?.split(":")[0]));
    expect(events.every((e) => repliedTo.has(e.id))).toBe(true);
    // The same twelve written within one second are a flood: the burst is answered, then one notice.
    for (let i = 0; i < 12; i++)
      await post(
        inboundPayload(store.phoneNumberId, "971500000016", textMessage("hi"), { timestamp: writtenAt }),
      );
    await settle();
    const flooder = await db().contact.findFirstOrThrow({ where: { waId: "971500000016" } });
    const flooderEvents = await db().inboundEvent.findMany({ where: { waId: "971500000016" } });
    const answered = new Set(
      (
        await db().message.findMany({ where: { contactId: flooder.id, direction: "out", author: "bot" } })
      ).map((m) => m.idempotencyKey?.split(":")[0]),
    );
    expect(flooderEvents.filter((e) => answered.has(e.id))).toHaveLength(INBOUND_BURST + 1);
  });

  it("a status naming another shop's message id, or one already sent, attaches nothing", async () => {
    await post(inboundPayload(store.phoneNumberId, "971500000014", textMessage("hi")));
    await settle();
    const sent = await db().message.findFirstOrThrow({ where: { direction: "out" } });
    await post(
      statusPayload(store.phoneNumberId, "wamid.SOMETHING-ELSE", "delivered", "971500000014", {
        biz_opaque_callback_data: sent.id,
      }),
    );
    await processInboxBatch();
    expect(await db().message.findUniqueOrThrow({ where: { id: sent.id } })).toMatchObject({
      wamid: sent.wamid,
      status: "sent",
    });
    expect(
      await applyMessageStatus("other-shop.myshopify.com", "wamid.X", "sent", new Date(), {}, sent.id),
    ).toBe("unknown");
  });
});

import { describe, expect, it } from "vitest";
import { ensureContactAndConversation, saveConversationState } from "~/adapters/db/conversations.server";
import { ensureShop } from "~/adapters/db/shops.server";
import { db } from "~/db.server";
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

import { beforeEach, describe, expect, it } from "vitest";
import { cache } from "~/cache.server";
import { db } from "~/db.server";
import { AWAY_JOB, awayText } from "~/services/away.server";
import { giveBack, replyAsMerchant } from "~/services/inbox.admin.server";
import { DemoShopifyStore } from "./mocks/demo-catalog";
import { createGraphApiFake } from "./mocks/graph-api";
import { server } from "./mocks/server";
import { createShopifyAdminHandlers } from "./mocks/shopify-admin";
import { setupTestDatabase } from "./helpers/db";
import { fastForward, settle, Shopper, textOfBody } from "./helpers/shopper";
import { seedStore, type TestStore } from "./helpers/whatsapp";

setupTestDatabase();

const SHOP = "away-hala.myshopify.com";
const OTHER = "away-other.myshopify.com";
const graph = createGraphApiFake();
let store: TestStore;

const AWAY_EN = "We are away right now and will answer as soon as we are back.";
const AWAY_AR = "نحن غير متاحين الآن وسنرد عليك فور عودتنا.";

beforeEach(async () => {
  await cache().delPrefix("");
  graph.reset();
  const catalog = new DemoShopifyStore({ shopDomain: SHOP });
  server.use(...graph.handlers, ...createShopifyAdminHandlers(catalog, { shopDomain: SHOP }));
  store = await seedStore({ shop: SHOP, name: "Away Boutique" });
  await db().shop.update({ where: { shop: SHOP }, data: { awayMessageEn: AWAY_EN, awayMessageAr: AWAY_AR } });
});

async function askForAPerson(waId: string, text = "human") {
  const shopper = new Shopper(store, graph, waId, "Layla");
  await shopper.say(text);
  const contact = await db().contact.findFirstOrThrow({ where: { shop: SHOP, waId } });
  const conversation = await db().conversation.findFirstOrThrow({
    where: { shop: SHOP, contactId: contact.id },
  });
  expect(conversation.status).toBe("human");
  return { shopper, conversation };
}

const awayJobs = () => db().scheduledJob.findMany({ where: { kind: AWAY_JOB } });

describe("away message after a handoff nobody answers", () => {
  it("is scheduled by the handoff, not sent before its time, then sent once in the shopper's language", async () => {
    const { shopper } = await askForAPerson("971500000101");
    shopper.newReplies();
    const [job] = await awayJobs();
    expect(job).toMatchObject({ shop: SHOP, status: "pending" });
    expect(job.runAt.getTime() - Date.now()).toBeGreaterThan(4 * 60_000);
    await settle();
    expect(shopper.newReplies()).toHaveLength(0);

    await fastForward();
    await settle();
    expect(shopper.newReplies().map(textOfBody)).toEqual([AWAY_EN]);
    expect((await awayJobs())[0].status).toBe("done");
    // Run again: nothing more.
    await fastForward();
    await settle();
    expect(shopper.newReplies()).toHaveLength(0);
  });

  it("an Arabic shopper gets the Arabic text", async () => {
    const { shopper } = await askForAPerson("971500000102", "أريد التحدث مع موظف");
    shopper.newReplies();
    await fastForward();
    await settle();
    expect(shopper.newReplies().map(textOfBody)).toEqual([AWAY_AR]);
  });

  it("is not sent when a person from the store replied in time", async () => {
    const { shopper, conversation } = await askForAPerson("971500000103");
    expect(await replyAsMerchant(SHOP, conversation.id, { text: "Hi Layla, Omar here." })).toMatchObject({
      ok: true,
    });
    await settle();
    expect(shopper.newReplies().map(textOfBody)).toContain("Hi Layla, Omar here.");
    await fastForward();
    await settle();
    expect(shopper.newReplies()).toHaveLength(0);
    expect((await awayJobs())[0]).toMatchObject({ status: "skipped", lastError: "a person replied" });
  });

  it("is not sent once the conversation went back to the bot", async () => {
    const { shopper, conversation } = await askForAPerson("971500000104");
    await giveBack(SHOP, conversation.id);
    await settle();
    shopper.newReplies();
    await fastForward();
    await settle();
    expect(shopper.newReplies().map(textOfBody)).not.toContain(AWAY_EN);
    expect((await awayJobs())[0]).toMatchObject({ status: "skipped", lastError: "back with the bot" });
  });

  it("is not even scheduled when the shop wrote no away message", async () => {
    await db().shop.update({ where: { shop: SHOP }, data: { awayMessageEn: null, awayMessageAr: "  " } });
    await askForAPerson("971500000105");
    expect(await awayJobs()).toHaveLength(0);
  });

  it("the job only ever touches its own shop", async () => {
    const other = await seedStore({ shop: OTHER, name: "Other", phoneNumberId: "106540352200001" });
    expect(other.shop).toBe(OTHER);
    await askForAPerson("971500000106");
    await fastForward();
    await settle();
    expect(await db().message.count({ where: { shop: OTHER } })).toBe(0);
    expect((await awayJobs()).every((j) => j.shop === SHOP)).toBe(true);
  });
});

describe("awayText (pure)", () => {
  it("falls back to the other language and treats blanks as none", () => {
    expect(awayText({ awayMessageEn: "away", awayMessageAr: null }, "ar")).toBe("away");
    expect(awayText({ awayMessageEn: " ", awayMessageAr: "بعيد" }, "en")).toBe("بعيد");
    expect(awayText({ awayMessageEn: null, awayMessageAr: "" }, "en")).toBeNull();
  });
});

import { http, HttpResponse } from "msw";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { cache } from "~/cache.server";
import { db } from "~/db.server";
import { resetEnvForTests } from "~/env.server";
import { ALERT_EMAIL_JOB, ALERT_WEBHOOK_JOB } from "~/services/merchant-alerts.server";
import { DemoShopifyStore } from "./mocks/demo-catalog";
import { createGraphApiFake } from "./mocks/graph-api";
import { server } from "./mocks/server";
import { createShopifyAdminHandlers } from "./mocks/shopify-admin";
import { setupTestDatabase } from "./helpers/db";
import { placeAndFulfilOrder } from "./helpers/orders";
import { fastForward, settle, Shopper } from "./helpers/shopper";
import { seedStore, type TestStore } from "./helpers/whatsapp";

setupTestDatabase();

const SHOP = "alerts-hala.myshopify.com";
const HOOK = "https://hooks.merchant.example/hala";
const graph = createGraphApiFake();
let catalog: DemoShopifyStore;
let store: TestStore;

// A real SMTP server on loopback (smtp-server): what the app's nodemailer transport delivers to it.
interface Received {
  from: string;
  to: string[];
  raw: string;
}
const received: Received[] = [];
let smtp: SMTPServer;
let smtpPort = 0;
let smtpRejects = false;

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: false,
    disabledCommands: ["STARTTLS"],
    onAuth(auth, _session, callback) {
      if (auth.username === "hala" && auth.password === "s3cret p@ss")
        return callback(null, { user: "hala" });
      callback(new Error("bad credentials"));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        if (smtpRejects)
          return callback(Object.assign(new Error("mailbox unavailable"), { responseCode: 451 }));
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString("utf8"),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
  smtpPort = (smtp.server.address() as AddressInfo).port;
});

afterAll(async () => {
  delete process.env.SMTP_URL;
  delete process.env.MAIL_FROM;
  resetEnvForTests();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

function useSmtp(port = smtpPort) {
  process.env.SMTP_URL = `smtp://hala:${encodeURIComponent("s3cret p@ss")}@127.0.0.1:${port}`;
  process.env.MAIL_FROM = "Hala alerts <alerts@hala.example>";
  resetEnvForTests();
}

beforeEach(async () => {
  received.length = 0;
  smtpRejects = false;
  useSmtp();
  await cache().delPrefix("");
  graph.reset();
  catalog = new DemoShopifyStore({ shopDomain: SHOP });
  server.use(...graph.handlers, ...createShopifyAdminHandlers(catalog, { shopDomain: SHOP }));
  store = await seedStore({ shop: SHOP, name: "Alerts Boutique" });
  await db().shop.update({
    where: { shop: SHOP },
    data: { notifyEmail: "owner@alerts.example", notifyWebhookUrl: HOOK, feedbackDelayMinutes: 60 },
  });
});

afterEach(() => {
  delete process.env.SMTP_URL;
  resetEnvForTests();
});

/** Webhook deliveries the merchant's endpoint got; answers with `status` (a function of the attempt). */
function merchantEndpoint(status: (attempt: number) => number = () => 200) {
  const calls: { body: Record<string, unknown>; idempotencyKey: string | null }[] = [];
  server.use(
    http.post(HOOK, async ({ request }) => {
      calls.push({
        body: (await request.json()) as Record<string, unknown>,
        idempotencyKey: request.headers.get("idempotency-key"),
      });
      return new HttpResponse(null, { status: status(calls.length) });
    }),
  );
  return calls;
}

/** A delivered order, the feedback request, a 1-star rating and a complaint: the unhappy path. */
async function unhappyCustomer(waId: string, comment: string) {
  const shopper = new Shopper(store, graph, waId, "Huda");
  await shopper.say("hello");
  const order = await placeAndFulfilOrder(catalog, SHOP, { waId, firstName: "Huda" });
  await fastForward();
  await settle();
  await shopper.tap(/^fb:rate:1$/);
  await shopper.say(comment);
  const contact = await db().contact.findFirstOrThrow({ where: { shop: SHOP, waId } });
  const conversation = await db().conversation.findFirstOrThrow({
    where: { shop: SHOP, contactId: contact.id },
  });
  expect(conversation).toMatchObject({ status: "human", needsAttention: true });
  return { shopper, order, conversation };
}

const jobs = (kind: string) => db().scheduledJob.findMany({ where: { shop: SHOP, kind } });

/** Header and body of a received message (quoted-printable / base64 bodies decoded by a tiny parser). */
function parseMail(raw: string) {
  const [head, ...rest] = raw.split(/\r?\n\r?\n/);
  const headers = head.replace(/\r?\n[ \t]+/g, " ");
  const header = (name: string) => new RegExp(`^${name}: (.*)$`, "im").exec(headers)?.[1] ?? "";
  let body = rest.join("\n\n");
  const encoding = header("Content-Transfer-Encoding").toLowerCase();
  if (encoding === "base64") body = Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8");
  if (encoding === "quoted-printable")
    body = Buffer.from(
      body
        .replace(/=\r?\n/g, "")
        .replace(/=([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16))),
      "latin1",
    ).toString("utf8");
  const subject = header("Subject").replace(
    /=\?utf-8\?([BQ])\?([^?]*)\?=\s*/gi,
    (_, kind: string, text: string) =>
      kind.toUpperCase() === "B"
        ? Buffer.from(text, "base64").toString("utf8")
        : Buffer.from(
            text
              .replace(/_/g, " ")
              .replace(/=([0-9A-F]{2})/gi, (__, h: string) => String.fromCharCode(parseInt(h, 16))),
            "latin1",
          ).toString("utf8"),
  );
  return { subject, body, from: header("From"), to: header("To") };
}

describe("merchant alerts (unhappy feedback, a shopper asking for a person)", () => {
  it("e-mails the shop's address and posts to its webhook once, with a link to the conversation", async () => {
    const hook = merchantEndpoint();
    const { order, conversation } = await unhappyCustomer("966500000301", "The box arrived crushed and late");
    await settle();

    expect(received).toHaveLength(1);
    expect(received[0].from).toBe("alerts@hala.example");
    expect(received[0].to).toEqual(["owner@alerts.example"]);
    const mail = parseMail(received[0].raw);
    expect(mail.subject).toContain(order.name);
    expect(mail.subject).toContain("Alerts Boutique");
    expect(mail.body).toContain("The box arrived crushed and late");
    expect(mail.body).toContain("(1/5)");
    expect(mail.body).toContain("+966500000301");
    expect(mail.body).toContain(`https://${SHOP}/admin/apps/test-api-key/app/inbox/${conversation.id}`);

    expect(hook).toHaveLength(1);
    expect(hook[0].body).toMatchObject({
      event: "unhappy_feedback",
      shop: SHOP,
      conversationId: conversation.id,
      orderName: order.name,
      rating: 1,
      comment: "The box arrived crushed and late",
    });
    expect(hook[0].idempotencyKey).toBeTruthy();
    expect((await db().shop.findUniqueOrThrow({ where: { shop: SHOP } })).needsAttentionCount).toBe(1);
    expect((await jobs(ALERT_EMAIL_JOB)).map((j) => j.status)).toEqual(["done"]);
    expect((await jobs(ALERT_WEBHOOK_JOB)).map((j) => j.status)).toEqual(["done"]);

    // Nothing is sent twice: the scheduler runs again, the turn's alert is deduplicated.
    await fastForward();
    await settle();
    expect(received).toHaveLength(1);
    expect(hook).toHaveLength(1);
  });

  it("writes the e-mail in the shop's default language (Arabic)", async () => {
    merchantEndpoint();
    await db().shop.update({ where: { shop: SHOP }, data: { defaultLanguage: "ar" } });
    const { order } = await unhappyCustomer("966500000302", "المنتج وصل مكسور");
    await settle();
    expect(received).toHaveLength(1);
    const mail = parseMail(received[0].raw);
    expect(mail.subject).toContain("عميل غير راضٍ");
    expect(mail.subject).toContain(order.name);
    expect(mail.body).toContain("المنتج وصل مكسور");
    expect(mail.body).toContain("التقييم");
  });

  it("keeps the e-mail while the mail server refuses it, and sends it once it accepts", async () => {
    merchantEndpoint();
    smtpRejects = true;
    await unhappyCustomer("966500000303", "Wrong size and nobody answers");
    await settle();
    expect(received).toHaveLength(0);
    const [pending] = await jobs(ALERT_EMAIL_JOB);
    expect(pending.status).toBe("pending");
    expect(pending.lastError).toMatch(/451|mailbox unavailable/);
    expect(pending.runAt.getTime()).toBeGreaterThan(Date.now()); // backed off

    smtpRejects = false;
    await fastForward();
    await settle();
    expect(received).toHaveLength(1);
    expect((await jobs(ALERT_EMAIL_JOB)).map((j) => j.status)).toEqual(["done"]);
  });

  it("retries the webhook on 5xx, gives up on 404 without retrying", async () => {
    const flaky = merchantEndpoint((attempt) => (attempt === 1 ? 503 : 200));
    await unhappyCustomer("966500000304", "Bad");
    await settle();
    expect(flaky).toHaveLength(1);
    expect((await jobs(ALERT_WEBHOOK_JOB))[0].status).toBe("pending");
    await fastForward();
    await settle();
    expect(flaky).toHaveLength(2);
    expect(flaky[1].idempotencyKey).toBe(flaky[0].idempotencyKey);
    expect((await jobs(ALERT_WEBHOOK_JOB))[0].status).toBe("done");

    const gone = merchantEndpoint(() => 404);
    await unhappyCustomer("966500000305", "Terrible");
    await settle();
    await fastForward();
    await settle();
    expect(gone).toHaveLength(1);
    const last = (await jobs(ALERT_WEBHOOK_JOB)).find((j) => j.status !== "done");
    expect(last).toMatchObject({ status: "skipped", lastError: "the webhook answered 404" });
  });

  it("without an SMTP server the e-mail is skipped with the reason, the badge and webhook still work", async () => {
    delete process.env.SMTP_URL;
    resetEnvForTests();
    const hook = merchantEndpoint();
    await unhappyCustomer("966500000306", "Never again");
    await settle();
    expect(received).toHaveLength(0);
    expect(hook).toHaveLength(1);
    expect(await jobs(ALERT_EMAIL_JOB)).toMatchObject([
      { status: "skipped", lastError: "no mail transport (SMTP_URL is not set)" },
    ]);
    expect((await db().shop.findUniqueOrThrow({ where: { shop: SHOP } })).needsAttentionCount).toBe(1);
  });

  it("schedules nothing when the shop set neither an address nor a webhook", async () => {
    await db().shop.update({ where: { shop: SHOP }, data: { notifyEmail: null, notifyWebhookUrl: null } });
    await unhappyCustomer("966500000307", "Awful");
    await settle();
    expect(received).toHaveLength(0);
    expect(await jobs(ALERT_EMAIL_JOB)).toHaveLength(0);
    expect(await jobs(ALERT_WEBHOOK_JOB)).toHaveLength(0);
  });

  it("a shopper asking for a person alerts the merchant once, by e-mail and webhook", async () => {
    const hook = merchantEndpoint();
    const shopper = new Shopper(store, graph, "966500000308", "Omar Haddad");
    await shopper.say("hi");
    await shopper.say("I want to talk to a real person please");
    await settle();
    const contact = await db().contact.findFirstOrThrow({ where: { shop: SHOP, waId: "966500000308" } });
    const conversation = await db().conversation.findFirstOrThrow({
      where: { shop: SHOP, contactId: contact.id },
    });
    expect(conversation.status).toBe("human");
    expect(received).toHaveLength(1);
    const mail = parseMail(received[0].raw);
    expect(mail.subject).toBe("A customer asks for a person on WhatsApp · Alerts Boutique");
    expect(mail.body).toContain("Customer: Omar · +966500000308");
    expect(mail.body).toContain("Message: I want to talk to a real person please");
    expect(hook.map((h) => h.body)).toMatchObject([
      { event: "handoff_requested", conversationId: conversation.id, customerFirstName: "Omar" },
    ]);
    // While the store handles it, more messages do not alert again.
    await shopper.say("hello? anyone?");
    await fastForward();
    await settle();
    expect(received).toHaveLength(1);
    expect(hook).toHaveLength(1);
  });
});

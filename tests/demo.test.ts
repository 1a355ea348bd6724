/**
 * The demo contract (HOUSE.md): `npm run demo` prints the WhatsApp account's phone_number_id, app secret and
 * verify token; `POST /webhooks/whatsapp` takes Meta-shaped payloads signed with that secret, exactly as in
 * production; `GET /simulator/api/messages?wa_id=…` returns the Graph API bodies the bot sent to that shopper;
 * the demo refuses NODE_ENV=production. The demo runs as a real child process on a free port.
 */
import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoEnv, runDemoToExit, startDemo, type RunningDemo } from "./e2e/demo-process";

const sign = (body: string, secret: string) =>
  `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;

function hiPayload(phoneNumberId: string, waId: string, text: string, wamid: string) {
  return {
    object: "whatsapp_business_account",
    entry: [
      {
        id: "100000000000002",
        changes: [
          {
            field: "messages",
            value: {
              messaging_product: "whatsapp",
              metadata: { display_phone_number: "966110000001", phone_number_id: phoneNumberId },
              contacts: [{ profile: { name: "Contract Test" }, wa_id: waId }],
              messages: [
                {
                  from: waId,
                  id: wamid,
                  timestamp: String(Math.floor(Date.now() / 1000)),
                  type: "text",
                  text: { body: text },
                },
              ],
            },
          },
        ],
      },
    ],
  };
}

async function pollMessages(
  demo: RunningDemo,
  waId: string,
  count: number,
  timeoutMs = 20_000,
): Promise<Record<string, unknown>[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await fetch(`${demo.url}/simulator/api/messages?wa_id=${waId}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>[];
    if (body.length >= count || Date.now() > deadline) return body;
    await new Promise((r) => setTimeout(r, 200));
  }
}

// The demo brings its own embedded database: run it once, in the embedded project only.
const servicesProject = !!process.env.DATABASE_URL;

describe.skipIf(servicesProject)("npm run demo (contract)", () => {
  let demo: RunningDemo;

  beforeAll(async () => {
    demo = await startDemo({ timeoutMs: 170_000 });
  }, 180_000);

  afterAll(async () => {
    await demo?.stop();
  }, 20_000);

  it("prints the account, the shop and the Shopify app credentials", () => {
    expect(demo.phoneNumberId).toMatch(/^\d+$/);
    expect(demo.appSecret.length).toBeGreaterThan(8);
    expect(demo.verifyToken.length).toBeGreaterThan(8);
    expect(demo.shop).toBe("demo-hala.myshopify.com");
    expect(demo.apiKey).toBeTruthy();
    expect(demo.apiSecret).toBeTruthy();
    expect(demo.printed.Simulator).toMatch(/\/simulator$/);
  });

  it("answers a signed 'hi' webhook with the menu, readable at /simulator/api/messages", async () => {
    const waId = "966500000101";
    const body = JSON.stringify(hiPayload(demo.phoneNumberId, waId, "hi", `wamid.CONTRACT${Date.now()}`));
    const res = await fetch(`${demo.url}/webhooks/whatsapp`, {
      method: "POST",
      body,
      headers: { "Content-Type": "application/json", "X-Hub-Signature-256": sign(body, demo.appSecret) },
    });
    expect(res.status).toBe(200);

    const messages = await pollMessages(demo, waId, 1);
    expect(messages.length).toBeGreaterThan(0);
    const first = messages[0] as {
      messaging_product: string;
      to: string;
      type: string;
      interactive?: { type: string; body: { text: string } };
    };
    expect(first.messaging_product).toBe("whatsapp");
    expect(first.to).toBe(waId);
    // The menu: an interactive list (or buttons), with the shop's welcome.
    expect(first.type).toBe("interactive");
    expect(["list", "button"]).toContain(first.interactive?.type);
    expect(first.interactive?.body.text).toMatch(/Welcome/);
  });

  it("refuses a wrong signature with 401 and stores nothing", async () => {
    const waId = "966500000102";
    const body = JSON.stringify(hiPayload(demo.phoneNumberId, waId, "hi", `wamid.CONTRACTBAD${Date.now()}`));
    const res = await fetch(`${demo.url}/webhooks/whatsapp`, {
      method: "POST",
      body,
      headers: { "Content-Type": "application/json", "X-Hub-Signature-256": sign(body, "not-the-secret") },
    });
    expect(res.status).toBe(401);
    const missing = await fetch(`${demo.url}/webhooks/whatsapp`, {
      method: "POST",
      body,
      headers: { "Content-Type": "application/json" },
    });
    expect(missing.status).toBe(401);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await (await fetch(`${demo.url}/simulator/api/messages?wa_id=${waId}`)).json()).toEqual([]);
  });

  it("completes Meta's subscription handshake with the printed verify token", async () => {
    const ok = await fetch(
      `${demo.url}/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${encodeURIComponent(demo.verifyToken)}&hub.challenge=1158201444`,
    );
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe("1158201444");
    const wrong = await fetch(
      `${demo.url}/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1`,
    );
    expect(wrong.status).toBe(403);
  });

  it("/simulator/api/messages needs a wa_id", async () => {
    expect((await fetch(`${demo.url}/simulator/api/messages`)).status).toBe(400);
  });

  it("opens the merchant admin with a session token signed by the printed secret", async () => {
    const open = await fetch(`${demo.url}/simulator/admin/open?path=/app`, { redirect: "manual" });
    expect(open.status).toBe(302);
    const location = new URL(open.headers.get("location")!, demo.url);
    expect(location.pathname).toBe("/app");
    expect(location.searchParams.get("embedded")).toBe("1");
    const token = location.searchParams.get("id_token")!;
    const [header, payload, signature] = token.split(".");
    expect(createHmac("sha256", demo.apiSecret).update(`${header}.${payload}`).digest("base64url")).toBe(
      signature,
    );
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString());
    expect(claims).toMatchObject({
      iss: `https://${demo.shop}/admin`,
      dest: `https://${demo.shop}`,
      aud: demo.apiKey,
      sub: "1",
    });
    // A browser's user agent: the Shopify library answers bots with 410.
    const userAgent =
      "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36";
    const page = await fetch(location, { redirect: "manual", headers: { "User-Agent": userAgent } });
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    const html = await page.text();
    // Outside Shopify, the demo's App Bridge stand-in replaces the CDN script (which would leave for admin.shopify.com).
    expect(html).toContain("/simulator/app-bridge.js");
    expect(html).not.toContain("cdn.shopify.com/shopifycloud/app-bridge.js");
  });
});

describe.skipIf(servicesProject)("npm run demo refuses production", () => {
  it("exits with an error naming NODE_ENV=production", async () => {
    const { code, output } = await runDemoToExit(demoEnv({ NODE_ENV: "production", PORT: "0" }), 60_000);
    expect(code).not.toBe(0);
    expect(output).toMatch(/NODE_ENV=production/);
  }, 70_000);
});

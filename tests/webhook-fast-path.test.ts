import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { action } from "~/routes/webhooks.whatsapp";
import { MAX_WEBHOOK_BYTES } from "~/services/whatsapp-intake.server";
import { handleWhatsAppWebhookFast } from "~/services/whatsapp-webhook-http.server";
import { setupTestDatabase } from "./helpers/db";
import { callRoute } from "./helpers/remix";
import {
  inboundPayload,
  seedStore,
  textMessage,
  whatsappWebhookRequest,
  type TestStore,
} from "./helpers/whatsapp";

/**
 * The production server answers POST /webhooks/whatsapp from node:http before Remix (scripts/serve.ts); the
 * Remix route answers it in development and tests. Both must give the same answers and store the same rows.
 */
setupTestDatabase();

let server: Server;
let port: number;
let store: TestStore;

beforeAll(async () => {
  server = createServer(async (req, res) => {
    if (!(await handleWhatsAppWebhookFast(req, res))) {
      res.statusCode = 404;
      res.end("not the fast path");
    }
  });
  // A port in this suite's range (41000–41999), the next one if taken.
  for (let candidate = 41_000 + Math.floor(Math.random() * 900); ; candidate++) {
    try {
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(candidate, "127.0.0.1", () => resolve());
      });
      break;
    } catch {
      if (candidate > 41_998) throw new Error("no free port in 41000–41999");
    }
  }
  port = (server.address() as AddressInfo).port;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

beforeEach(async () => {
  store = await seedStore();
});

interface Answer {
  status: number;
  body: string;
  contentType: string | null;
}

/** Sends the same Request over HTTP to the fast path (streamed in chunks when `chunked`, no length). */
async function viaFastPath(request: Request, options: { chunked?: boolean; path?: string } = {}) {
  const body = Buffer.from(await request.arrayBuffer());
  const headers: Record<string, string> = {};
  request.headers.forEach((value, key) => (headers[key] = value));
  if (!options.chunked) headers["content-length"] = String(body.byteLength);
  return new Promise<Answer>((resolve, reject) => {
    const req = httpRequest(
      {
        host: "127.0.0.1",
        port,
        path: options.path ?? "/webhooks/whatsapp",
        method: request.method,
        headers,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString("utf8"),
            contentType: res.headers["content-type"] ?? null,
          }),
        );
      },
    );
    // The server may answer 413 and close before the whole body is written.
    req.on("error", (error: NodeJS.ErrnoException) =>
      ["EPIPE", "ECONNRESET"].includes(error.code ?? "") ? undefined : reject(error),
    );
    if (options.chunked) {
      for (let i = 0; i < body.byteLength; i += 64 * 1024) req.write(body.subarray(i, i + 64 * 1024));
      req.end();
    } else req.end(body);
  });
}

async function viaRoute(request: Request): Promise<Answer> {
  const response = await callRoute(action, request);
  return {
    status: response.status,
    body: await response.text(),
    contentType: response.headers.get("content-type"),
  };
}

const hi = (waId: string, text = "hi") => inboundPayload(store.phoneNumberId, waId, textMessage(text));

describe("POST /webhooks/whatsapp: the fast path answers as the Remix route does", () => {
  it("good signature, re-delivery, bad or missing signature, malformed, not WhatsApp, unknown number, oversize", async () => {
    const cases: { name: string; make: (n: number) => Request; status: number; stored: number }[] = [
      {
        name: "signed message",
        make: (n) => whatsappWebhookRequest(hi(`97150000000${n}`), store.appSecret),
        status: 200,
        stored: 1,
      },
      {
        name: "bad signature",
        make: (n) => whatsappWebhookRequest(hi(`97150000001${n}`), "another-secret"),
        status: 401,
        stored: 0,
      },
      {
        name: "no signature",
        make: (n) => whatsappWebhookRequest(hi(`97150000002${n}`), null),
        status: 401,
        stored: 0,
      },
      {
        name: "garbage signature",
        make: (n) => whatsappWebhookRequest(hi(`97150000003${n}`), null, { signature: "sha256=zz" }),
        status: 401,
        stored: 0,
      },
      {
        name: "malformed JSON",
        make: () => whatsappWebhookRequest("{not json", store.appSecret),
        status: 400,
        stored: 0,
      },
      {
        name: "not a WhatsApp payload",
        make: () => whatsappWebhookRequest({ object: "page", entry: [] }, store.appSecret),
        status: 400,
        stored: 0,
      },
      {
        name: "unknown phone_number_id",
        make: (n) =>
          whatsappWebhookRequest(
            inboundPayload("999000111222", `97150000004${n}`, textMessage("hi")),
            "some-secret",
          ),
        status: 200,
        stored: 0,
      },
      {
        name: "oversize",
        make: (n) =>
          whatsappWebhookRequest(hi(`97150000005${n}`, "x".repeat(MAX_WEBHOOK_BYTES)), store.appSecret),
        status: 413,
        stored: 0,
      },
    ];
    for (const c of cases) {
      const before = await db().inboundEvent.count();
      const fast = await viaFastPath(c.make(1));
      const afterFast = await db().inboundEvent.count();
      const route = await viaRoute(c.make(2));
      const afterRoute = await db().inboundEvent.count();
      expect({ case: c.name, ...fast }).toEqual({ case: c.name, ...route });
      expect({ case: c.name, status: fast.status }).toEqual({ case: c.name, status: c.status });
      expect({ case: c.name, stored: [afterFast - before, afterRoute - afterFast] }).toEqual({
        case: c.name,
        stored: [c.stored, c.stored],
      });
    }

    // A re-delivery (same bytes, same signature) is answered 200 and stores nothing, on both.
    const payload = hi("971500000007");
    const again = () => whatsappWebhookRequest(payload, store.appSecret);
    const count = await db().inboundEvent.count();
    expect(await viaFastPath(again())).toEqual({ status: 200, body: "", contentType: null });
    expect(await viaRoute(again())).toEqual({ status: 200, body: "", contentType: null });
    expect(await viaFastPath(again())).toEqual({ status: 200, body: "", contentType: null });
    expect(await db().inboundEvent.count()).toBe(count + 1);
  });

  it("oversize without a declared length (chunked) is cut off at the limit with 413", async () => {
    const big = whatsappWebhookRequest(hi("971500000009", "x".repeat(MAX_WEBHOOK_BYTES)), store.appSecret);
    const answer = await viaFastPath(big, { chunked: true });
    expect(answer).toEqual({
      status: 413,
      body: `Payload larger than ${MAX_WEBHOOK_BYTES} bytes`,
      contentType: "text/plain;charset=UTF-8",
    });
    expect(await db().inboundEvent.count()).toBe(0);
  });

  it("leaves every other request to Remix", async () => {
    const signed = whatsappWebhookRequest(hi("971500000008"), store.appSecret);
    expect((await viaFastPath(signed.clone(), { path: "/webhooks/whatsapp/other" })).status).toBe(404);
    expect((await viaFastPath(signed.clone(), { path: "/app" })).status).toBe(404);
    const get = new Request("https://hala.test/webhooks/whatsapp?hub.mode=subscribe", { method: "GET" });
    expect((await viaFastPath(get)).status).toBe(404);
    expect(await db().inboundEvent.count()).toBe(0);
    // The query string does not matter to the fast path (Meta never sends one; Remix ignores it too).
    expect((await viaFastPath(signed, { path: "/webhooks/whatsapp?x=1" })).status).toBe(200);
  });
});

import type { IncomingMessage, ServerResponse } from "node:http";
import { log, withIncomingRequestId } from "~/logger.server";
import { tooLargeMessage } from "./http.server";
import { acceptWhatsAppWebhook, MAX_WEBHOOK_BYTES } from "./whatsapp-intake.server";

export const WHATSAPP_WEBHOOK_PATH = "/webhooks/whatsapp";

/** What `POST /webhooks/whatsapp` answers: 200 with no body once stored, else the status and its reason. */
export interface WebhookAnswer {
  status: number;
  body: string | null;
}

/**
 * The answer for a body that was read (`null`: it was larger than MAX_WEBHOOK_BYTES and not read). The Remix
 * route (`app/routes/webhooks.whatsapp.tsx`) and the server's fast path both answer through this function.
 */
export async function whatsappWebhookAnswer(
  raw: Uint8Array | null,
  signature: string | null,
): Promise<WebhookAnswer> {
  if (raw === null) return { status: 413, body: tooLargeMessage(MAX_WEBHOOK_BYTES) };
  const result = await acceptWhatsAppWebhook(raw, signature);
  return { status: result.status, body: result.status === 200 ? null : result.reason };
}

/**
 * The production server's fast path (scripts/serve.ts, exported through app/entry.server.tsx): answers
 * `POST /webhooks/whatsapp` straight from node:http, before Remix builds a web Request and matches routes —
 * the most frequent request by far, and the one whose ack latency Meta watches. Same service, same answers as
 * the route (tests/webhook-fast-path.test.ts). Returns false for every other request.
 */
export async function handleWhatsAppWebhookFast(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  if (req.method !== "POST") return false;
  const url = req.url ?? "";
  const query = url.indexOf("?");
  if ((query < 0 ? url : url.slice(0, query)) !== WHATSAPP_WEBHOOK_PATH) return false;
  let answer: WebhookAnswer;
  try {
    answer = await withIncomingRequestId(header(req, "x-request-id"), async () =>
      whatsappWebhookAnswer(await readBody(req, MAX_WEBHOOK_BYTES), header(req, "x-hub-signature-256")),
    );
  } catch (error) {
    log({}).error({ err: error }, "WhatsApp webhook failed");
    answer = { status: 500, body: "Unexpected Server Error" };
  }
  res.statusCode = answer.status;
  if (answer.status === 413) res.setHeader("Connection", "close");
  if (answer.body === null) res.end();
  else {
    res.setHeader("Content-Type", "text/plain;charset=UTF-8");
    res.end(answer.body);
  }
  return true;
}

function header(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(", ") : (value ?? null);
}

/** The body up to `limit` bytes; `null` past it (a declared length past it is not read at all). */
function readBody(req: IncomingMessage, limit: number): Promise<Uint8Array | null> {
  const declared = Number(req.headers["content-length"] ?? NaN);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > limit) {
        req.off("data", onData);
        req.off("end", onEnd);
        req.resume(); // the rest is discarded; the answer closes the connection
        resolve(null);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", reject);
  });
}

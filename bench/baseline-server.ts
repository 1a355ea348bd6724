/**
 * The BASELINE for the webhook benchmark: the least a correct WhatsApp webhook endpoint must do, in plain
 * Node — read the body, JSON.parse it, find the tenant's app secret by metadata.phone_number_id (an in-memory
 * map), check the HMAC-SHA256 signature (createHmac + timingSafeEqual), answer 200. No framework, no storage.
 * Env: PORT, BENCH_TENANTS (a JSON file of { phoneNumberId, appSecret }[]).
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import http from "node:http";

const tenants = JSON.parse(readFileSync(process.env.BENCH_TENANTS!, "utf8")) as {
  phoneNumberId: string;
  appSecret: string;
}[];
const secrets = new Map(tenants.map((t) => [t.phoneNumberId, t.appSecret]));
const MAX_BYTES = 3 * 1024 * 1024;

function verify(raw: Buffer, header: string | undefined, secret: string): boolean {
  if (!header?.startsWith("sha256=")) return false;
  const given = Buffer.from(header.slice(7), "hex");
  const expected = createHmac("sha256", secret).update(raw).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const server = http.createServer((req, res) => {
  if (req.method === "GET" && req.url === "/healthz") return void res.writeHead(200).end("ok");
  if (req.method !== "POST" || req.url !== "/webhooks/whatsapp") return void res.writeHead(404).end();
  const chunks: Buffer[] = [];
  let size = 0;
  req.on("data", (chunk: Buffer) => {
    size += chunk.length;
    if (size <= MAX_BYTES) chunks.push(chunk);
  });
  req.on("end", () => {
    if (size > MAX_BYTES) return void res.writeHead(413).end();
    const raw = Buffer.concat(chunks);
    let body: { entry?: { changes?: { value?: { metadata?: { phone_number_id?: string } } }[] }[] };
    try {
      body = JSON.parse(raw.toString("utf8"));
    } catch {
      return void res.writeHead(400).end("malformed JSON");
    }
    const phoneNumberId = body.entry?.[0]?.changes?.[0]?.value?.metadata?.phone_number_id;
    const secret = phoneNumberId ? secrets.get(phoneNumberId) : undefined;
    if (!secret || !verify(raw, req.headers["x-hub-signature-256"] as string | undefined, secret)) {
      return void res.writeHead(401).end("invalid signature");
    }
    res.writeHead(200).end();
  });
});
server.keepAliveTimeout = 30_000;
const port = Number(process.env.PORT ?? 3001);
server.listen(port, "127.0.0.1", () => console.log(`baseline listening on http://127.0.0.1:${port}`));
const stop = () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 500).unref();
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
process.on("disconnect", stop);

/**
 * A fake WhatsApp Cloud API for the load test: a plain node:http server on 127.0.0.1 that answers
 * `POST /<version>/<phone-number-id>/messages` with a fresh message id (ids must be unique: the app stores
 * them in a unique column) and records, per recipient, when its first message arrived.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { wallNow } from "./stats";

export interface FakeGraph {
  url: string;
  /** Wall-clock ms of the first message each recipient (wa_id) received. */
  firstReplyAt: Map<string, number>;
  /** Messages received per recipient. */
  messagesTo: Map<string, number>;
  /** The first message body each recipient received (to check what the bot answers). */
  firstBody: Map<string, unknown>;
  stats: { messages: number; other: number; badAuth: number };
  reset(): void;
  close(): Promise<void>;
}

const MESSAGES_PATH = /^\/v\d+\.\d+\/[^/]+\/messages$/;

export async function startFakeGraph(port = 0, keepBodies = 5): Promise<FakeGraph> {
  const firstReplyAt = new Map<string, number>();
  const messagesTo = new Map<string, number>();
  const firstBody = new Map<string, unknown>();
  const stats = { messages: 0, other: 0, badAuth: 0 };
  let counter = 0;
  // Ids unique across runs too (a database kept with BENCH_KEEP_DB=1 already holds the last run's ids).
  const run = Date.now().toString(36).toUpperCase();

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const at = wallNow();
      const path = (req.url ?? "").split("?")[0];
      if (req.method !== "POST" || !MESSAGES_PATH.test(path)) {
        stats.other++;
        res
          .writeHead(404, { "Content-Type": "application/json" })
          .end('{"error":{"message":"not faked","code":100}}');
        return;
      }
      if (!req.headers.authorization?.startsWith("Bearer ")) {
        stats.badAuth++;
        res.writeHead(401, { "Content-Type": "application/json" });
        res.end('{"error":{"message":"Error validating access token","type":"OAuthException","code":190}}');
        return;
      }
      let body: { to?: string; status?: string } = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      } catch {
        // recorded as a message without recipient
      }
      stats.messages++;
      const to = body.to ?? "";
      if (to && body.status !== "read") {
        if (!firstReplyAt.has(to)) {
          firstReplyAt.set(to, at);
          if (firstBody.size < keepBodies) firstBody.set(to, body);
        }
        messagesTo.set(to, (messagesTo.get(to) ?? 0) + 1);
      }
      counter++;
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(
        JSON.stringify({
          messaging_product: "whatsapp",
          contacts: [{ input: to, wa_id: to }],
          messages: [{ id: `wamid.BENCHFAKE${run}${counter.toString().padStart(9, "0")}` }],
        }),
      );
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    firstReplyAt,
    messagesTo,
    firstBody,
    stats,
    reset() {
      firstReplyAt.clear();
      messagesTo.clear();
      firstBody.clear();
      stats.messages = stats.other = stats.badAuth = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

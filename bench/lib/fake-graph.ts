/**
 * A fake WhatsApp Cloud API for the load test, on 127.0.0.1: answers `POST /<version>/<phone-number-id>/messages`
 * with a fresh message id (ids must be unique: the app stores them in a unique column) and records, per
 * recipient, when its first message arrived. It runs in the benchmark's own process on the app's machine, so
 * it reads and writes HTTP/1.1 on plain sockets (./raw-http.ts) rather than through node:http, whose objects and
 * events per request cost the app's cores more than the answer itself (tests/bench-harness.test.ts talks to
 * it with the app's own HTTP client).
 */
import net from "node:net";
import type { AddressInfo } from "node:net";
import { HttpMessageReader, type HttpMessage } from "./raw-http";
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

  const answer = (status: string, body: string, close: boolean) =>
    `HTTP/1.1 ${status}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
    `Connection: ${close ? "close" : "keep-alive"}\r\n\r\n${body}`;

  const handle = (message: HttpMessage): { status: string; body: string } => {
    const at = wallNow();
    const [method, target = ""] = message.start.split(" ");
    const query = target.indexOf("?");
    const path = query < 0 ? target : target.slice(0, query);
    if (method !== "POST" || !MESSAGES_PATH.test(path)) {
      stats.other++;
      return { status: "404 Not Found", body: '{"error":{"message":"not faked","code":100}}' };
    }
    if (!message.headers.get("authorization")?.startsWith("Bearer ")) {
      stats.badAuth++;
      return {
        status: "401 Unauthorized",
        body: '{"error":{"message":"Error validating access token","type":"OAuthException","code":190}}',
      };
    }
    let body: { to?: string; status?: string } = {};
    try {
      body = JSON.parse(message.body.toString("utf8"));
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
    return {
      status: "200 OK",
      body: JSON.stringify({
        messaging_product: "whatsapp",
        contacts: [{ input: to, wa_id: to }],
        messages: [{ id: `wamid.BENCHFAKE${run}${counter.toString().padStart(9, "0")}` }],
      }),
    };
  };

  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    const reader = new HttpMessageReader((message) => {
      const close = message.headers.get("connection")?.toLowerCase() === "close";
      const { status, body } = handle(message);
      if (close) socket.end(answer(status, body, true));
      else socket.write(answer(status, body, false));
    });
    socket.on("data", (data: Buffer) => {
      try {
        reader.push(data);
      } catch {
        socket.end(answer("400 Bad Request", '{"error":{"message":"malformed request","code":100}}', true));
      }
    });
    socket.on("error", () => socket.destroy());
    socket.on("close", () => sockets.delete(socket));
  });
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
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

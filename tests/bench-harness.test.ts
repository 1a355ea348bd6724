import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { startFakeGraph, type FakeGraph } from "../bench/lib/fake-graph";
import {
  buildRequest,
  HttpMessageReader,
  RawHttpPool,
  statusOf,
  type HttpMessage,
} from "../bench/lib/raw-http";
import { requestJson } from "~/adapters/http-json.server";

/**
 * The benchmark's plain-socket HTTP (bench/lib/raw-http.ts) and the fake Graph API built on it: what
 * bench:webhook measures is only as good as these two ends of the wire.
 */

function readAll(bytes: Buffer, step: number): HttpMessage[] {
  const out: HttpMessage[] = [];
  const reader = new HttpMessageReader((m) => out.push(m));
  for (let i = 0; i < bytes.length; i += step) reader.push(bytes.subarray(i, i + step));
  return out;
}

describe("HttpMessageReader", () => {
  const stream = Buffer.from(
    "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: 1\r\n\r\nhello" +
      "HTTP/1.1 204 No Content\r\nDate: x\r\n\r\n" +
      "HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;ext=1\r\nde\r\n0\r\n\r\n" +
      "POST /v24.0/1/messages HTTP/1.1\r\ncontent-length: 2\r\nAuthorization: Bearer t\r\n\r\n{}",
    "latin1",
  );

  it.each([1, 2, 7, 64, stream.length])("splits messages whatever the chunk size (%i bytes)", (step) => {
    const messages = readAll(stream, step);
    expect(messages.map((m) => [m.start, m.body.toString()])).toEqual([
      ["HTTP/1.1 200 OK", "hello"],
      ["HTTP/1.1 204 No Content", ""],
      ["HTTP/1.1 404 Not Found", "abcde"],
      ["POST /v24.0/1/messages HTTP/1.1", "{}"],
    ]);
    expect(messages[0].headers.get("x-a")).toBe("1");
    expect(messages[3].headers.get("authorization")).toBe("Bearer t");
    expect(messages.map((m) => statusOf(m.start))).toEqual([200, 204, 404, 0]);
  });

  it("throws on a malformed head or length", () => {
    expect(() => readAll(Buffer.from("HTTP/1.1 200 OK\r\nno colon\r\n\r\n"), 100)).toThrow(/header/);
    expect(() => readAll(Buffer.from("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n"), 100)).toThrow(
      /Content-Length/,
    );
  });
});

describe("the fake Graph API", () => {
  let graph: FakeGraph;
  afterEach(() => graph?.close());

  it("answers the app's own client with a fresh id per message and records each recipient", async () => {
    graph = await startFakeGraph();
    const send = (to: string) =>
      requestJson(`${graph.url}/v24.0/1234/messages`, {
        method: "POST",
        headers: { Authorization: "Bearer token" },
        body: { messaging_product: "whatsapp", to, type: "text", text: { body: "hi" } },
        timeoutMs: 5_000,
      });
    const answers = await Promise.all([send("971500000001"), send("971500000002"), send("971500000001")]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    const ids = answers.map((a) => (a.json as { messages: { id: string }[] }).messages[0].id);
    expect(new Set(ids).size).toBe(3);
    expect(ids.every((id) => id.startsWith("wamid.BENCHFAKE"))).toBe(true);
    expect(graph.stats.messages).toBe(3);
    expect(graph.messagesTo.get("971500000001")).toBe(2);
    expect([...graph.firstReplyAt.keys()].sort()).toEqual(["971500000001", "971500000002"]);
    // keep-alive: the next request goes over a connection that is still open
    expect((await send("971500000003")).status).toBe(200);
  });

  it("refuses a send without a token, and any other request", async () => {
    graph = await startFakeGraph();
    const noToken = await requestJson(`${graph.url}/v24.0/1234/messages`, {
      method: "POST",
      body: { to: "1" },
      timeoutMs: 5_000,
    });
    expect(noToken.status).toBe(401);
    expect((noToken.json as { error: { code: number } }).error.code).toBe(190);
    const other = await requestJson(`${graph.url}/v24.0/1234/media`, { method: "GET", timeoutMs: 5_000 });
    expect(other.status).toBe(404);
    expect(graph.stats).toEqual({ messages: 0, other: 1, badAuth: 1 });
  });
});

describe("RawHttpPool", () => {
  let server: http.Server | undefined;
  let pool: RawHttpPool | undefined;
  afterEach(async () => {
    pool?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = pool = undefined;
  });

  async function serve(handler: http.RequestListener): Promise<{ port: number; connections: () => number }> {
    let connections = 0;
    server = http.createServer(handler);
    server.on("connection", () => connections++);
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    return { port: (server.address() as AddressInfo).port, connections: () => connections };
  }

  const send = (p: RawHttpPool, request: Buffer) =>
    new Promise<number>((resolve, reject) => {
      if (!p.send(request, resolve)) reject(new Error("no socket"));
    });

  it("sends a node:http server the request as built and reuses its connections", async () => {
    const seen: { path: string; signature: string; body: string }[] = [];
    const { port, connections } = await serve((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        seen.push({
          path: req.url ?? "",
          signature: String(req.headers["x-hub-signature-256"]),
          body: Buffer.concat(chunks).toString(),
        });
        res.statusCode = seen.length === 3 ? 401 : 200;
        res.end(seen.length === 2 ? "with a body" : undefined);
      });
    });
    pool = new RawHttpPool("127.0.0.1", port, 4, 5_000);
    const request = (n: number) =>
      buildRequest(
        `127.0.0.1:${port}`,
        "/webhooks/whatsapp",
        { "X-Hub-Signature-256": `sha256=${n}` },
        Buffer.from(`{"n":${n}}`),
      );
    const statuses: number[] = [];
    for (let n = 1; n <= 5; n++) statuses.push(await send(pool, request(n)));
    expect(statuses).toEqual([200, 200, 401, 200, 200]);
    expect(seen[0]).toEqual({ path: "/webhooks/whatsapp", signature: "sha256=1", body: '{"n":1}' });
    expect(connections()).toBe(1);
    // at once: one connection each, up to the limit
    const burst = await Promise.all([6, 7, 8, 9].map((n) => send(pool!, request(n))));
    expect(burst).toEqual([200, 200, 200, 200]);
    expect(pool.open).toBe(4);
    expect(pool.send(request(10), () => undefined)).toBe(true);
    for (let i = 0; i < 3; i++) pool.send(request(11 + i), () => undefined);
    expect(pool.send(request(20), () => undefined)).toBe(false);
  });

  it("answers 0 when the connection drops or the answer is late", async () => {
    const { port } = await serve((req, res) => {
      if (req.url === "/drop") req.socket.destroy();
      else if (req.url === "/ok") res.end();
      // "/late": never answered
    });
    pool = new RawHttpPool("127.0.0.1", port, 8, 200);
    const to = (path: string) => buildRequest(`127.0.0.1:${port}`, path, {}, Buffer.from("{}"));
    expect(await send(pool, to("/drop"))).toBe(0);
    expect(await send(pool, to("/late"))).toBe(0);
    expect(await send(pool, to("/ok"))).toBe(200);
    expect(pool.open).toBe(1);
  });

  it("closes a connection left idle for idleMs itself, before the server's keep-alive timeout can", async () => {
    const { port, connections } = await serve((_req, res) => res.end());
    // The server would end idle connections after 400 ms; the pool lets them idle 150 ms at most.
    server!.keepAliveTimeout = 400;
    pool = new RawHttpPool("127.0.0.1", port, 4, 5_000, () => performance.now(), 150);
    const ok = () => send(pool!, buildRequest(`127.0.0.1:${port}`, "/ok", {}, Buffer.from("{}")));
    expect(await ok()).toBe(200);
    // Used again within idleMs: the same connection.
    await new Promise((r) => setTimeout(r, 50));
    expect(await ok()).toBe(200);
    expect(connections()).toBe(1);
    // Idle beyond idleMs (checked every 50 ms): gone from the pool before the server's 400 ms.
    await expect.poll(() => pool!.open, { timeout: 350, interval: 10 }).toBe(0);
    expect(await ok()).toBe(200);
    expect(connections()).toBe(2);
  });
});

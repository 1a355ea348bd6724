import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestJson } from "./http-json.server";

// A real loopback server (the unit project has no msw): what the client sends, how it reads what comes back.
let server: http.Server;
let base: string;
const connections = new Set<unknown>();
let lastRequest: { method?: string; headers: http.IncomingHttpHeaders; body: string } | undefined;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      lastRequest = { method: req.method, headers: req.headers, body };
      connections.add(req.socket);
      const url = new URL(req.url ?? "/", "http://x");
      switch (url.pathname) {
        case "/json":
          res.setHeader("content-type", "application/json");
          res.end(JSON.stringify({ messages: [{ id: "wamid.1" }], echo: body ? JSON.parse(body) : null }));
          return;
        case "/throttled":
          res.writeHead(429, { "retry-after": "7", "content-type": "text/html" });
          res.end("<html>slow down</html>");
          return;
        case "/empty":
          res.writeHead(204);
          res.end();
          return;
        case "/silent":
          return; // never answers
        case "/huge":
          res.end("x".repeat(64 * 1024));
          return;
        case "/cut":
          res.writeHead(200, { "content-type": "application/json", "content-length": "1000" });
          res.write('{"partial":');
          setTimeout(() => req.socket.destroy(), 20);
          return;
        default:
          res.writeHead(404);
          res.end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe("requestJson (node:http, keep-alive)", () => {
  it("sends the body as JSON with its headers and parses the JSON answer", async () => {
    const response = await requestJson(`${base}/json`, {
      method: "POST",
      headers: { Authorization: "Bearer t0k3n" },
      body: { to: "9665", text: { body: "مرحبا" } },
      timeoutMs: 2_000,
    });
    expect(response.status).toBe(200);
    expect(response.json).toEqual({
      messages: [{ id: "wamid.1" }],
      echo: { to: "9665", text: { body: "مرحبا" } },
    });
    expect(lastRequest?.method).toBe("POST");
    expect(lastRequest?.headers.authorization).toBe("Bearer t0k3n");
    expect(lastRequest?.headers["content-type"]).toBe("application/json");
    expect(Number(lastRequest?.headers["content-length"])).toBe(Buffer.byteLength(lastRequest!.body));
  });

  it("gives the status and headers of an error whose body is not JSON (json undefined)", async () => {
    const response = await requestJson(`${base}/throttled`, { timeoutMs: 2_000 });
    expect(response.status).toBe(429);
    expect(response.headers["retry-after"]).toBe("7");
    expect(response.json).toBeUndefined();
    const empty = await requestJson(`${base}/empty`, { timeoutMs: 2_000 });
    expect(empty).toMatchObject({ status: 204, json: undefined });
  });

  it("reuses one connection for requests made one after another", async () => {
    connections.clear();
    for (let i = 0; i < 5; i++) await requestJson(`${base}/json`, { timeoutMs: 2_000 });
    expect(connections.size).toBe(1);
  });

  it("keeps every connection a burst opened for the next burst (no reconnecting above a free-socket cap)", async () => {
    // Bursts larger than the 64 free sockets the agent used to keep: the second burst reconnected 36 times.
    connections.clear();
    const burst = () =>
      Promise.all(Array.from({ length: 100 }, () => requestJson(`${base}/json`, { timeoutMs: 5_000 })));
    await burst();
    const afterFirst = connections.size;
    expect(afterFirst).toBeGreaterThan(64);
    await burst();
    expect(connections.size).toBe(afterFirst);
  });

  it("fails when no answer comes within the timeout", async () => {
    const started = Date.now();
    await expect(requestJson(`${base}/silent`, { timeoutMs: 150 })).rejects.toThrow(/within 150 ms/);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("fails on a body over the limit and on a connection cut mid-body", async () => {
    await expect(requestJson(`${base}/huge`, { timeoutMs: 2_000, maxBytes: 1024 })).rejects.toThrow(
      /larger than 1024/,
    );
    await expect(requestJson(`${base}/cut`, { timeoutMs: 2_000 })).rejects.toThrow();
  });

  it("fails at once on a refused connection and on an unsupported protocol", async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(requestJson(`http://127.0.0.1:${port}/`, { timeoutMs: 2_000 })).rejects.toThrow();
    await expect(requestJson("ftp://example.com/x", { timeoutMs: 2_000 })).rejects.toThrow(/protocol/);
  });
});

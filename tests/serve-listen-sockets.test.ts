import net, { type AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { openConnectionsWhileBlocked } from "./helpers/connections";
import { standInServers } from "./helpers/stand-in-build";

// scripts/serve.ts listens with HALA_LISTEN_SOCKETS sockets on its port (SO_REUSEPORT, ADR 015): libuv accepts one
// connection per listening socket per turn of the event loop, so a burst of new connections that arrives while
// the thread is busy is taken several per turn instead of one. Linux only (the kernel spreads the connections
// across the sockets).

// Every request answered by the fast path (scripts/serve.ts tries it first): 200 "stand-in".
const ENTRY = `export const entry = { module: {
  default: () => new Response("stand-in"),
  fastPath: async (req, res) => { res.end("stand-in"); return true; },
} };`;
const CONNECTIONS = 200;
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe.runIf(process.platform === "linux")("serve()'s listening sockets", () => {
  const servers = standInServers();

  /** Turns of the event loop until the server has accepted the connections queued while the thread was blocked. */
  async function turnsToAccept(sockets: string): Promise<{ turns: number; accepted: number }> {
    const server = await servers.start("hala-sockets-", ENTRY, {
      HALA_WORKER_THREAD: "false",
      HALA_LISTEN_SOCKETS: sockets,
    });
    const { port } = server.address() as AddressInfo;
    let accepted = 0;
    server.on("connection", () => accepted++);
    expect(openConnectionsWhileBlocked(port, CONNECTIONS)).toMatchObject({ ok: CONNECTIONS, failed: 0 });
    let turns = 0;
    while (accepted < CONNECTIONS && turns < 10 * CONNECTIONS) {
      await turn();
      turns++;
    }
    return { turns, accepted };
  }

  it("one socket accepts one connection per turn of the event loop (libuv's behaviour, the reason for several)", async () => {
    const { turns, accepted } = await turnsToAccept("1");
    expect(accepted).toBe(CONNECTIONS);
    expect(turns).toBeGreaterThan(CONNECTIONS / 2);
  });

  it("the default's sockets accept a burst several per turn, and every connection reaches the HTTP server", async () => {
    const { turns, accepted } = await turnsToAccept("");
    expect(accepted).toBe(CONNECTIONS);
    expect(turns).toBeLessThan(CONNECTIONS / 3);
  });

  it("answers requests on every socket's connections, and close() stops them all from listening", async () => {
    const server = await servers.start("hala-sockets-", ENTRY, { HALA_WORKER_THREAD: "false" });
    const { port } = server.address() as AddressInfo;
    const sockets: net.Socket[] = [];
    server.on("connection", (socket: net.Socket) => sockets.push(socket));
    // Enough connections that each socket gets some (the kernel picks by the connection's address and port).
    const answers = await Promise.all(
      Array.from({ length: 64 }, () =>
        fetch(`http://127.0.0.1:${port}/`, { headers: { connection: "close" } }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
    await Promise.all(answers.map((a) => a.text()));
    // Every connection, whichever socket accepted it, with Nagle's algorithm off as node:http sets it (net's
    // default would hold small answers back). Node keeps the option under an internal symbol.
    expect(sockets).toHaveLength(64);
    const noDelay = (socket: net.Socket) =>
      (socket as unknown as Record<symbol, unknown>)[
        Object.getOwnPropertySymbols(socket).find((s) => s.description === "kSetNoDelay")!
      ];
    expect(sockets.map(noDelay)).toEqual(sockets.map(() => true));
    await new Promise<void>((resolve) => server.close(() => resolve()));
    // From another process (in this one the tests' request interception would answer the connect).
    expect(openConnectionsWhileBlocked(port, 1)).toMatchObject({ ok: 0, failed: 1 });
  });

  it("a port already in use fails as with one socket, instead of being shared", async () => {
    const other = net.createServer();
    await new Promise<void>((resolve) =>
      other.listen({ port: 0, host: "127.0.0.1", reusePort: true }, resolve),
    );
    const { port } = other.address() as AddressInfo;
    try {
      await expect(
        servers.start("hala-sockets-", ENTRY, { HALA_WORKER_THREAD: "false" }, port),
      ).rejects.toThrow(/EADDRINUSE/);
    } finally {
      other.close();
    }
  });
});

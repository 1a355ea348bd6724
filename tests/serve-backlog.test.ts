import { readFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { LISTEN_BACKLOG } from "../scripts/serve";
import { standInServers } from "./helpers/stand-in-build";

// scripts/serve.ts listens with a backlog of LISTEN_BACKLOG: a burst of new connections that arrives while the
// server's thread is busy waits in the kernel's accept queue instead of being dropped (the sender would try
// again only after a second or more). Linux only: the kernel counts the connections its listen queues dropped.

const ENTRY = `export const entry = { module: { default: () => new Response("stand-in") } };`;

/** TcpExt ListenOverflows of /proc/net/netstat: connections dropped because a listen queue was full. */
function listenOverflows(): number | undefined {
  try {
    const lines = readFileSync("/proc/net/netstat", "utf8").split("\n");
    const header = lines.findIndex((l) => l.startsWith("TcpExt:"));
    const names = lines[header].split(/\s+/);
    const values = lines[header + 1].split(/\s+/);
    return Number(values[names.indexOf("ListenOverflows")]);
  } catch {
    return undefined;
  }
}

function somaxconn(): number {
  try {
    return Number(readFileSync("/proc/sys/net/core/somaxconn", "utf8"));
  } catch {
    return 0;
  }
}

/** Opens N connections at once and reports how many connected, and how long the last one took. */
const CONNECT = `
const net = require("node:net");
const [port, n] = process.argv.slice(1).map(Number);
const t0 = Date.now();
let ok = 0, failed = 0;
const done = () => {
  if (ok + failed < n) return;
  process.stdout.write(JSON.stringify({ ok, failed, ms: Date.now() - t0 }));
  process.exit(0);
};
for (let i = 0; i < n; i++) {
  const socket = net.connect(port, "127.0.0.1");
  socket.on("connect", () => { ok++; done(); });
  socket.on("error", () => { failed++; done(); });
}
setTimeout(() => { failed = n - ok; done(); }, 10_000);
`;

const CONNECTIONS = 800; // more than Node's default backlog (511)
const measurable = listenOverflows() !== undefined && somaxconn() >= CONNECTIONS;

describe("serve()'s listen backlog", () => {
  const servers = standInServers();

  it("is larger than Node's default", () => {
    expect(LISTEN_BACKLOG).toBeGreaterThan(511);
  });

  it.skipIf(!measurable)(
    `queues ${CONNECTIONS} connections opened while the server's thread is busy: none dropped, all accepted`,
    async () => {
      const server = await servers.start("hala-backlog-", ENTRY, { HALA_WORKER_THREAD: "false" });
      const { port } = server.address() as AddressInfo;
      let accepted = 0;
      server.on("connection", () => accepted++);

      // Another process opens the connections while this thread is blocked (spawnSync): nothing is accepted
      // until it has finished, so they all wait in the kernel's queue. (A process of its own also keeps the
      // connections away from the tests' request interception.)
      const before = listenOverflows()!;
      const child = spawnSync(process.execPath, ["-e", CONNECT, String(port), String(CONNECTIONS)], {
        encoding: "utf8",
        timeout: 15_000,
      });
      const report = JSON.parse(child.stdout) as { ok: number; failed: number; ms: number };
      const dropped = listenOverflows()! - before;
      for (let i = 0; i < 250 && accepted < CONNECTIONS; i++) await new Promise((r) => setTimeout(r, 20));

      // With Node's default backlog, ~290 of them would be dropped and connect only when their SYN is sent
      // again, a second later.
      expect(report).toMatchObject({ ok: CONNECTIONS, failed: 0 });
      expect(report.ms).toBeLessThan(1_000);
      expect(dropped).toBe(0);
      expect(accepted).toBe(CONNECTIONS);
    },
    20_000,
  );
});

import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { LISTEN_BACKLOG } from "../scripts/serve";
import { openConnectionsWhileBlocked } from "./helpers/connections";
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
      // One listening socket: its queue alone takes them all (several would share them, ADR 015).
      const server = await servers.start("hala-backlog-", ENTRY, {
        HALA_WORKER_THREAD: "false",
        HALA_LISTEN_SOCKETS: "1",
      });
      const { port } = server.address() as AddressInfo;
      let accepted = 0;
      server.on("connection", () => accepted++);

      const before = listenOverflows()!;
      const report = openConnectionsWhileBlocked(port, CONNECTIONS);
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

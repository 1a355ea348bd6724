import { spawnSync } from "node:child_process";

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

/**
 * Another process opens `count` connections to 127.0.0.1:`port` while this thread is blocked (spawnSync):
 * nothing is accepted here until it has finished, so they all wait in the kernel's queue. (A process of its own
 * also keeps the connections away from the tests' request interception.)
 */
export function openConnectionsWhileBlocked(
  port: number,
  count: number,
): { ok: number; failed: number; ms: number } {
  const child = spawnSync(process.execPath, ["-e", CONNECT, String(port), String(count)], {
    encoding: "utf8",
    timeout: 15_000,
  });
  return JSON.parse(child.stdout) as { ok: number; failed: number; ms: number };
}

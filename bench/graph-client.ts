/**
 * `npm run bench:graph-client` — CPU per Graph API send: the app's client (`sendGraphMessage`, node:http with
 * keep-alive, app/adapters/http-json.server.ts) against a baseline in the same run, `fetch` (undici) making the
 * same request, as graphFetch did before 2026-12-06. A loopback server answers like the Graph API's
 * `/messages`. Rounds alternate; CPU is the whole process's (client and server: the server's share is the same
 * for both). Writes bench/results/graph-client.json and .md.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import type { OutboundMessage } from "~/domain/types";

const ROOT = path.resolve(import.meta.dirname, "..");
const RESULTS = path.join(ROOT, "bench/results");
const REQUESTS = Number(process.env.BENCH_GRAPH_REQUESTS ?? 20_000);
const CONCURRENCY = Number(process.env.BENCH_GRAPH_CONCURRENCY ?? 32);
const ROUNDS = Number(process.env.BENCH_GRAPH_ROUNDS ?? 3);
/**
 * BENCH_GRAPH_BURST=1: the requests go in bursts of CONCURRENCY, each started at once and awaited together, as
 * the inbox worker sends the replies of one committed group (send on commit), instead of CONCURRENCY loops.
 */
const BURST = ["1", "true"].includes(process.env.BENCH_GRAPH_BURST ?? "");

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    const to = (JSON.parse(Buffer.concat(chunks).toString()) as { to: string }).to;
    res.setHeader("content-type", "application/json");
    res.end(
      JSON.stringify({
        messaging_product: "whatsapp",
        contacts: [{ input: to, wa_id: to }],
        messages: [{ id: `wamid.${Math.random().toString(36).slice(2)}` }],
      }),
    );
  });
});
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const port = (server.address() as AddressInfo).port;
process.env.GRAPH_API_URL = `http://127.0.0.1:${port}`;
process.env.GRAPH_API_VERSION = "v23.0";
// The app's environment must parse (its client reads the Graph API's address from it); nothing else is used.
process.env.SHOPIFY_API_KEY ??= "bench";
process.env.SHOPIFY_API_SECRET ??= "bench";
process.env.SHOPIFY_APP_URL ??= "https://hala.bench";
process.env.ENCRYPTION_KEY ??= "k1:" + Buffer.alloc(32, 7).toString("base64");
const { sendGraphMessage } = await import("~/adapters/whatsapp/client.server");
const { toGraphRequest } = await import("~/adapters/whatsapp/to-graph-request");

const credentials = { phoneNumberId: "100200300", accessToken: "EAAG".padEnd(200, "x") };
const message: OutboundMessage = {
  kind: "list",
  body: "Welcome! What would you like to do? Browse our products, search, see your cart or ask about an order.",
  buttonText: "Menu",
  sections: [
    {
      title: "Shop",
      rows: [
        { id: "browse", title: "Browse products" },
        { id: "search", title: "Search" },
        { id: "cart", title: "My cart" },
        { id: "order", title: "Order status" },
      ],
    },
  ],
};
const body = toGraphRequest(message, "966500000001");
const url = `${process.env.GRAPH_API_URL}/v23.0/${credentials.phoneNumberId}/messages`;

async function viaFetch(): Promise<void> {
  const response = await fetch(url, {
    method: "POST",
    headers: { Authorization: `Bearer ${credentials.accessToken}`, "Content-Type": "application/json" },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const json = (await response.json()) as { messages: { id: string }[] };
  if (!json.messages[0].id) throw new Error("no wamid");
}

async function viaApp(): Promise<void> {
  const result = await sendGraphMessage(credentials, body);
  if (!result.ok) throw new Error(JSON.stringify(result.error));
}

async function measure(fn: () => Promise<void>) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  if (BURST) {
    for (let sent = 0; sent < REQUESTS; sent += CONCURRENCY)
      await Promise.all(Array.from({ length: Math.min(CONCURRENCY, REQUESTS - sent) }, () => fn()));
  } else {
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next++ < REQUESTS) await fn();
      }),
    );
  }
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { cpuUsPerRequest: (cpu.user + cpu.system) / REQUESTS, requestsPerSec: (REQUESTS / wall) * 1000 };
}

const runs: { client: string; round: number; cpuUsPerRequest: number; requestsPerSec: number }[] = [];
for (const warm of [viaFetch, viaApp]) for (let i = 0; i < 2_000; i++) await warm();
for (let round = 1; round <= ROUNDS; round++) {
  for (const [client, fn] of [
    ["fetch (baseline)", viaFetch],
    ["app: sendGraphMessage (node:http keep-alive)", viaApp],
  ] as const) {
    runs.push({ client, round, ...(await measure(fn)) });
    console.log(runs.at(-1));
  }
}
server.closeAllConnections();
server.close();

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const summary = ["fetch (baseline)", "app: sendGraphMessage (node:http keep-alive)"].map((client) => {
  const mine = runs.filter((r) => r.client === client);
  return {
    client,
    cpuUsPerRequest: median(mine.map((r) => r.cpuUsPerRequest)),
    requestsPerSec: median(mine.map((r) => r.requestsPerSec)),
  };
});
const ratio = summary[1].cpuUsPerRequest / summary[0].cpuUsPerRequest;
const machine = `${os.cpus().length} CPUs · Node ${process.version} · ${new Date().toISOString()}`;
mkdirSync(RESULTS, { recursive: true });
writeFileSync(
  path.join(RESULTS, "graph-client.json"),
  JSON.stringify(
    { machine, requests: REQUESTS, concurrency: CONCURRENCY, burst: BURST, runs, summary, ratio },
    null,
    2,
  ),
);
writeFileSync(
  path.join(RESULTS, "graph-client.md"),
  [
    "# Graph API client: CPU per send",
    "",
    `${machine}. ${REQUESTS.toLocaleString("en")} POSTs of a list message per round, ${CONCURRENCY} at once${BURST ? " (in bursts: each burst started together and awaited before the next)" : ""}, to a`,
    "loopback server answering like `/messages`; rounds alternate. CPU: the whole process (client + server).",
    "",
    "| client | CPU µs / request (median) | requests/s (median) | rounds (µs) |",
    "| --- | ---: | ---: | --- |",
    ...summary.map(
      (s) =>
        `| ${s.client} | ${s.cpuUsPerRequest.toFixed(0)} | ${s.requestsPerSec.toFixed(0)} | ${runs
          .filter((r) => r.client === s.client)
          .map((r) => r.cpuUsPerRequest.toFixed(0))
          .join(" · ")} |`,
    ),
    "",
    `App / baseline CPU per request: **${ratio.toFixed(2)}**.`,
    "",
  ].join("\n"),
);
console.log(`wrote bench/results/graph-client.json and .md — app/baseline CPU ${ratio.toFixed(2)}`);

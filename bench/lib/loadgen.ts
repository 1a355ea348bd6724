/**
 * A bounded HTTP load generator (node:http + a keep-alive agent), run as a child process so that it does not
 * share an event loop with the fake Graph API or the orchestrator. Two modes:
 * - closed: `connections` loops, each sending the next request as soon as the previous one answered; a
 *   warm-up, then a measured window (latency = send → response end, per request);
 * - open: requests at fixed scheduled times (`rate` per second); latency is measured from the SCHEDULED
 *   time, so a slow server cannot slow the client down and hide its queueing (no coordinated omission).
 * Requests come from a file written by the orchestrator: one `signature<TAB>body` line each.
 * Driven over IPC: the parent sends one job; the child loads its requests, answers "ready", waits for "go"
 * (so that the parent can sample CPU counters around the run alone), runs, answers the result and exits.
 */
import { readFileSync } from "node:fs";
import http from "node:http";
import { buildRequest, RawHttpPool } from "./raw-http";
import { wallNow } from "./stats";

export interface ClosedJob {
  mode: "closed";
  url: string;
  file: string;
  /** First line of the file to send (a warm-up run and the measured run use different webhooks). */
  offset: number;
  connections: number;
  warmupMs: number;
  durationMs: number;
  timeoutMs: number;
}

export interface OpenJob {
  mode: "open";
  url: string;
  file: string;
  /** First line of the file to send, and how many. */
  offset: number;
  count: number;
  rate: number;
  /** Requests in flight above this are not sent (counted as `skipped`): the client stays bounded. */
  maxInFlight: number;
  timeoutMs: number;
}

export interface ClosedResult {
  mode: "closed";
  durationMs: number;
  completed: number;
  /** Responses by status code (measured window only). */
  statuses: Record<string, number>;
  errors: number;
  /** Latencies (ms) of the requests completed in the measured window. */
  latencies: number[];
  warmupCompleted: number;
  /** Lines of the file used (a run that wraps around sends more duplicates than planned). */
  linesUsed: number;
  wrapped: boolean;
  clientCpuMs: number;
}

export interface OpenResult {
  mode: "open";
  /** Per request, wall-clock ms: scheduled send time, ack time (NaN when none), status (0 = error/skipped). */
  scheduled: number[];
  /** When the request was handed to its socket (NaN when not sent): how late the client itself was. */
  written: number[];
  acked: number[];
  status: number[];
  skipped: number;
  errors: number;
  maxInFlightSeen: number;
  clientCpuMs: number;
}

function readRequests(file: string): { signature: string; body: Buffer }[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const tab = line.indexOf("\t");
      return { signature: line.slice(0, tab), body: Buffer.from(line.slice(tab + 1)) };
    });
}

function post(
  agent: http.Agent,
  target: URL,
  request: { signature: string; body: Buffer },
  timeoutMs: number,
  done: (status: number) => void,
) {
  let finished = false;
  const finish = (status: number) => {
    if (finished) return;
    finished = true;
    done(status);
  };
  const req = http.request(
    {
      agent,
      host: target.hostname,
      port: target.port,
      path: target.pathname,
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "Content-Length": request.body.length,
        "X-Hub-Signature-256": request.signature,
      },
      timeout: timeoutMs,
    },
    (res) => {
      res.on("data", () => undefined);
      res.on("end", () => finish(res.statusCode ?? 0));
      res.on("error", () => finish(0));
    },
  );
  req.on("timeout", () => req.destroy(new Error("timeout")));
  req.on("error", () => finish(0));
  req.end(request.body);
}

type Loaded = { signature: string; body: Buffer }[];

async function runClosed(job: ClosedJob, requests: Loaded): Promise<ClosedResult> {
  const target = new URL(job.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: job.connections });
  const cpu0 = process.cpuUsage();
  const t0 = wallNow();
  const measureFrom = t0 + job.warmupMs;
  const measureTo = measureFrom + job.durationMs;
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  let warmupCompleted = 0;
  let next = 0;
  let wrapped = false;

  const loop = () =>
    new Promise<void>((resolve) => {
      const sendOne = () => {
        const now = wallNow();
        if (now >= measureTo) return resolve();
        if (job.offset + next >= requests.length) wrapped = true;
        const request = requests[(job.offset + next++) % requests.length];
        const start = now;
        post(agent, target, request, job.timeoutMs, (status) => {
          const end = wallNow();
          if (start >= measureFrom && end <= measureTo) {
            latencies.push(end - start);
            statuses[status] = (statuses[status] ?? 0) + 1;
            if (status === 0) errors++;
          } else if (end < measureFrom) {
            warmupCompleted++;
          }
          sendOne();
        });
      };
      sendOne();
    });

  await Promise.all(Array.from({ length: job.connections }, loop));
  agent.destroy();
  const cpu = process.cpuUsage(cpu0);
  return {
    mode: "closed",
    durationMs: job.durationMs,
    completed: latencies.length,
    statuses,
    errors,
    latencies,
    warmupCompleted,
    linesUsed: next,
    wrapped,
    clientCpuMs: (cpu.user + cpu.system) / 1000,
  };
}

/** The open loop's requests as bytes, built before the run (not in its CPU window). */
function openRequests(job: OpenJob, all: Loaded): Buffer[] {
  const target = new URL(job.url);
  return all
    .slice(job.offset, job.offset + job.count)
    .map((r) =>
      buildRequest(
        target.host,
        target.pathname,
        { "Content-Type": "application/json", "X-Hub-Signature-256": r.signature },
        r.body,
      ),
    );
}

/**
 * The open loop sends through `RawHttpPool` (pre-built request bytes on plain sockets, ./raw-http.ts), not
 * node:http: at 1,000 requests/s the client's own CPU is taken from the server it measures on a small machine.
 */
async function runOpen(job: OpenJob, requests: Buffer[]): Promise<OpenResult> {
  const target = new URL(job.url);
  const pool = new RawHttpPool(
    target.hostname,
    Number(target.port || 80),
    job.maxInFlight,
    job.timeoutMs,
    wallNow,
  );
  const cpu0 = process.cpuUsage();
  const n = requests.length;
  const scheduled = new Array<number>(n);
  const acked = new Array<number>(n).fill(NaN);
  const written = new Array<number>(n).fill(NaN);
  const status = new Array<number>(n).fill(0);
  const interval = 1000 / job.rate;
  const t0 = wallNow() + 20;
  for (let i = 0; i < n; i++) scheduled[i] = t0 + i * interval;
  let next = 0;
  let inFlight = 0;
  let maxInFlightSeen = 0;
  let skipped = 0;
  let errors = 0;
  let outstanding = n;

  await new Promise<void>((resolve) => {
    const settle = () => {
      if (--outstanding === 0) resolve();
    };
    const tick = () => {
      const now = wallNow();
      while (next < n && scheduled[next] <= now) {
        const i = next++;
        if (inFlight >= job.maxInFlight) {
          skipped++;
          settle();
          continue;
        }
        inFlight++;
        maxInFlightSeen = Math.max(maxInFlightSeen, inFlight);
        written[i] = wallNow();
        pool.send(requests[i], (code) => {
          inFlight--;
          acked[i] = wallNow();
          status[i] = code;
          if (code === 0) errors++;
          settle();
        });
      }
      if (next < n) setTimeout(tick, Math.max(0, Math.min(1, scheduled[next] - wallNow())));
    };
    if (n === 0) resolve();
    else tick();
  });
  pool.close();
  const cpu = process.cpuUsage(cpu0);
  return {
    mode: "open",
    scheduled,
    written,
    acked,
    status,
    skipped,
    errors,
    maxInFlightSeen,
    clientCpuMs: (cpu.user + cpu.system) / 1000,
  };
}

if (process.send) {
  process.once("message", (job: ClosedJob | OpenJob) => {
    const requests = readRequests(job.file);
    const open = job.mode === "open" ? openRequests(job, requests) : [];
    process.once("message", async () => {
      const result = job.mode === "closed" ? await runClosed(job, requests) : await runOpen(job, open);
      process.send!(result, () => process.exit(0));
    });
    process.send!("ready");
  });
  process.on("disconnect", () => process.exit(0));
}

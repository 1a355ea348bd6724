/**
 * A fake WhatsApp Cloud API (Graph API) on 127.0.0.1 for the resilience runs (adapted from
 * bench/lib/fake-graph.ts): `POST /<version>/<phone-number-id>/messages` answers a fresh wamid, or — on
 * demand — a fault (HTTP 500, HTTP 429 with Retry-After, Graph error 130429) and/or a slow answer.
 *
 * It records every attempt with its time, the phone number and the app's Message id, which the sender puts
 * in `biz_opaque_callback_data`: so a message sent twice (a duplicate reply) is seen here, and so are the
 * gaps between the attempts of one message (backoff) and the send rate per phone number.
 */
import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { freePort } from "./services";

export type Fault = "500" | "429" | "130429";

export interface Attempt {
  /** When the answer left (ms). */
  at: number;
  /** When the request arrived (ms): what counts against the number's throughput. */
  arrivedAt: number;
  phoneNumberId: string;
  to: string;
  /** The app's Message id (biz_opaque_callback_data). */
  ref: string;
  outcome: "ok" | Fault;
  /** Answer delay this attempt got (ms). */
  delayMs: number;
}

export interface FaultPlan {
  /** Share of sends that fail, 0…1. */
  failureRate: number;
  kinds: Fault[];
  /** Share of sends answered slowly, and how slowly (ms, uniform in [min, max]). */
  slowRate: number;
  slowMs: [number, number];
  /**
   * At most this many faults in a row for one message (then it goes through): bounds the backoff chain the
   * CI form waits for (3 → at most 1 + 2 + 4 s). Infinity: independent draws (the long run).
   */
  maxConsecutivePerMessage: number;
}

const NO_FAULTS: FaultPlan = {
  failureRate: 0,
  kinds: ["500"],
  slowRate: 0,
  slowMs: [0, 0],
  maxConsecutivePerMessage: Infinity,
};

/** A small seeded PRNG (mulberry32) so that a run can be replayed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MESSAGES_PATH = /^\/v\d+\.\d+\/([^/]+)\/messages$/;

export interface FakeGraph {
  url: string;
  attempts: Attempt[];
  reads: number;
  plan: FaultPlan;
  setPlan(plan: Partial<FaultPlan>): void;
  /** Successful sends per Message id. */
  deliveredByRef(): Map<string, number>;
  /** Duplicates: successful sends beyond the first, per Message id. */
  duplicates(): { ref: string; count: number }[];
  close(): Promise<void>;
}

export interface AcceptedSend {
  phoneNumberId: string;
  to: string;
  wamid: string;
  /** The app's Message id (biz_opaque_callback_data). */
  ref: string;
}

export async function startFakeGraph(
  options: {
    seed?: number;
    /**
     * Called for every send it accepts, after the answer left: Meta then sends a "sent" status webhook that
     * carries the send's biz_opaque_callback_data (the crash scenario delivers it, redelivering like Meta).
     */
    onAccepted?: (send: AcceptedSend) => void;
  } = {},
): Promise<FakeGraph> {
  const random = seeded(options.seed ?? 42);
  // Message ids must be unique across runs on one database (the app stores them in a unique column).
  const tag = randomBytes(3).toString("hex").toUpperCase();
  const attempts: Attempt[] = [];
  const faultStreak = new Map<string, number>();
  let counter = 0;
  const self = {
    url: "",
    attempts,
    reads: 0,
    plan: { ...NO_FAULTS },
    setPlan(plan: Partial<FaultPlan>) {
      self.plan = { ...self.plan, ...plan };
    },
    deliveredByRef() {
      const map = new Map<string, number>();
      for (const a of attempts) if (a.outcome === "ok") map.set(a.ref, (map.get(a.ref) ?? 0) + 1);
      return map;
    },
    duplicates() {
      return [...self.deliveredByRef()].filter(([, n]) => n > 1).map(([ref, count]) => ({ ref, count }));
    },
    close: async () => undefined,
  } as FakeGraph;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const match = MESSAGES_PATH.exec((req.url ?? "").split("?")[0]);
      if (req.method === "GET") {
        // GET /<version>/<phone-number-id>: "test connection".
        res.writeHead(200, { "Content-Type": "application/json" });
        res.end(
          JSON.stringify({
            id: "0",
            display_phone_number: "+1 555 0100",
            verified_name: "Res",
            quality_rating: "GREEN",
          }),
        );
        return;
      }
      if (req.method !== "POST" || !match) {
        res
          .writeHead(404, { "Content-Type": "application/json" })
          .end('{"error":{"message":"not faked","code":100}}');
        return;
      }
      if (!req.headers.authorization?.startsWith("Bearer ")) {
        res.writeHead(401, { "Content-Type": "application/json" });
        res.end('{"error":{"message":"Error validating access token","type":"OAuthException","code":190}}');
        return;
      }
      let body: { to?: string; status?: string; biz_opaque_callback_data?: string } = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      } catch {
        // recorded without recipient
      }
      if (body.status === "read") {
        self.reads++;
        res.writeHead(200, { "Content-Type": "application/json" }).end('{"success":true}');
        return;
      }
      const plan = self.plan;
      const ref = body.biz_opaque_callback_data ?? "";
      const streak = faultStreak.get(ref) ?? 0;
      const fault: Fault | undefined =
        plan.failureRate > 0 && streak < plan.maxConsecutivePerMessage && random() < plan.failureRate
          ? plan.kinds[Math.floor(random() * plan.kinds.length)]
          : undefined;
      faultStreak.set(ref, fault ? streak + 1 : 0);
      const delayMs =
        plan.slowRate > 0 && random() < plan.slowRate
          ? Math.round(plan.slowMs[0] + random() * (plan.slowMs[1] - plan.slowMs[0]))
          : 0;
      const arrivedAt = Date.now();
      const attempt: Attempt = {
        at: arrivedAt,
        arrivedAt,
        phoneNumberId: match[1],
        to: body.to ?? "",
        ref: body.biz_opaque_callback_data ?? "",
        outcome: fault ?? "ok",
        delayMs,
      };
      const answer = () => {
        attempts.push({ ...attempt, at: Date.now() });
        if (fault === "500") {
          res.writeHead(500, { "Content-Type": "application/json" });
          res.end(
            JSON.stringify({
              error: {
                message: "An unknown error occurred",
                type: "OAuthException",
                code: 1,
                is_transient: true,
              },
            }),
          );
        } else if (fault === "429") {
          res.writeHead(429, { "Content-Type": "application/json", "Retry-After": "1" });
          res.end(JSON.stringify({ error: { message: "Too many calls", code: 4 } }));
        } else if (fault === "130429") {
          res.writeHead(400, { "Content-Type": "application/json" });
          res.end(
            JSON.stringify({
              error: { message: "(#130429) Rate limit hit", code: 130429, type: "OAuthException" },
            }),
          );
        } else {
          counter++;
          const wamid = `wamid.RESFAKE${tag}${counter.toString().padStart(9, "0")}`;
          res.writeHead(200, { "Content-Type": "application/json" });
          res.end(
            JSON.stringify({
              messaging_product: "whatsapp",
              contacts: [{ input: body.to, wa_id: body.to }],
              messages: [{ id: wamid }],
            }),
          );
          options.onAccepted?.({ phoneNumberId: match[1], to: body.to ?? "", wamid, ref: attempt.ref });
        }
      };
      // The time of an attempt is when it is answered: what Meta counts against the number's throughput.
      if (delayMs) setTimeout(answer, delayMs);
      else answer();
    });
  });
  server.keepAliveTimeout = 30_000;
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  self.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  self.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return self;
}

/** Max requests (by arrival) in any sliding window of `windowMs`, per phone number. */
export function maxInWindow(
  attempts: Attempt[],
  windowMs: number,
  filter: (a: Attempt) => boolean = () => true,
) {
  const byNumber = new Map<string, number[]>();
  for (const a of attempts.filter(filter)) {
    const list = byNumber.get(a.phoneNumberId) ?? [];
    list.push(a.arrivedAt);
    byNumber.set(a.phoneNumberId, list);
  }
  const out: Record<string, number> = {};
  for (const [number, times] of byNumber) {
    times.sort((x, y) => x - y);
    let best = 0;
    for (let i = 0, j = 0; i < times.length; i++) {
      while (times[i] - times[j] >= windowMs) j++;
      best = Math.max(best, i - j + 1);
    }
    out[number] = best;
  }
  return out;
}

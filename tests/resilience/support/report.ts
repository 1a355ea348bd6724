/**
 * The Markdown report of a resilience run, from the figures every test file recorded (support/figures.ts):
 * a summary (cases run, faults injected, messages acknowledged / lost / duplicated, isolation checks), one
 * section per concern, the known failures in files this work may not change (with the proposed fixes), and
 * what this work fixed. Written by the suite's global teardown: the CI form to a temp path, the long run
 * (bench/resilience/soak.ts) to bench/results/resilience.md (+ .json).
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import os from "node:os";
import type { Figures } from "./figures";
import { KNOWN_FAILURES, RESOLVED } from "./known";

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Changes made by this work in the files it may edit, and what the suite found that led to them. */
export const FIXES: { file: string; what: string }[] = [
  {
    file: "app/cache.server.ts",
    what:
      "takeToken (Redis Lua and in-process alike) keeps the times of its last max(burst, rate) tokens: never more in any sliding window (a plain bucket gave burst + rate in one second — `outbox-rate-burst`). " +
      "RedisCache has a circuit breaker: open from the connection's 'close' until 'ready', and 2 s after a command timed out (commandTimeout 1 s) — calls fail at once and callers degrade without waiting (`cache-outage-waits`).",
  },
  {
    file: "app/services/outbox.server.ts",
    what:
      "The number's window is counted over 1.2 s (a margin for the jitter between the token and Meta's clock); the local fallback buckets also count the shared bucket's tokens (a fallback mid-second no longer doubles the rate); " +
      "the bookkeeping after the Graph call (sent / reschedule / failed) is retried while the database is away, within the claim's lease — a PostgreSQL outage between the Graph call and markOutboundSent sent 7 replies twice in the CI form before; no send waits past its lease.",
  },
  {
    file: "app/db.server.ts",
    what: "Every pg client gets an 'error' listener (the pool's covers idle clients only): PostgreSQL ending a checked-out connection between two queries crashed the process (tests/db-connection-loss.test.ts).",
  },
  {
    file: "app/services/shopify-webhooks.server.ts",
    what:
      "A signed Shopify webhook whose payload fails validation (zod) was answered 500 (Shopify retries, then may drop the subscription; no retry can succeed). " +
      "Decision: acknowledge with 200, log a warning with the issues, release the claim — no row changes (`{ rejected }`). Payloads are also made storable " +
      "(U+0000 dropped, lone surrogates replaced, > 100 levels rejected) before any handler runs.",
  },
  {
    file: "app/services/orders.server.ts",
    what:
      'orders/create with a total the Decimal(14,2) column cannot hold (e.g. "1e400") → 500 (numeric field overflow); orders/fulfilled with a fulfilment ' +
      'date outside PostgreSQL\'s range ("-271821-04-20…") → 500. Now: the total is stored only when it is a plain amount, dates before 2000 count as now. ' +
      "And the confirmation's idempotency key names the shop: two shops with the same order id — the second shopper's confirmation was silently skipped.",
  },
  {
    file: "app/services/feedback.server.ts",
    what: "The feedback request's idempotency key names the shop (same cross-shop collision as the order confirmation).",
  },
  {
    file: "app/adapters/db/compliance.server.ts",
    what:
      "customers/redact and customers/data_request with thousands of orders (20,000 ids → 40,000 bind parameters) → 500 for ever: the customer was never " +
      "redacted. Order ids are now matched in chunks of 1,000 inside one transaction; the scheduled-job match is `endsWith(':<order>')` (it was " +
      "`contains`, which also deleted the jobs of order 1234 when redacting order 123).",
  },
  {
    file: "app/services/settings.server.ts, app/adapters/db/ai.server.ts, app/adapters/db/text.server.ts (new)",
    what:
      "A U+0000 in an admin form field (welcome message, review URL, AI prompt, tone, store facts, base URL) → 500, after the WhatsApp account part of the " +
      "settings had already been written. Form fields and the AI settings are made storable (`storableText`).",
  },
  {
    file: "app/services/inbox.admin.server.ts",
    what:
      "A forged inbox/feedback cursor with a date PostgreSQL cannot compare (year 0000 or +275760) → 500; a search with U+0000 → 500. Cursors outside " +
      "2000–9999 are ignored, search text is made storable, and conversation ids that cannot be row ids are 'not found' at once.",
  },
  {
    file: "app/services/conversation.server.ts, app/domain/notifications.ts",
    what:
      `The per-contact inbound throttle (1/s, burst 8, counted on the messages' WhatsApp timestamps since \`crash-backlog-throttled\`; one notice a minute via setIfAbsent; fails open without the cache — and fast: 250 ms per call, then 5 s without asking Redis, ` +
      "since the Redis outage run showed every message waiting seconds for ioredis to give up), " +
      "strings in en/ar. The inbox's text of a message is capped at 4,096 characters (WhatsApp's own limit; cut on a code point — a first version cut a " +
      "surrogate pair and the suite caught the 'JSON Error: unexpected end of hex escape' that blocked the shopper's next messages).",
  },
];

const n = (v: unknown) =>
  typeof v === "number" ? v.toLocaleString("en-US") : v === undefined || v === null ? "–" : String(v);
const pct = (v: number) => `${(v * 100).toFixed(3)}%`;
const sum = (...v: unknown[]) => v.reduce<number>((a, b) => a + (typeof b === "number" ? b : 0), 0);
const statuses = (s: Record<string, number> | undefined) =>
  s
    ? Object.entries(s)
        .sort()
        .map(([k, v]) => `${k === "0" ? "no answer" : k}: ${n(v)}`)
        .join(", ")
    : "–";

function git(args: string[]): string {
  try {
    return execFileSync("git", args, { encoding: "utf8" }).trim();
  } catch {
    return "?";
  }
}

function delivery(d: Any | undefined): string {
  if (!d) return "–";
  return [
    `${n(d.acknowledged)}/${n(d.webhooks)} acknowledged`,
    `lost ${n(d.lostAfterAck + d.notProcessed + d.neverAcknowledged)}`,
    `inbound duplicated ${n(d.inboundRowsDuplicated)}`,
    `replies ${n(d.replies)} (not delivered ${n(d.repliesNeverDelivered)}, duplicated ${n(d.duplicateReplies)})`,
  ].join(" · ");
}

export interface ReportMeta {
  mode: string;
  durationS?: number;
  fuzzScale?: number;
  /** Per-target fuzz scales (the long run). */
  fuzzScales?: Record<string, number>;
  /** The commit the run tested (default: HEAD when the report is written). */
  commit?: string;
  /** When the run ended (default: now). */
  at?: string;
}

export function renderReport(figures: Record<string, Figures>, meta: ReportMeta): string {
  const f = figures as Record<string, Any>;
  const crash = f.crash ?? {};
  const dep = f.dependencies ?? {};
  const fw = f["fuzz.whatsapp"] ?? {};
  const fs = f["fuzz.shopify"] ?? {};
  const fa = f["fuzz.admin"] ?? {};
  const iso = f.isolation ?? {};
  const abuse = f.abuse ?? {};
  const sf = f["shopify-faults"] ?? {};
  const fuzzCases = sum(fw.cases, fs.cases, fa.cases);
  const deliveries = [
    crash.control,
    crash.crash,
    dep.graph?.delivery,
    dep.postgres?.delivery,
    dep.redis?.delivery,
  ].filter(Boolean) as Any[];
  const acknowledged = sum(...deliveries.map((d) => d.acknowledged));
  const lost = sum(...deliveries.map((d) => d.lostAfterAck + d.neverAcknowledged));
  const notProcessed = sum(...deliveries.map((d) => d.notProcessed));
  const dupInbound = sum(...deliveries.map((d) => d.inboundRowsDuplicated));
  const dupReplies = sum(...deliveries.map((d) => d.duplicateReplies));
  const replies = sum(...deliveries.map((d) => d.replies));
  const graphFaults = dep.graph?.faultsInjected ?? 0;
  const knownSeen: Record<string, number> = {};
  for (const s of [fw, fs, fa])
    for (const [k, v] of Object.entries((s.knownFailures ?? {}) as Record<string, number>))
      knownSeen[k] = (knownSeen[k] ?? 0) + v;

  const out: string[] = [];
  const p = (line = "") => out.push(line);
  p(`# Resilience: faults, duplicates, bad input, tenant isolation, abuse`);
  p();
  p(
    `${meta.mode === "long" ? "Long run (`npm run bench:resilience`)" : "CI form (`npm run test:resilience`)"} · ${meta.at ?? new Date().toISOString()} · commit ${meta.commit ?? `${git(["rev-parse", "--short", "HEAD"])}${git(["status", "--porcelain"]) ? " + working tree changes" : ""}`} · ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GB · Node ${process.version}${meta.durationS ? ` · ${Math.round(meta.durationS / 6) / 10} min` : ""}${
      meta.fuzzScales
        ? ` · fuzz ${Object.entries(meta.fuzzScales)
            .map(([k, v]) => `${k} ×${v}`)
            .join(", ")}`
        : meta.fuzzScale && meta.fuzzScale !== 1
          ? ` · fuzz ×${meta.fuzzScale}`
          : ""
    }`,
  );
  p();
  p(`## Summary`);
  p();
  p(`| | |`);
  p(`| --- | --- |`);
  p(
    `| Bad-input requests | **${n(fuzzCases)}** (WhatsApp webhook ${n(fw.cases)}, Shopify webhooks ${n(fs.cases)}, admin forms and loaders ${n(fa.cases)}) |`,
  );
  p(
    `| Faults injected | ${n(crash.crash?.kills)} SIGKILLs under load · PostgreSQL stopped ${n(dep.postgres?.outageS)} s · Redis stopped ${n(dep.redis?.outageS)} s · ${n(graphFaults)} Graph API faults (${statuses(dep.graph?.faultsByKind)}) + slow answers · ${n(sf.faultsInjected)} Shopify Admin API faults |`,
  );
  p(`| Webhooks acknowledged (process tests) | **${n(acknowledged)}** |`);
  p(`| … lost (acknowledged but not stored, or never acknowledged) | **${n(lost)}** |`);
  p(
    `| … stored but not processed when the run stopped waiting | **${n(notProcessed)}**${notProcessed ? " (still pending: a backlog the drain timeout cut off, see below)" : ""} |`,
  );
  p(`| … processed twice | **${n(dupInbound)}** |`);
  p(
    `| Replies / duplicated | ${n(replies)} / **${n(dupReplies)}** — all from the crash run (${n(crash.crash?.duplicateReplies)} in ${n(crash.crash?.replies)} = ${crash.crash ? pct(crash.crash.duplicateReplyRate) : "–"}; target ≤ 0.1%), control: ${n(crash.control?.duplicateReplies)} |`,
  );
  const rateMax = Object.values((dep.graph?.maxPerSecondSliding ?? {}) as Record<string, number>);
  const broadcast = (f.abuse ?? {}).broadcast as { maxPerSecondSliding?: number; rate?: number } | undefined;
  p(
    `| Max per-number rate observed (at the fake Graph API, any sliding second) | ${rateMax.length ? `**${Math.max(...rateMax)}** (limit ${dep.graph.messagesPerSecond}/s, under 30% faults and slow answers)` : "–"}${broadcast?.maxPerSecondSliding !== undefined ? ` · broadcast **${broadcast.maxPerSecondSliding}** (limit ${broadcast.rate}/s)` : ""} |`,
  );
  p(
    `| Isolation checks | ${n(iso.modelFunctions)} model functions (${n(iso.reads)} reads, ${n(iso.writes)} writes, ${n(iso.global)} global by design, ${n(iso.pure)} pure) · ${n(iso.routes)} routes · ${n(iso.checks)} checks · ${n(sum(fs.isolationChecks, fa.isolationChecks))} shop-B snapshots during the fuzzing · ${n(iso.flows)} flows |`,
  );
  p(
    `| Known failures (open) | ${KNOWN_FAILURES.map((k) => `\`${k.id}\``).join(", ") || "none"} (${RESOLVED.length} found and fixed) |`,
  );
  p();

  if (crash.crash || crash.control) {
    p(`## 1. Crash safety`);
    p();
    p(
      `The built app in a child process (PostgreSQL database of its own on 127.0.0.1:5432, Redis db ${process.env.RES_REDIS_DB ?? 8}, fake Graph API on loopback), a steady load of signed webhooks, SIGKILL at random moments, restart, redelivery of every webhook that got no 200.${crash.stale ? " **The build was older than app/: rebuild for current numbers.**" : ""}`,
    );
    p();
    p(
      `| run | kills | load | webhooks | redeliveries | answers | restart (median / max) | drained | result |`,
    );
    p(`| --- | --- | --- | --- | --- | --- | --- | --- | --- |`);
    for (const [name, r] of [
      ["no-crash control", crash.control],
      ["crash", crash.crash],
    ] as [string, Any][]) {
      if (!r) continue;
      p(
        `| ${name} | ${n(r.kills)} | ${n(r.ratePerSec)}/s × ${n(r.loadSeconds)} s | ${n(r.webhooks)} | ${n(r.redeliveries)} | ${statuses(r.answers)} | ${n(r.restartMs?.median)} / ${n(r.restartMs?.max)} ms | ${r.drained ? `yes (${n(r.drainMs)} ms)` : "**no**"} | ${delivery(r)} |`,
      );
    }
    if (crash.crash) {
      p();
      p(
        `Kill moments (s into the load): ${(crash.crash.killTimesS ?? []).join(", ")}. Duplicate replies: ${n(crash.crash.duplicateReplies)} (${pct(crash.crash.duplicateReplyRate)}) — each one a reply the Graph API accepted just before the kill and before the sender recorded it, whose "sent" status did not reach the app before the lease ran out (Meta has no idempotency key for sends; the status's biz_opaque_callback_data reconciles the others). The fake Graph API sent a "sent" status webhook for each accepted reply, as Meta does: ${n(crash.crash.statusWebhooks)}, ${n(crash.crash.statusWebhooksAcknowledged)} acknowledged (redelivered like the messages). Unexpected exits of the app: ${n(crash.crash.unexpectedExits)}.`,
      );
    }
    p();
  }

  if (dep.graph || dep.postgres) {
    p(`## 2. Dependency faults`);
    p();
    p(
      `A PRIVATE PostgreSQL cluster (initdb in a temp dir, own port) and a PRIVATE redis-server, started and stopped by the test; the machine's shared ones are never touched.`,
    );
    p();
    if (dep.graph) {
      const g = dep.graph;
      p(
        `**Graph API** ${pct(g.faultRate)} of sends failing (${g.kinds.join(", ")}; ${n(g.faultsInjected)} faults: ${statuses(g.faultsByKind)}), ${pct(g.slowRate)} answered in ${g.slowMs[0]}–${g.slowMs[1]} ms${g.maxConsecutiveFaults ? `, at most ${g.maxConsecutiveFaults} faults in a row per message (CI bound)` : ""}: ${delivery(g.delivery)}. Backoff checked after ${n(g.backoffChecked)} failed attempts: ${g.backoffViolations?.length ? `**${g.backoffViolations.length} violations**` : "no violation"} (gap ≥ 50% of 1 s·2^(n−1), ≥ Retry-After for 429); at most ${n(g.maxAttemptsOneMessage)} attempts for one message; drained in ${n(g.drainMs)} ms.`,
      );
      p();
      p(
        `Send rate per number (messagesPerSecond = ${g.messagesPerSecond}): max in any sliding second ${Object.values(g.maxPerSecondSliding ?? {}).join(" / ")}, in a calendar second ${Object.values(g.maxPerSecondCalendar ?? {}).join(" / ")}, over 5 s ${Object.values(g.maxPer5sAverage ?? {}).join(" / ")} per second (the bucket's sliding window: never more than messagesPerSecond; fixed \`outbox-rate-burst\`).`,
      );
      p();
    }
    if (dep.postgres) {
      const d = dep.postgres;
      p(
        `**PostgreSQL stopped ${d.outageS} s mid-load**: answers while down: ${statuses(d.answersDuringOutage)} (a 200 during the outage: ${n(d.acknowledgedDuringOutage)} — stored before the stop); back to 200 ${n(d.recoverySeconds)} s after the restart, by itself. ${delivery(d.delivery)}.`,
      );
      p();
    }
    if (dep.redis) {
      const r = dep.redis;
      p(
        `**Redis stopped ${r.outageS} s mid-load**: answers while down: ${statuses(r.answersDuringOutage)}; replies sent while down: **${n(r.repliesSentDuringOutage)}**${r.firstReplyAfterS !== null ? ` (first after ${r.firstReplyAfterS} s)` : ""} — ${n(r.repliesPerSecondDuring)}/s against ${n(r.repliesPerSecondBefore)}/s before the outage; drained ${n(r.drainAfterRestartS)} s after the outage ended${r.leasesExpiredByTest ? " (the CI form expired the stuck leases instead of waiting 60 s)" : ""}. ${delivery(r.delivery)}. Nothing lost; the sender falls back to per-process buckets at once (the cache's circuit breaker; fixed \`cache-outage-waits\`).`,
      );
      p();
    }
    p(`Unexpected exits of the app during the dependency faults: ${n(dep.unexpectedExits)}.`);
    p();
  }

  if (sf.title) {
    p(
      `**Shopify Admin API during checkout** (in-process, msw fake): ${Object.entries(sf)
        .filter(([, v]) => v && typeof v === "object" && "operation" in (v as Any))
        .map(([k, v]) => `${k} → "${(v as Any).messageOnFailure}"`)
        .join(
          "; ",
        )}. In every case the cart survived, nothing crashed, and "Try again" gave exactly one checkout link once Shopify answered.`,
    );
    p();
  }

  p(`## 3. Bad input`);
  p();
  p(
    `fast-check properties over the real payloads of ../shared/fixtures (mutated: values replaced by hostile JSON, keys deleted or added, arrays wrapped or made huge, deep nesting), raw JSON with repeated keys, and explicit edge cases (U+0000, RTL marks, zero-width, emoji, lone surrogates, 1–3 MB fields, 100,000-deep nesting, 12,000 messages in one delivery, wrong types). Invariants: never a 5xx with a valid signature, never a crash or an unhandled rejection, an invalid signature 401 (whenever the body names a connected number; 413 past the size limit, read before the signature), a refused request changes no table (counts + a hash of every row), shop B never changes.`,
  );
  p();
  p(`| target | requests | answers | known failures hit |`);
  p(`| --- | --- | --- | --- |`);
  p(
    `| WhatsApp webhook, signed | ${n(fw.signed?.cases)} | ${statuses(fw.signed?.statuses)} | ${statuses(fw.knownFailures)} |`,
  );
  p(
    `| WhatsApp webhook, explicit edge cases | ${n(fw.edgeCases?.cases)} | ${statuses(fw.edgeCases?.statuses)} | |`,
  );
  p(
    `| WhatsApp webhook, repeated keys | ${n(fw.duplicateKeys?.cases)} | ${statuses(fw.duplicateKeys?.statuses)} | |`,
  );
  p(
    `| WhatsApp webhook, no / wrong signature | ${n(fw.forged?.cases)} | ${statuses(fw.forged?.statuses)} | |`,
  );
  p(
    `| Shopify webhooks (8 topics), signed | ${n(sum(fs.signed?.cases, fs.edgeCases?.cases))} | ${statuses(fs.signed?.statuses)}; edge: ${statuses(fs.edgeCases?.statuses)} | ${statuses(fs.knownFailures)} |`,
  );
  p(
    `| Shopify webhooks, invalid HMAC | ${n(fs.invalidHmac?.cases)} | ${statuses(fs.invalidHmac?.statuses)} | |`,
  );
  p(
    `| Admin actions (settings, inbox thread, assistant) | ${n(fa.actions?.cases)} | ${statuses(fa.actions?.statuses)} | ${statuses(fa.knownFailures)} |`,
  );
  p(
    `| Admin loaders (inbox, thread, feedback, media, analytics) | ${n(fa.loaders?.cases)} | ${statuses(fa.loaders?.statuses)} | |`,
  );
  p(
    `| Admin without a valid session token | ${n(fa.unauthenticated?.cases)} | ${statuses(fa.unauthenticated?.statuses)} | |`,
  );
  p();
  if (fw.storedEventsAfterProcessing)
    p(
      `Accepted WhatsApp fuzz events, run through the inbox worker: ${statuses(fw.storedEventsAfterProcessing)}.`,
    );
  if (f["fuzz.whatsapp.huge"])
    p(
      `12,000 messages in one delivery: ${f["fuzz.whatsapp.huge"].status}, ${n(f["fuzz.whatsapp.huge"].stored)} stored (known failure \`intake-bind-parameter-limit\`).`,
    );
  p();

  p(`## 4. Tenant isolation`);
  p();
  p(
    `Two shops with overlapping data (the same shopper phone, order id, draft order id, template name). Every export of app/adapters/db/*.server.ts is enumerated at run time and must have an entry in the table of tests/resilience/isolation.test.ts (a new model function without one fails the test): reads give shop A the same answer with and without shop B (B is deleted by shop/redact in between, which must leave no row of B), writes — with A's ids and with B's ids passed as A — leave every row of B unchanged (md5 of B's rows in every table with a \`shop\` column). Every route of app/routes is listed too. ${n(iso.modelFunctions)} model functions, ${n(iso.routes)} routes, ${n(iso.checks)} checks, ${n(iso.flows)} flows (admin routes with B's ids → 404; a WhatsApp webhook to A's number with B's shopper; 8 Shopify topics for A with B's order and customer; the same order in both shops → one confirmation each).`,
  );
  if (f["isolation.whatsapp-signature"])
    p(
      `A delivery naming shop A's number, signed with shop B's app secret: answered ${f["isolation.whatsapp-signature"].status}, **${f["isolation.whatsapp-signature"].eventsStoredForShopA} event(s) stored for shop A** (known failure \`intake-cross-tenant-signature\`).`,
    );
  p();

  p(`## 5. Abuse`);
  p();
  for (const key of ["flood.memory", "flood.redis"]) {
    const a = abuse[key];
    if (!a) continue;
    p(
      `**${a.messages} messages in ${n(a.floodMs)} ms from one shopper (${key.split(".")[1]} cache)**: ${n(a.recorded)} recorded (events ${statuses(a.events)}), ${n(a.botTurnsAnswered)} answered by the bot (bound: burst + refill = ${n(a.boundTurns)}), ${n(a.notices)} notice, ${n(a.repliesToFlooder)} replies in all; the other shoppers answered in the first batch: ${a.otherShoppersAnsweredInFirstBatch}.`,
    );
  }
  if (abuse.broadcast) {
    const b = abuse.broadcast;
    p(
      `**Merchant broadcast** (${n(b.total)} replies, number at ${b.rate}/s): max ${b.maxPerSecondSliding} in any second, ${b.maxPer5s} in any 5 s, ${b.average}/s on average, ${b.toOneShopperMaxPerSecond}/s at most to one shopper — never above the number's rate in any sliding second (fixed \`outbox-rate-burst\`).`,
    );
  }
  if (abuse.boundedState) {
    const s = abuse.boundedState;
    p(
      `**Long session** (${n(s.messages)} messages, taps and hostile texts up to 60,000 characters): conversation state at most ${n(s.stateBytesMax)} bytes of JSON (bound 32 KB), ${n(s.cartLines)} cart line(s) at the end; the inbox text of a message at most ${n(s.longestStoredInboundTextChars)} characters.`,
    );
  }
  p();

  p(`## 6. Secrets and headers`);
  p();
  const sec = f.secrets ?? {};
  p(
    `Logs at level trace (and the console) while connecting a number, testing it, syncing templates, webhooks and sends (incl. a refused token), AI settings and a preview, Shopify webhooks, admin requests and a token exchange: ${n(sec.logLines)} log lines + ${n(sec.consoleLines)} console lines, ${n(sec.secretsChecked)} secrets looked for (access tokens, app secret, LLM key, offline token, Shopify API secret, encryption key, every session token and its signature): **${sec.leaks?.length ? `LEAKED: ${sec.leaks.join(", ")}` : "none found"}**.`,
  );
  const h = f.headers ?? {};
  if (h.embedded) {
    p();
    p(
      `Built app: the embedded document \`/app?shop=…&embedded=1&id_token=…\` → ${h.embedded.status}, \`Content-Security-Policy: ${h.embedded.csp}\`. ${["/", "/simulator", "/auth/login"].map((x) => `\`${x}\` → ${h[`page ${x}`]?.status}, \`${h[`page ${x}`]?.csp}\`, X-Frame-Options ${h[`page ${x}`]?.xfo}`).join("; ")}. The demo with NODE_ENV=production: exit ${h.demoInProduction?.exitCode}, "${h.demoInProduction?.message}".`,
    );
  }
  p();

  p(`## Known failures — in files this work may not change`);
  p();
  p(
    `Each is reproduced by a test declared with \`knownFailure(id, …)\` (tests/resilience/support/known.ts): it runs as \`it.fails\`, so CI stays green until the fix lands and then turns red (remove the entry). \`RES_STRICT=1\` runs them as plain tests.`,
  );
  p();
  for (const k of KNOWN_FAILURES) {
    p(`### \`${k.id}\` — ${k.files.join(", ")}`);
    p();
    p(
      `**What happens.** ${k.what}${knownSeen[k.id] ? ` (hit ${knownSeen[k.id]} times by the fuzzers in this run)` : ""}`,
    );
    p();
    p(`**Proposed fix.** ${k.fix}`);
    p();
  }
  p(`## Found by this suite and fixed in the lead's files during this work`);
  p();
  p(`Their reproductions are plain regression tests now (\`fixed (<id>): …\` in the test names).`);
  p();
  for (const k of RESOLVED)
    p(`- \`${k.id}\` (${k.files.join(", ")}): ${k.what} — *Fix:* ${k.fixed ?? k.fix}`);
  p();
  p(`## Fixed by this work (files it owns or may edit)`);
  p();
  for (const x of FIXES) p(`- \`${x.file}\`: ${x.what}`);
  p();
  p(`## How to run`);
  p();
  p(
    "- CI (bounded, ≈ 3–5 min on 2 cores, needs PostgreSQL on 127.0.0.1:5432 and Redis on 6379; uses build/, `npm run build` first if it is missing): `npm run test:resilience` (`vitest run --config tests/resilience/vitest.config.ts`), report in `$TMPDIR/hala-resilience-ci.md`.",
  );
  p(
    "- Long run (a private build of the sources, ≥ 20 kills, ≥ 100,000 hostile requests, longer outages, unbounded Graph faults): `npm run bench:resilience` (`tsx bench/resilience/soak.ts`), writes this file (re-render from the JSON: `npx tsx bench/resilience/render.ts`).",
  );
  p();
  return out.join("\n") + "\n";
}

export function writeReport(file: string, figures: Record<string, Figures>, meta: ReportMeta): void {
  writeFileSync(file, renderReport(figures, meta));
  writeFileSync(
    file.replace(/\.md$/, "") + ".json",
    JSON.stringify({ meta: { ...meta, at: new Date().toISOString() }, figures }, null, 2),
  );
}

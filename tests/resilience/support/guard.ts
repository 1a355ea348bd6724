/**
 * Every resilience test fails on an unhandled rejection or an uncaught exception that happened while it
 * ran (the app must never leave a promise rejection unhandled, whatever the input). Registered in every
 * test file of the suite (setupFiles).
 */
import { afterEach, beforeEach, expect } from "vitest";

const seen: { kind: string; error: unknown }[] = [];
const onRejection = (error: unknown) => seen.push({ kind: "unhandledRejection", error });
const onException = (error: unknown) => seen.push({ kind: "uncaughtException", error });

const g = globalThis as unknown as { __halaResGuard?: boolean };
if (!g.__halaResGuard) {
  g.__halaResGuard = true;
  process.on("unhandledRejection", onRejection);
  process.on("uncaughtException", onException);
  // The Shopify library logs every admin request at INFO on the console: thousands of lines in a fuzz run.
  for (const level of ["log", "info"] as const) {
    const original = console[level].bind(console);
    console[level] = (...args: unknown[]) => {
      if (
        typeof args[0] === "string" &&
        /^\[shopify-(app|api)\/INFO\]|^Error obtaining session table/.test(args[0])
      )
        return;
      original(...args);
    };
  }
}

beforeEach(() => {
  seen.length = 0;
});

afterEach(async () => {
  // Let rejections of the test's last promises surface.
  await new Promise((r) => setTimeout(r, 0));
  const found = seen.splice(0).map((s) => `${s.kind}: ${String((s.error as Error)?.stack ?? s.error)}`);
  expect(found, "unhandled rejections / uncaught exceptions during the test").toEqual([]);
});

export function unhandledSoFar(): number {
  return seen.length;
}

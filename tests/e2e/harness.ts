/**
 * A very small test runner for the browser tests (they are not vitest tests: they start the demo and a real
 * Chromium). `test(name, fn)` registers; `run()` runs them in order, each with a timeout, and prints
 * `N passed, N failed` last.
 */
export type TestFn = () => Promise<void>;

const tests: { name: string; fn: TestFn; timeoutMs: number }[] = [];
const befores: TestFn[] = [];
const afters: TestFn[] = [];

/** Runs once before the tests (a failure fails every test). */
export function beforeAll(fn: TestFn): void {
  befores.push(fn);
}

/** Runs once after the tests, even when they failed. */
export function afterAll(fn: TestFn): void {
  afters.push(fn);
}

export function test(name: string, fn: TestFn, timeoutMs = 120_000): void {
  tests.push({ name, fn, timeoutMs });
}

export class AssertionError extends Error {}

export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new AssertionError(message);
}

export async function run(options: { filter?: string } = {}): Promise<{ passed: number; failed: number }> {
  let passed = 0;
  let failed = 0;
  try {
    for (const fn of befores) await fn();
  } catch (error) {
    console.log(`✗ set-up failed: ${String((error as Error)?.stack ?? error)}`);
    for (const fn of afters) await fn().catch(() => undefined);
    return { passed: 0, failed: tests.length };
  }
  for (const t of tests) {
    if (options.filter && !t.name.includes(options.filter)) continue;
    const started = Date.now();
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      await Promise.race([
        t.fn(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`timed out after ${t.timeoutMs} ms`)), t.timeoutMs);
        }),
      ]);
      passed++;
      console.log(`✓ ${t.name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    } catch (error) {
      failed++;
      console.log(`✗ ${t.name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
      console.log(
        `  ${String((error as Error)?.stack ?? error)
          .split("\n")
          .join("\n  ")}`,
      );
    } finally {
      clearTimeout(timer);
    }
  }
  for (const fn of afters) await fn().catch((error) => console.log(`teardown: ${String(error)}`));
  return { passed, failed };
}

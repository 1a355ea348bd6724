import { afterEach, describe, expect, it, vi } from "vitest";
import { cache, setCache, type Cache } from "~/cache.server";
import { database, setDatabase, type Database } from "~/db.server";
import { warmUpHotPaths } from "~/services/warmup.server";

/** A stand-in whose every property access is recorded (and fails): the warm-up must touch none. */
function tripwire<T extends object>(name: string, touched: string[]): T {
  return new Proxy({} as T, {
    get(_target, key) {
      touched.push(`${name}.${String(key)}`);
      throw new Error(`warm-up touched ${name}.${String(key)}`);
    },
  });
}

describe("warmUpHotPaths", () => {
  const realDatabase = database();
  const realCache = cache();
  afterEach(() => {
    vi.restoreAllMocks();
    setDatabase(realDatabase);
    setCache(realCache);
  });

  it("runs the intake and the worker's turns on synthetic webhooks, with no database, cache or network", async () => {
    const touched: string[] = [];
    setDatabase(tripwire<Database>("database", touched));
    setCache(tripwire<Cache>("cache", touched));
    const fetchSpy = vi.spyOn(globalThis, "fetch");
    const report = await warmUpHotPaths({ intake: true, worker: true, rounds: 70 });
    expect(touched).toEqual([]);
    expect(fetchSpy).not.toHaveBeenCalled();
    expect(report.intake).toBe(70);
    // One webhook in 7 is a status (intake only); the other 60 are messages that each get a turn.
    expect(report.worker).toBe(60);
    // The engine answered them (a greeting gets at least the menu).
    expect(report.replies).toBeGreaterThanOrEqual(60);
  });

  it("runs only the intake for a web process without workers", async () => {
    const report = await warmUpHotPaths({ intake: true, worker: false, rounds: 14 });
    expect(report).toMatchObject({ intake: 14, worker: 0, replies: 0 });
  });
});

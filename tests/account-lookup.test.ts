/**
 * The webhook's account lookup by phone_number_id (app/adapters/db/accounts.server.ts): remembered for a few
 * seconds, and when an entry has expired, the concurrent webhooks of that shop share one query. A change made
 * here (a new app secret) is never undone by a lookup that read the row before it. The same for the sender's
 * lookup by account id (a new access token).
 */
import type { PrismaClient } from "@prisma/client";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  ACCOUNT_REFRESH_AHEAD_MS,
  findAccountsByPhoneNumberIds,
  forgetCachedAccounts,
  getAccountCredentials,
  upsertAccount,
} from "~/adapters/db/accounts.server";
import { database, setDatabase } from "~/db.server";
import { setupTestDatabase } from "./helpers/db";

setupTestDatabase();

const real = database();
afterEach(() => {
  setDatabase(real);
  vi.restoreAllMocks();
});

/** Moves Date.now (the cache's clock) `offsetMs` ahead of the real one from now on; time keeps running. */
function clockAhead(offsetMs: number): void {
  const realNow = Date.now.bind(Date);
  vi.spyOn(Date, "now").mockImplementation(() => realNow() + offsetMs);
}

/** Every account query of that kind waits until `open()`; counts them. */
function gatedLookups(method: "findMany" | "findFirst") {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const counter = wrapLookups(async (_call, run) => {
    await gate;
    return run();
  }, method);
  return { counter, open };
}

/**
 * An entry past the refresh-ahead age but within its life: `call` answers from it while the query is held, and one
 * query starts behind it. Later, past the first entry's life, the refreshed entry still answers without a query.
 */
async function expectRefreshedAhead(
  method: "findMany" | "findFirst",
  call: () => Promise<unknown>,
  expected: object,
): Promise<void> {
  const { counter, open } = gatedLookups(method);
  clockAhead(ACCOUNT_REFRESH_AHEAD_MS + 500);
  expect(await within(call())).toMatchObject(expected);
  await within(call());
  expect(counter.calls).toBe(1);
  open();
  await sleep(50);
  vi.restoreAllMocks();
  clockAhead(ACCOUNT_REFRESH_AHEAD_MS + 3_000);
  const gated = gatedLookups(method);
  expect(await within(call())).toMatchObject(expected);
  gated.open();
}

/** What `promise` resolves to, or "still waiting" if it has not within `ms`. */
const within = <T>(promise: Promise<T>, ms = 1_000) =>
  Promise.race([promise, sleep(ms).then(() => "still waiting" as const)]);

/**
 * Runs every account query of one kind through `around` (`run` is the real query); counts them. `findMany` is
 * the lookup by phone_number_id, `findFirst` the sender's by id.
 */
function wrapLookups<R>(
  around: (call: number, run: () => Promise<R>) => Promise<R>,
  method: "findMany" | "findFirst" = "findMany",
): { calls: number } {
  const counter = { calls: 0 };
  const accounts = real.prisma.whatsAppAccount;
  const wrapped = new Proxy(accounts, {
    get: (target, property, receiver) =>
      property === method
        ? (...args: unknown[]) =>
            around(++counter.calls, () => (target[method] as (...a: unknown[]) => Promise<R>)(...args))
        : Reflect.get(target, property, receiver),
  });
  const prisma = new Proxy(real.prisma, {
    get: (target, property, receiver) =>
      property === "whatsAppAccount" ? wrapped : Reflect.get(target, property, receiver),
  }) as PrismaClient;
  setDatabase({ ...real, prisma });
  return counter;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every account query of that kind fails, 20 ms late, until `heal()`. */
function failingLookups(method: "findMany" | "findFirst") {
  let fail = true;
  wrapLookups(async (_call, run) => {
    await sleep(20);
    if (fail) throw new Error("database unavailable");
    return run();
  }, method);
  return { heal: () => (fail = false) };
}

/** Counts the account queries; the first one's rows come back `holdFirstMs` late. */
const countLookups = (holdFirstMs: number) =>
  wrapLookups(async (call, run) => {
    const rows = await run();
    if (call === 1) await sleep(holdFirstMs);
    return rows;
  });

const account = (phoneNumberId: string, appSecret: string) => ({
  phoneNumberId,
  wabaId: "waba-1",
  accessToken: "EAAG-token",
  appSecret,
  verifyToken: `verify-${phoneNumberId}`,
});

describe("the account lookup by phone_number_id", () => {
  it("concurrent webhooks share one query; a call for two ids joins the lookup in flight and asks for the other", async () => {
    await upsertAccount("one.myshopify.com", account("1001", "secret-one"));
    await upsertAccount("two.myshopify.com", account("1002", "secret-two"));
    forgetCachedAccounts();
    const counter = countLookups(100);

    const first = findAccountsByPhoneNumberIds(["1001"]);
    const same = Array.from({ length: 9 }, () => findAccountsByPhoneNumberIds(["1001"]));
    const both = findAccountsByPhoneNumberIds(["1001", "1002"]);
    const results = await Promise.all([first, ...same]);
    expect(counter.calls).toBe(2);
    for (const found of results)
      expect(found.map((a) => [a.shop, a.appSecret])).toEqual([["one.myshopify.com", "secret-one"]]);
    expect((await both).map((a) => a.shop)).toEqual(["one.myshopify.com", "two.myshopify.com"]);

    // Remembered now; an unknown number is looked up each time (it may be connected on another instance).
    expect((await findAccountsByPhoneNumberIds(["1001", "1002"])).length).toBe(2);
    expect(counter.calls).toBe(2);
    expect(await findAccountsByPhoneNumberIds(["9999"])).toEqual([]);
    expect(await findAccountsByPhoneNumberIds(["9999"])).toEqual([]);
    expect(counter.calls).toBe(4);
  });

  it("the numbers of many shops asked for while a lookup is in flight go together in one query", async () => {
    const ids = Array.from({ length: 20 }, (_, i) => String(2000 + i));
    for (const id of ids) await upsertAccount(`shop-${id}.myshopify.com`, account(id, `secret-${id}`));
    forgetCachedAccounts();
    const counter = countLookups(100);
    // A fresh instance's first burst: one webhook per shop, each a call of its own.
    const found = await Promise.all(ids.map((id) => findAccountsByPhoneNumberIds([id])));
    // The first goes alone; the 19 that came while it was in flight share the next query.
    expect(counter.calls).toBe(2);
    expect(found.map(([a]) => a.appSecret)).toEqual(ids.map((id) => `secret-${id}`));
  });

  it("an entry in use is refreshed before it expires: calls go on with it and never wait for the query", async () => {
    await upsertAccount("one.myshopify.com", account("1001", "secret-one"));
    forgetCachedAccounts();
    await findAccountsByPhoneNumberIds(["1001"]);
    await expectRefreshedAhead("findMany", () => findAccountsByPhoneNumberIds(["1001"]), [
      { appSecret: "secret-one" },
    ]);
  });

  it("an entry left unused past its life is looked up again before the call goes on", async () => {
    await upsertAccount("one.myshopify.com", account("1001", "secret-one"));
    forgetCachedAccounts();
    await findAccountsByPhoneNumberIds(["1001"]);
    const { counter, open } = gatedLookups("findMany");
    clockAhead(6_000);
    expect(await within(findAccountsByPhoneNumberIds(["1001"]), 200)).toBe("still waiting");
    open();
    await sleep(50);
    expect(counter.calls).toBe(1);
  });

  it("a remembered account's secrets are opened once, not for every webhook; a new secret is opened anew", async () => {
    await upsertAccount("one.myshopify.com", account("1001", "secret-one"));
    forgetCachedAccounts();
    const [first] = await findAccountsByPhoneNumberIds(["1001"]);
    const [again] = await findAccountsByPhoneNumberIds(["1001"]);
    // The same opened credentials (shared, so frozen), from the same remembered row.
    expect(again).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(first.appSecret).toBe("secret-one");

    await upsertAccount("one.myshopify.com", account("1001", "secret-two"));
    const [changed] = await findAccountsByPhoneNumberIds(["1001"]);
    expect(changed).not.toBe(first);
    expect(changed.appSecret).toBe("secret-two");
  });

  it("a change made while a lookup is in flight: later calls look up again, and the old rows are not kept", async () => {
    await upsertAccount("one.myshopify.com", account("1001", "old-secret"));
    forgetCachedAccounts();
    const counter = countLookups(150);

    // This lookup reads the row now and returns it 150 ms later, after the change below.
    const before = findAccountsByPhoneNumberIds(["1001"]);
    await sleep(30);
    await upsertAccount("one.myshopify.com", account("1001", "new-secret"));
    const after = await findAccountsByPhoneNumberIds(["1001"]);
    expect(after.map((a) => a.appSecret)).toEqual(["new-secret"]);
    expect((await before).map((a) => a.appSecret)).toEqual(["old-secret"]);

    // What is remembered is the new secret, not the late rows of the first lookup.
    const calls = counter.calls;
    expect((await findAccountsByPhoneNumberIds(["1001"])).map((a) => a.appSecret)).toEqual(["new-secret"]);
    expect(counter.calls).toBe(calls);
  });

  it("a failed lookup fails every call waiting on it, and the next call looks up again", async () => {
    await upsertAccount("one.myshopify.com", account("1001", "secret-one"));
    forgetCachedAccounts();
    const lookups = failingLookups("findMany");

    const waiting = [findAccountsByPhoneNumberIds(["1001"]), findAccountsByPhoneNumberIds(["1001"])];
    for (const call of waiting) await expect(call).rejects.toThrow("database unavailable");
    lookups.heal();
    expect((await findAccountsByPhoneNumberIds(["1001"])).map((a) => a.shop)).toEqual(["one.myshopify.com"]);
  });
});

describe("the sender's account lookup by id", () => {
  it("concurrent sends share one query, and another shop's id finds nothing from the shared lookup", async () => {
    const saved = await upsertAccount("one.myshopify.com", account("1001", "secret-one"));
    forgetCachedAccounts();
    const counter = wrapLookups(async (_call, run) => {
      const row = await run();
      await sleep(50);
      return row;
    }, "findFirst");
    const results = await Promise.all([
      ...Array.from({ length: 8 }, () => getAccountCredentials("one.myshopify.com", saved.id)),
      getAccountCredentials("two.myshopify.com", saved.id),
    ]);
    expect(counter.calls).toBe(1);
    expect(results.slice(0, 8).map((c) => c?.accessToken)).toEqual(Array(8).fill("EAAG-token"));
    expect(results[8]).toBeNull();
    // Remembered now.
    expect((await getAccountCredentials("one.myshopify.com", saved.id))?.shop).toBe("one.myshopify.com");
    expect(counter.calls).toBe(1);
  });

  it("an entry in use is refreshed before it expires: sends go on with it and never wait for the query", async () => {
    const saved = await upsertAccount("one.myshopify.com", account("1001", "secret-one"));
    forgetCachedAccounts();
    await getAccountCredentials("one.myshopify.com", saved.id);
    await expectRefreshedAhead("findFirst", () => getAccountCredentials("one.myshopify.com", saved.id), {
      accessToken: "EAAG-token",
    });
  });

  it("a new access token saved while a lookup is in flight is what later sends use, not the late old row", async () => {
    const saved = await upsertAccount("one.myshopify.com", {
      ...account("1001", "s"),
      accessToken: "old-token",
    });
    forgetCachedAccounts();
    const counter = wrapLookups(async (call, run) => {
      const row = await run();
      if (call === 1) await sleep(150);
      return row;
    }, "findFirst");

    // This lookup reads the row now and returns it 150 ms later, after the token changed.
    const before = getAccountCredentials("one.myshopify.com", saved.id);
    await sleep(30);
    await upsertAccount("one.myshopify.com", { ...account("1001", "s"), accessToken: "new-token" });
    expect((await getAccountCredentials("one.myshopify.com", saved.id))?.accessToken).toBe("new-token");
    expect((await before)?.accessToken).toBe("old-token");

    const calls = counter.calls;
    expect((await getAccountCredentials("one.myshopify.com", saved.id))?.accessToken).toBe("new-token");
    expect(counter.calls).toBe(calls);
  });

  it("a failed lookup fails the sends waiting on it, and the next send looks up again", async () => {
    const saved = await upsertAccount("one.myshopify.com", account("1001", "secret-one"));
    forgetCachedAccounts();
    const lookups = failingLookups("findFirst");
    const waiting = [
      getAccountCredentials("one.myshopify.com", saved.id),
      getAccountCredentials("one.myshopify.com", saved.id),
    ];
    for (const call of waiting) await expect(call).rejects.toThrow("database unavailable");
    lookups.heal();
    expect((await getAccountCredentials("one.myshopify.com", saved.id))?.shop).toBe("one.myshopify.com");
  });
});

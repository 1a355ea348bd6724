import type { WhatsAppAccount } from "@prisma/client";
import { openSecret, sealSecret } from "~/adapters/crypto/keyring.server";
import { db } from "~/db.server";
import { groupCommit } from "./group-commit";

/** A WhatsApp account with its secrets opened, for the code that calls the Graph API or checks signatures. */
export interface AccountCredentials {
  id: string;
  shop: string;
  phoneNumberId: string;
  wabaId: string;
  accessToken: string;
  appSecret: string | null;
  messagesPerSecond: number;
}

/**
 * Opened once per row object: the cached rows below are the same object for every webhook and send until they
 * are looked up again, so their secrets are decrypted once per lookup, not once per webhook: two AES-GCM opens
 * took 11 µs, about a tenth of the intake's CPU per webhook on the same machine (0.113 ms in bench:webhook's
 * intake-alone run, session 27). The opened values live as long as the row they came from (at most
 * ACCOUNT_CACHE_MS in the cache); frozen, since callers share them.
 */
const opened = new WeakMap<WhatsAppAccount, AccountCredentials>();

export function credentialsOf(account: WhatsAppAccount): AccountCredentials {
  let credentials = opened.get(account);
  if (!credentials) {
    credentials = Object.freeze({
      id: account.id,
      shop: account.shop,
      phoneNumberId: account.phoneNumberId,
      wabaId: account.wabaId,
      accessToken: openSecret(account.accessTokenEnc),
      appSecret: account.appSecretEnc ? openSecret(account.appSecretEnc) : null,
      messagesPerSecond: account.messagesPerSecond,
    });
    opened.set(account, credentials);
  }
  return credentials;
}

/**
 * Accounts by phone_number_id, remembered for a few seconds by this process: the webhook hot path asks for
 * them on every delivery. The rows are kept as read (sealed); a change made on another instance (new secret,
 * deleted account) is seen within ACCOUNT_CACHE_MS, a change made here at once (see `forgetAccount`).
 */
const ACCOUNT_CACHE_MS = 5_000;
/**
 * An entry used when it is older than this is looked up again in the background (refresh ahead) while the call
 * goes on with it: a shop that keeps sending never waits for its entry to expire. One that was quiet for longer
 * than ACCOUNT_CACHE_MS waits for the query, as before.
 */
export const ACCOUNT_REFRESH_AHEAD_MS = 3_500;
const accountCache = new Map<string, { row: WhatsAppAccount; at: number }>();

const accountByIdCache = new Map<string, { row: WhatsAppAccount; at: number }>();
/**
 * Lookups in flight by account id: when an account's entry expires, the outbox's lanes (each sending a batch
 * of that account's replies) and media downloads share one query.
 */
const accountByIdLookups = new Map<string, Promise<WhatsAppAccount | null>>();

/**
 * Lookups in flight, by phone_number_id: when a shop's entry expires, its concurrent webhooks share one query
 * (a run at 250 webhooks/s for 50 shops made 437 lookups in 20 s, one per webhook that found the entry expired).
 */
const accountLookups = new Map<string, Promise<Map<string, WhatsAppAccount>>>();
/** Bumped by every change made here: a lookup that started before it returns its rows but does not keep them. */
let accountGeneration = 0;

function forgetAccount(phoneNumberId?: string): void {
  // Lookups in flight may hold the row before the change: the next calls start their own.
  accountGeneration++;
  accountLookups.clear();
  accountByIdLookups.clear();
  if (phoneNumberId) accountCache.delete(phoneNumberId);
  else accountCache.clear();
  // Few entries, and ids are not phone numbers: forget them all.
  accountByIdCache.clear();
}

/**
 * Resolving the store of a webhook: the accounts that own these phone_number_ids (any shop — this is the
 * one lookup that starts from Meta's id rather than a shop). Returns opened credentials.
 */
export async function findAccountsByPhoneNumberIds(phoneNumberIds: string[]): Promise<AccountCredentials[]> {
  if (phoneNumberIds.length === 0) return [];
  const now = Date.now();
  const rows = new Map<string, WhatsAppAccount | undefined>();
  const lookups = new Map<string, Promise<Map<string, WhatsAppAccount>>>();
  const missing: string[] = [];
  const refresh: string[] = [];
  for (const id of phoneNumberIds) {
    const hit = accountCache.get(id);
    if (hit && now - hit.at <= ACCOUNT_CACHE_MS) {
      rows.set(id, hit.row);
      if (now - hit.at > ACCOUNT_REFRESH_AHEAD_MS && !accountLookups.has(id)) refresh.push(id);
    } else if (accountLookups.has(id)) lookups.set(id, accountLookups.get(id)!);
    else missing.push(id);
  }
  // Nobody waits for a refresh; a failed one leaves the entry to expire (the next call then looks it up).
  if (refresh.length) lookUpAccounts(refresh).catch(() => undefined);
  if (missing.length) {
    const lookup = lookUpAccounts(missing);
    for (const id of missing) lookups.set(id, lookup);
  }
  // All awaited together: a failed lookup fails this call, and no other is left with a rejection unhandled.
  const looked = await Promise.all(
    [...lookups].map(async ([id, lookup]) => [id, (await lookup).get(id)] as const),
  );
  for (const [id, row] of looked) rows.set(id, row);
  return phoneNumberIds
    .map((id) => rows.get(id))
    .filter((row): row is WhatsAppAccount => !!row)
    .map(credentialsOf);
}

function lookUpAccounts(phoneNumberIds: string[]): Promise<Map<string, WhatsAppAccount>> {
  const lookup = queryAccountsGrouped(phoneNumberIds).finally(() => {
    for (const id of phoneNumberIds) if (accountLookups.get(id) === lookup) accountLookups.delete(id);
  });
  for (const id of phoneNumberIds) accountLookups.set(id, lookup);
  return lookup;
}

/**
 * The lookups of different shops' numbers share queries: while one is in flight, the numbers asked for meanwhile
 * wait and then go together (./group-commit.ts), so a fresh instance's first burst of webhooks from 50 shops makes
 * a few queries, not 50. Each caller gets the rows of its whole batch. A failure concerns the whole batch
 * (the database is away): every caller of it gets the error.
 */
const queryAccountsGrouped = groupCommit<string[], Map<string, WhatsAppAccount>>({
  concurrency: 1,
  maxBatch: 500,
  size: (ids) => ids.length,
  run: async (calls) => {
    const rows = await queryAccounts([...new Set(calls.flat())]);
    return calls.map(() => rows);
  },
  retryAlone: () => false,
});

async function queryAccounts(phoneNumberIds: string[]): Promise<Map<string, WhatsAppAccount>> {
  const generation = accountGeneration;
  const found = new Map(
    (await db().whatsAppAccount.findMany({ where: { phoneNumberId: { in: phoneNumberIds } } })).map((r) => [
      r.phoneNumberId,
      r,
    ]),
  );
  if (generation === accountGeneration) {
    if (accountCache.size > 10_000) accountCache.clear();
    const at = Date.now();
    // Only accounts that exist are remembered: a number connected on another instance is found at once.
    for (const id of phoneNumberIds) {
      const row = found.get(id);
      if (row) accountCache.set(id, { row, at });
      else accountCache.delete(id);
    }
  }
  return found;
}

export async function getAccountForShop(shop: string): Promise<WhatsAppAccount | null> {
  return db().whatsAppAccount.findFirst({ where: { shop }, orderBy: { createdAt: "asc" } });
}

/**
 * The account a reply goes out through. Remembered like the phone_number_id lookup (the sender asks for every
 * batch of replies): the rows as read, ACCOUNT_CACHE_MS, forgotten at once when changed here.
 */
export async function getAccountCredentials(
  shop: string,
  accountId: string,
): Promise<AccountCredentials | null> {
  const hit = accountByIdCache.get(accountId);
  const age = hit ? Date.now() - hit.at : Infinity;
  let row: WhatsAppAccount | null;
  if (hit && age <= ACCOUNT_CACHE_MS) {
    row = hit.row;
    // Refresh ahead, as for the webhooks' lookup: a number that keeps sending never waits for its entry.
    if (age > ACCOUNT_REFRESH_AHEAD_MS && !accountByIdLookups.has(accountId))
      lookUpAccountById(accountId).catch(() => undefined);
  } else row = await (accountByIdLookups.get(accountId) ?? lookUpAccountById(accountId));
  // Scoped by shop: another shop's account id finds nothing, cached or not.
  return row && row.shop === shop ? credentialsOf(row) : null;
}

function lookUpAccountById(accountId: string): Promise<WhatsAppAccount | null> {
  const lookup = queryAccountById(accountId).finally(() => {
    if (accountByIdLookups.get(accountId) === lookup) accountByIdLookups.delete(accountId);
  });
  accountByIdLookups.set(accountId, lookup);
  return lookup;
}

async function queryAccountById(accountId: string): Promise<WhatsAppAccount | null> {
  const generation = accountGeneration;
  const row = await db().whatsAppAccount.findFirst({ where: { id: accountId } });
  // A change made here while the query ran (a new access token): the row is returned, not remembered.
  if (generation === accountGeneration) {
    if (accountByIdCache.size > 10_000) accountByIdCache.clear();
    if (row) accountByIdCache.set(accountId, { row, at: Date.now() });
    else accountByIdCache.delete(accountId);
  }
  return row;
}

/** Verify-token lookup for Meta's GET handshake (tokens are random and unique across shops). */
export async function accountExistsWithVerifyToken(verifyToken: string): Promise<boolean> {
  if (!verifyToken) return false;
  return (await db().whatsAppAccount.count({ where: { verifyToken } })) > 0;
}

export interface AccountInput {
  phoneNumberId: string;
  wabaId: string;
  /** Omitted on update = keep the stored secret (secrets are write-only in the admin). */
  accessToken?: string;
  appSecret?: string | null;
  verifyToken: string;
  messagesPerSecond?: number;
  displayPhoneNumber?: string | null;
}

export async function upsertAccount(shop: string, input: AccountInput): Promise<WhatsAppAccount> {
  const existing = await db().whatsAppAccount.findFirst({ where: { shop } });
  const secrets = {
    ...(input.accessToken ? { accessTokenEnc: sealSecret(input.accessToken) } : {}),
    ...(input.appSecret ? { appSecretEnc: sealSecret(input.appSecret) } : {}),
  };
  const fields = {
    phoneNumberId: input.phoneNumberId,
    wabaId: input.wabaId,
    verifyToken: input.verifyToken,
    ...(input.messagesPerSecond ? { messagesPerSecond: input.messagesPerSecond } : {}),
    ...(input.displayPhoneNumber !== undefined ? { displayPhoneNumber: input.displayPhoneNumber } : {}),
  };
  if (!existing && !input.accessToken) throw new Error("an access token is required to connect a number");
  const saved = existing
    ? await db().whatsAppAccount.update({ where: { id: existing.id, shop }, data: { ...fields, ...secrets } })
    : await db().whatsAppAccount.create({
        data: { shop, ...fields, accessTokenEnc: sealSecret(input.accessToken!), ...secrets },
      });
  // Forgotten once written: a lookup in flight (it may have read the old row) no longer fills the cache.
  forgetAccount(existing?.phoneNumberId);
  forgetAccount(input.phoneNumberId);
  return saved;
}

/** Tests and admin actions that change accounts directly. */
export function forgetCachedAccounts(): void {
  forgetAccount();
}

export async function updateAccountProfile(
  shop: string,
  accountId: string,
  data: { displayName?: string | null; qualityRating?: string | null; displayPhoneNumber?: string | null },
): Promise<void> {
  await db().whatsAppAccount.updateMany({ where: { shop, id: accountId }, data });
}

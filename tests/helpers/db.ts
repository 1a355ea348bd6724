import { beforeAll, beforeEach } from "vitest";
import { migrate } from "~/adapters/db/migrate.server";
import { database } from "~/db.server";
import { forgetCachedAccounts } from "~/adapters/db/accounts.server";
import { cache } from "~/cache.server";

/**
 * Migrates once per file and empties every table before each test. The cache is emptied once per file: on Redis
 * it outlives the run, and a second run within a minute found the first one's token buckets (the inbound
 * throttle's for the same shoppers) and throttled.
 */
export function setupTestDatabase(): void {
  beforeAll(async () => {
    await migrate(database().raw);
    await cache().delPrefix("");
  });
  beforeEach(async () => {
    await truncateAll();
  });
}

export async function truncateAll(): Promise<void> {
  forgetCachedAccounts();
  const { raw } = database();
  const tables = await raw.query<{ tablename: string }>(
    `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_hala_migrations'`,
  );
  if (tables.length) {
    await raw.exec(`TRUNCATE ${tables.map((t) => `"${t.tablename}"`).join(", ")} RESTART IDENTITY CASCADE`);
  }
}

import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { RawDb } from "~/db.server";

/**
 * Applies prisma/migrations/<name>/migration.sql in name order, each in its own transaction, and records
 * it in `_hala_migrations` so that a second run applies nothing. Works the same on PostgreSQL and PGlite;
 * concurrent starts of several instances serialise on an advisory lock.
 * (`prisma migrate deploy` through driver adapters is unreliable: docs/decisions/003-prisma-engineless.md.)
 */
const MIGRATION_LOCK_ID = 0x68616c61; // "hala"

export interface MigrationResult {
  applied: string[];
  skipped: string[];
}

export async function listMigrations(
  dir: string,
): Promise<{ name: string; sql: string; checksum: string }[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    }),
  );
}

export async function migrate(raw: RawDb, dir = path.resolve("prisma/migrations")): Promise<MigrationResult> {
  const migrations = await listMigrations(dir);
  return raw.withLock(MIGRATION_LOCK_ID, async () => {
    await raw.exec(`CREATE TABLE IF NOT EXISTS "_hala_migrations" (
      "name" TEXT PRIMARY KEY,
      "checksum" TEXT NOT NULL,
      "applied_at" TIMESTAMPTZ NOT NULL DEFAULT now()
    )`);
    const done = new Map(
      (
        await raw.query<{ name: string; checksum: string }>(`SELECT name, checksum FROM "_hala_migrations"`)
      ).map((r) => [r.name, r.checksum]),
    );
    const result: MigrationResult = { applied: [], skipped: [] };
    for (const m of migrations) {
      const previous = done.get(m.name);
      if (previous !== undefined) {
        if (previous !== m.checksum) {
          throw new Error(`migration ${m.name} was changed after it was applied (checksum differs)`);
        }
        result.skipped.push(m.name);
        continue;
      }
      const escapedName = m.name.replace(/'/g, "''");
      await raw.exec(
        `BEGIN;\n${m.sql}\n;INSERT INTO "_hala_migrations" (name, checksum) VALUES ('${escapedName}', '${m.checksum}');\nCOMMIT;`,
      );
      result.applied.push(m.name);
    }
    return result;
  });
}

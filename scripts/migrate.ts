/** `npm run db:migrate`: applies pending migrations to DATABASE_URL, or to the embedded PGlite database. */
import { createDatabase } from "../app/db.server";
import { migrate } from "../app/adapters/db/migrate.server";

const database = createDatabase({
  databaseUrl: process.env.DATABASE_URL || undefined,
  pgliteDataDir: process.env.PGLITE_DATA_DIR || "./data/pglite",
});
try {
  const result = await migrate(database.raw);
  console.log(
    JSON.stringify({
      msg: "migrations",
      backend: database.raw.kind,
      applied: result.applied,
      skipped: result.skipped.length,
    }),
  );
} finally {
  await database.close();
}

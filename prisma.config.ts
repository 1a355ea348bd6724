// Prisma CLI configuration. Engine binaries cannot be downloaded here, so the CLI runs its
// JavaScript schema engine through a driver adapter (see docs/decisions/003-prisma-engineless.md).
// The CLI is only used for `prisma generate` and `prisma migrate diff --script`; migrations are
// applied by the app's own step (scripts/migrate.ts → app/adapters/db/migrate.server.ts).
import { defineConfig } from "prisma/config";

// `env("DATABASE_URL")` must resolve even where no database is configured; the value is not used
// to connect when the adapter below is an in-memory PGlite.
process.env.DATABASE_URL ??= "postgresql://unused@localhost/unused";

export default defineConfig({
  schema: "prisma/schema.prisma",
  experimental: { adapter: true },
  engine: "js",
  async adapter() {
    const { PGlite } = await import("@electric-sql/pglite");
    const { PrismaPGlite } = await import("pglite-prisma-adapter");
    return new PrismaPGlite(new PGlite());
  },
});

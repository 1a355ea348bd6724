/**
 * Writes a new migration: the SQL that takes the schema of the last migration to prisma/schema.prisma.
 *   npm run db:diff -- <name>
 * Each migration folder keeps the schema it was generated from (schema.prisma), so the next diff is
 * schema → schema and needs no database (docs/decisions/003-prisma-engineless.md).
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { migrationHazards } from "./migration-policy";

const name = (process.argv[2] ?? "").replace(/[^a-z0-9_]/gi, "_").toLowerCase();
if (!name) {
  console.error("usage: npm run db:diff -- <migration_name>");
  process.exit(2);
}
const dir = path.resolve("prisma/migrations");
mkdirSync(dir, { recursive: true });
const previous = readdirSync(dir, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort()
  .at(-1);
const from = previous
  ? ["--from-schema-datamodel", path.join(dir, previous, "schema.prisma")]
  : ["--from-empty"];
const sql = execFileSync(
  "npx",
  ["prisma", "migrate", "diff", ...from, "--to-schema-datamodel", "prisma/schema.prisma", "--script"],
  { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] },
);
if (!/\b(CREATE|ALTER|DROP)\b/.test(sql)) {
  console.log("No schema changes: nothing written.");
  process.exit(0);
}
const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
const target = path.join(dir, `${stamp}_${name}`);
if (existsSync(target)) throw new Error(`${target} exists`);
mkdirSync(target);
writeFileSync(path.join(target, "migration.sql"), sql);
copyFileSync("prisma/schema.prisma", path.join(target, "schema.prisma"));
console.log(`Wrote ${path.relative(process.cwd(), target)}/migration.sql`);
// A change the previous release cannot live with during a rolling deploy (docs/decisions/016-compatible-migrations.md).
const hazards = migrationHazards(sql);
if (hazards.length) {
  console.warn(
    "\nThis migration would break instances of the previous release still running during a deploy:",
  );
  for (const hazard of hazards) console.warn(`  - ${hazard.rule}: ${hazard.statement}`);
  console.warn(
    'Ship the code that stops using it first and contract in a later release, with a line "-- contract: <why>"\n' +
      "in that migration (tests/migration-policy.test.ts checks it).",
  );
}

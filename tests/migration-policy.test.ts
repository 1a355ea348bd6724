import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { contractReason, migrationHazards } from "../scripts/migration-policy";

/**
 * Every migration leaves the previous release working, or says why it may contract
 * (docs/decisions/016-compatible-migrations.md).
 */

const DIR = path.resolve("prisma/migrations");
const migrations = readdirSync(DIR, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => ({ name: e.name, sql: readFileSync(path.join(DIR, e.name, "migration.sql"), "utf8") }))
  .sort((a, b) => a.name.localeCompare(b.name));

/**
 * Applied before this rule existed; a migration cannot be edited once applied (its checksum is recorded,
 * app/adapters/db/migrate.server.ts).
 */
const BEFORE_THE_RULE: Record<string, string> = {
  "20261207174241_conversation_window":
    "dropped Contact.lastInboundAt in the same release that stopped using it: instances of the previous release " +
    "failed their turns until they were replaced (the incident this rule comes from)",
};

describe("the migrations", () => {
  it.each(migrations.map((m) => [m.name, m.sql]))("%s keeps the previous release working", (name, sql) => {
    const hazards = migrationHazards(sql);
    if (BEFORE_THE_RULE[name]) {
      // Still flagged: the exception is for what the rule catches, not a blanket pass.
      expect(hazards.length).toBeGreaterThan(0);
      return;
    }
    if (hazards.length && contractReason(sql)) return;
    expect(hazards, `${name}: split it into expand and contract, or add "-- contract: <why>"`).toEqual([]);
  });

  it("lists only migrations that exist", () => {
    const names = new Set(migrations.map((m) => m.name));
    for (const name of Object.keys(BEFORE_THE_RULE)) expect(names.has(name), name).toBe(true);
  });
});

describe("migrationHazards", () => {
  it.each([
    ['ALTER TABLE "Contact" DROP COLUMN "lastInboundAt";', "drops a column"],
    ['DROP TABLE "Feedback";', "drops a table"],
    ['ALTER TABLE "Contact" RENAME COLUMN "name" TO "displayName";', "renames a column"],
    ['ALTER TABLE "Contact" RENAME TO "Shopper";', "renames a table"],
    ['ALTER TABLE "Message" ALTER COLUMN "text" SET DATA TYPE VARCHAR(100);', "changes a column's type"],
    ['ALTER TABLE "Message" ALTER COLUMN "text" TYPE VARCHAR(100);', "changes a column's type"],
    ['ALTER TABLE "Message" ALTER COLUMN "text" SET NOT NULL;', "makes a column required"],
    ['ALTER TABLE "Message" ADD COLUMN "channel" TEXT NOT NULL;', "adds a required column without a default"],
    [
      'ALTER TABLE "Message" ADD COLUMN "a" TEXT, ADD COLUMN "channel" TEXT NOT NULL;',
      "adds a required column without a default",
    ],
    [
      'ALTER TABLE "Checkout" ADD COLUMN "total" DECIMAL(65,30) NOT NULL;',
      "adds a required column without a default",
    ],
  ])("flags %s", (sql, rule) => {
    expect(migrationHazards(sql).map((h) => h.rule)).toEqual([rule]);
  });

  it.each([
    'CREATE TABLE "X" ("id" TEXT NOT NULL, CONSTRAINT "X_pkey" PRIMARY KEY ("id"));',
    'ALTER TABLE "Message" ADD COLUMN "channel" TEXT;',
    `ALTER TABLE "Message" ADD COLUMN "channel" TEXT NOT NULL DEFAULT 'whatsapp';`,
    'ALTER TABLE "Checkout" ADD COLUMN "total" DECIMAL(65,30) NOT NULL DEFAULT 0, ADD COLUMN "note" TEXT;',
    'ALTER TABLE "Message" ALTER COLUMN "text" DROP NOT NULL;',
    'CREATE INDEX "Message_x_idx" ON "Message"("shop");',
    'DROP INDEX "Message_x_idx";',
    '-- ALTER TABLE "Contact" DROP COLUMN "name";\nSELECT 1;',
    '/* DROP TABLE "Feedback"; */ SELECT 1;',
  ])("lets %s pass", (sql) => {
    expect(migrationHazards(sql)).toEqual([]);
  });

  it("reads a contraction's reason", () => {
    expect(contractReason('-- contract: 1.4 stopped reading it\nALTER TABLE "C" DROP COLUMN "x";')).toBe(
      "1.4 stopped reading it",
    );
    expect(contractReason('ALTER TABLE "C" DROP COLUMN "x";')).toBeUndefined();
  });
});

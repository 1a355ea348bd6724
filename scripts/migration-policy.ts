/**
 * Migrations must leave the previous release working (docs/decisions/016-compatible-migrations.md): during a
 * rolling deploy the new release's first instance migrates the database while instances of the previous release
 * still serve webhooks and run workers on it. Prisma's client names every column it reads and writes, so a column
 * the old code knows that disappears, changes type or becomes required breaks those instances until they are
 * replaced, and what they were processing fails (retried, or lost to the merchant's view meanwhile).
 *
 * So a change that the old code cannot live with goes in two releases (expand, then contract): first the code
 * stops using the column, then a later migration drops it. The contracting migration says so with a line
 * `-- contract: <why the previous release no longer needs it>`. `migrationHazards` finds those changes;
 * tests/migration-policy.test.ts checks every migration, and `npm run db:diff` prints them when it writes one.
 */

export interface MigrationHazard {
  rule: string;
  statement: string;
}

const RULES: [RegExp, string][] = [
  [/\bDROP\s+TABLE\b/i, "drops a table"],
  [/\bDROP\s+COLUMN\b/i, "drops a column"],
  [/\bRENAME\s+COLUMN\b/i, "renames a column"],
  [/\bALTER\s+TABLE\b[^;]*\bRENAME\s+TO\b/i, "renames a table"],
  [/\bALTER\s+COLUMN\s+\S+\s+(?:SET\s+DATA\s+)?TYPE\b/i, "changes a column's type"],
  [/\bALTER\s+COLUMN\s+\S+\s+SET\s+NOT\s+NULL\b/i, "makes a column required"],
];

/** `ADD COLUMN … NOT NULL` without a DEFAULT: the previous release's inserts leave it out and fail. */
// One column's definition: up to the next comma outside parentheses (`DECIMAL(65,30)`).
const REQUIRED_WITHOUT_DEFAULT =
  /\bADD\s+COLUMN\s+(?:IF\s+NOT\s+EXISTS\s+)?"?\w+"?\s+(?:[^,;(]|\([^)]*\))*?\bNOT\s+NULL\b(?:[^,;(]|\([^)]*\))*/gi;

/** The SQL without its comments (`-- …` to the end of the line, and block comments). */
function withoutComments(sql: string): string {
  return sql.replace(/\/\*[\s\S]*?\*\//g, " ").replace(/--[^\n]*/g, " ");
}

/** The statements of `sql` (split on `;`; migrations here hold no functions or quoted semicolons). */
function statements(sql: string): string[] {
  return withoutComments(sql)
    .split(";")
    .map((s) => s.replace(/\s+/g, " ").trim())
    .filter(Boolean);
}

/** What in this migration would break the previous release, unless the migration is marked a contraction. */
export function migrationHazards(sql: string): MigrationHazard[] {
  const hazards: MigrationHazard[] = [];
  for (const statement of statements(sql)) {
    for (const [pattern, rule] of RULES) if (pattern.test(statement)) hazards.push({ rule, statement });
    for (const match of statement.matchAll(REQUIRED_WITHOUT_DEFAULT))
      if (!/\bDEFAULT\b/i.test(match[0]))
        hazards.push({ rule: "adds a required column without a default", statement });
  }
  return hazards;
}

/** The reason a migration gives for contracting (`-- contract: …`), if it does. */
export function contractReason(sql: string): string | undefined {
  return /^\s*--\s*contract:\s*(\S.*)$/im.exec(sql)?.[1].trim();
}

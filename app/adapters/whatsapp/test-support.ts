/**
 * Test support: Meta's published webhook examples (see /work/shared/fixtures/SOURCES.md).
 * Only tests import this file.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";

/**
 * The folder of WhatsApp webhook fixtures: `HALA_WHATSAPP_FIXTURES` if set, else a copy in the repository
 * (`tests/fixtures/whatsapp`), else the shared reference folder.
 */
export function whatsappFixtureDir(): string {
  const candidates = [
    process.env.HALA_WHATSAPP_FIXTURES,
    path.resolve(process.cwd(), "tests/fixtures/whatsapp"),
    "/work/shared/fixtures/whatsapp",
  ];
  for (const dir of candidates) if (dir && existsSync(dir)) return dir;
  throw new Error(`WhatsApp fixtures not found; looked in ${candidates.filter(Boolean).join(", ")}`);
}

export interface Fixture {
  name: string;
  /** The file's bytes, as Meta would have sent them. */
  text: string;
  json: unknown;
}

export function loadFixtures(): Fixture[] {
  const dir = whatsappFixtureDir();
  return readdirSync(dir)
    .filter((name) => name.endsWith(".json"))
    .sort()
    .map((name) => {
      const text = readFileSync(path.join(dir, name), "utf8");
      return { name, text, json: JSON.parse(text) as unknown };
    });
}

export function loadFixture(name: string): Fixture {
  const fixture = loadFixtures().find((f) => f.name === name);
  if (!fixture) throw new Error(`no WhatsApp fixture named ${name}`);
  return fixture;
}

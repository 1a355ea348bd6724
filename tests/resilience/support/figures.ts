/**
 * Figures of a resilience run (cases, faults, messages acknowledged / lost / duplicated, isolation
 * checks…): each test file writes its own JSON file into RES_FIGURES_DIR; the global teardown (CI form) or
 * bench/resilience/soak.ts (long run) turns them into the Markdown report.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

export type Figures = Record<string, unknown>;

export function figuresDir(): string {
  const dir = process.env.RES_FIGURES_DIR || path.join(process.cwd(), ".res-figures");
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Merges `data` into the section's file (a section per concern: "crash", "fuzz.whatsapp", …). */
export function recordFigures(section: string, data: Figures): void {
  const file = path.join(figuresDir(), `${section.replace(/[^\w.-]/g, "_")}.json`);
  let current: Figures = {};
  try {
    current = JSON.parse(readFileSync(file, "utf8"));
  } catch {
    // first write
  }
  writeFileSync(file, JSON.stringify({ ...current, ...data, section }, null, 2));
}

export function readAllFigures(dir = figuresDir()): Record<string, Figures> {
  const out: Record<string, Figures> = {};
  for (const name of readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()) {
    try {
      const data = JSON.parse(readFileSync(path.join(dir, name), "utf8")) as Figures;
      out[String(data.section ?? name.replace(/\.json$/, ""))] = data;
    } catch {
      // a half-written file of an interrupted run
    }
  }
  return out;
}

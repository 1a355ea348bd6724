/**
 * Re-renders the Markdown report of a resilience run from its JSON (the figures the run recorded), e.g. after
 * a change to the report's layout: `npx tsx bench/resilience/render.ts [bench/results/resilience.json]`.
 * The run's own meta (mode, duration, fuzz scales, commit) is kept; RES_COMMIT names the commit when the
 * JSON has none.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { renderReport, type ReportMeta } from "../../tests/resilience/support/report";
import { ROOT } from "./lib/app";

const file = path.resolve(process.argv[2] ?? path.join(ROOT, "bench/results/resilience.json"));
const { meta, figures } = JSON.parse(readFileSync(file, "utf8")) as {
  meta: ReportMeta & { at?: string };
  figures: Parameters<typeof renderReport>[0];
};
const md = file.replace(/\.json$/, ".md");
writeFileSync(md, renderReport(figures, { ...meta, commit: meta.commit ?? process.env.RES_COMMIT }));
console.log(`[render] ${md}`);

/**
 * Summarises a V8 .cpuprofile (node --cpu-prof): self time by function and by package, to see where the
 * app's CPU goes under load. Usable alone: `npx tsx bench/lib/profile.ts <file.cpuprofile>`.
 */
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

export interface ProfileSummary {
  totalMs: number;
  byPackage: { name: string; ms: number; share: number }[];
  byFunction: { name: string; where: string; ms: number; share: number }[];
}

function packageOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith("(") ? functionName : "(native)";
  const nm = url.lastIndexOf("node_modules/");
  if (nm >= 0) {
    const rest = url.slice(nm + "node_modules/".length).split("/");
    return rest[0].startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith("node:")) return "node: (core)";
  if (url.includes("/build/server/")) return "app (build/server)";
  if (url.includes("/scripts/serve")) return "scripts/serve.ts";
  return url
    .replace(/^file:\/\//, "")
    .split("/")
    .slice(-2)
    .join("/");
}

export function summarizeProfile(file: string, top = 25): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, "utf8")) as {
    nodes: ProfileNode[];
    startTime: number;
    endTime: number;
    samples: number[];
  };
  const totalSamples = profile.samples.length || 1;
  const totalMs = (profile.endTime - profile.startTime) / 1000;
  const msPerSample = totalMs / totalSamples;
  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, { name: string; where: string; ms: number }>();
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (!hits) continue;
    const ms = hits * msPerSample;
    const { functionName, url, lineNumber } = node.callFrame;
    const pkg = packageOf(url, functionName);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + ms);
    const where = url ? `${url.split("/").slice(-2).join("/")}:${lineNumber + 1}` : "";
    const key = `${functionName}@${where}`;
    const entry = byFunction.get(key) ?? {
      name: functionName || "(anonymous)",
      where: `${pkg} ${where}`.trim(),
      ms: 0,
    };
    entry.ms += ms;
    byFunction.set(key, entry);
  }
  const share = (v: number) => Math.round((v / totalMs) * 1000) / 10;
  return {
    totalMs: Math.round(totalMs),
    byPackage: [...byPackage.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, v]) => ({ name, ms: Math.round(v), share: share(v) })),
    byFunction: [...byFunction.values()]
      .sort((a, b) => b.ms - a.ms)
      .slice(0, top)
      .map((f) => ({ ...f, ms: Math.round(f.ms), share: share(f.ms) })),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const summary = summarizeProfile(process.argv[2], Number(process.argv[3] ?? 30));
  console.log(`total ${summary.totalMs} ms`);
  console.log("\nby package (self time):");
  for (const p of summary.byPackage) console.log(`  ${String(p.share).padStart(5)}%  ${p.name}`);
  console.log("\nby function (self time):");
  for (const f of summary.byFunction) console.log(`  ${String(f.share).padStart(5)}%  ${f.name}  ${f.where}`);
}

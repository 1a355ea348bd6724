/**
 * The sender's two token takes per message (the recipient's pacing, then the number's rate) against Redis:
 * two takeToken calls (before) or one takeTokens call (after), for the same sends, alternating, in bursts of 64
 * started together as the inbox worker sends a committed group's replies (ioredis auto-pipelining on, as in the
 * app). Prints wall time and this process's CPU per send, and Redis's CPU per send (from INFO):
 *   REDIS_URL=redis://127.0.0.1:6379/15 npx tsx bench/results/ab-s28/token-takes.ts
 */
import { Redis } from "ioredis";
import { RedisCache } from "~/cache.server";

const url = process.env.REDIS_URL ?? "redis://127.0.0.1:6379/15";
const SENDS = 40_000;
const BURST = 64;
const NUMBERS = 50;
const cache = RedisCache.connect(url, `hala:tokentakes:${process.pid}:`);
const info = new Redis(url);

async function redisCpuMs(): Promise<number> {
  const text = await info.info("cpu");
  const value = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(text)?.[1] ?? 0);
  return (value("used_cpu_sys") + value("used_cpu_user")) * 1000;
}

function send(i: number, round: number, combined: boolean) {
  const number = `pn${i % NUMBERS}`;
  const pair = { key: `wa:pair:${round}:${number}:9665${i}`, ratePerSec: 1, burst: 20 };
  const rate = { key: `wa:rate:${round}:${number}`, ratePerSec: 1000, burst: 1000, windowMs: 1200 };
  if (combined) return cache.takeTokens([pair, rate]);
  return cache.takeToken(pair.key, pair.ratePerSec, pair.burst).then((p) =>
    p.ok ? cache.takeToken(rate.key, rate.ratePerSec, rate.burst, rate.windowMs) : p,
  );
}

async function run(round: number, combined: boolean) {
  const cpu0 = process.cpuUsage();
  const redis0 = await redisCpuMs();
  const t0 = performance.now();
  for (let i = 0; i < SENDS; i += BURST)
    await Promise.all(Array.from({ length: BURST }, (_, j) => send(i + j, round, combined)));
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const redis = (await redisCpuMs()) - redis0;
  console.log(
    `| ${combined ? "one takeTokens" : "two takeToken"} | ${((wall * 1000) / SENDS).toFixed(1)} | ${(((cpu.user + cpu.system) / SENDS)).toFixed(1)} | ${((redis * 1000) / SENDS).toFixed(1)} |`,
  );
}

await send(0, -1, true); // connect, load the script
console.log("| calls per send | wall µs per send | client CPU µs per send | Redis CPU µs per send |");
console.log("| --- | ---: | ---: | ---: |");
for (let round = 0; round < 6; round++) await run(round, round % 2 === 1);
await cache.delPrefix("");
await cache.close();
info.disconnect();
process.exit(0);

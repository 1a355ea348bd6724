/**
 * Bad input for the fuzz tests: fast-check arbitraries for hostile values (oversized, deeply nested,
 * unicode edge cases, wrong types, huge arrays), a shrinkable mutation of real payloads (a list of edits
 * applied to a fixture), raw JSON with repeated keys, and a snapshot of every table (counts + hashes) to
 * prove that rejected input changed nothing.
 */
import fc from "fast-check";
import { database } from "~/db.server";

/**
 * How many cases a property runs: the CI form's count × the scale of its target — RES_FUZZ_SCALE_WHATSAPP,
 * RES_FUZZ_SCALE_SHOPIFY, RES_FUZZ_SCALE_ADMIN, else RES_FUZZ_SCALE (the long run scales the properties so
 * that the suite sends ≥ 100,000 hostile requests, more where a request is cheap; < 1 shortens a local run).
 */
export function runs(
  ciDefault: number,
  target?: "whatsapp" | "shopify" | "admin",
  /** A property with a scale of its own: RES_FUZZ_SCALE_<TARGET>_<PROPERTY> first (e.g. …_WHATSAPP_MUTATED). */
  property?: string,
): number {
  const own =
    target && property ? process.env[`RES_FUZZ_SCALE_${target}_${property}`.toUpperCase()] : undefined;
  const scale = Number(
    own ||
      (target && process.env[`RES_FUZZ_SCALE_${target.toUpperCase()}`]) ||
      process.env.RES_FUZZ_SCALE ||
      1,
  );
  return Math.max(1, Math.round(ciDefault * (Number.isFinite(scale) && scale > 0 ? scale : 1)));
}

export const FUZZ_SEED = Number(process.env.RES_FUZZ_SEED ?? 20261122);

/** Strings that break things: control characters, NUL, RTL marks, zero-width, emoji, lone surrogates… */
export const EDGE_STRINGS: string[] = [
  "",
  " ",
  "\u0000",
  "a\u0000b",
  "\u0001\u0002\u001f\u007f",
  "\u200f\u202e\u2066مرحبا\u2069\u202c", // RTL marks and isolates
  "\u200b\u200c\u200d\u2060\ufeff", // zero-width
  "👨‍👩‍👧‍👦🇸🇦🏳️‍🌈", // ZWJ sequences, flags
  "e\u0301\u0301\u0301\u0301", // combining marks
  "\ud800",
  "\udfff",
  "x\ud83dy", // lone surrogates
  "\u2028\u2029",
  "\r\n\r\n",
  "﷽",
  "ـــــ",
  '\'; DROP TABLE "Message"; --',
  "%_\\",
  "$1 $2 $$",
  "<script>alert(1)</script>",
  "{{shopName}} {{#each}}",
  "__proto__",
  "constructor",
  "prototype",
  "null",
  "undefined",
  "NaN",
  "-0",
  "1e309",
  "0x1f",
  "９９",
  "٣٤٥",
  "-271821-04-20T00:00:00.000Z",
  "+275760-09-13T00:00:00.000Z",
  "9999-12-31T23:59:59.999Z",
  "0000-01-01",
  "gid://shopify/Order/1",
  "https://evil.example/\u0000",
  "javascript:alert(1)",
  "a".repeat(1025),
  "ب".repeat(5000),
];

export const hugeString = (n: number) => fc.constantFrom("x", "ي", "😀", "\u200b").map((c) => c.repeat(n));

/** Any string, biased towards the edge cases; `huge` adds oversized ones (up to 70,000 characters). */
export function hostileString(huge = true): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...EDGE_STRINGS) },
    { weight: 3, arbitrary: fc.string({ unit: "binary", maxLength: 64 }) },
    { weight: 2, arbitrary: fc.string({ unit: "grapheme", maxLength: 64 }) },
    { weight: 1, arbitrary: fc.string({ unit: "binary-ascii", maxLength: 20 }) },
    { weight: huge ? 1 : 0, arbitrary: fc.integer({ min: 1_000, max: 70_000 }).chain((n) => hugeString(n)) },
  );
}

export function hostileNumber(): fc.Arbitrary<number> {
  return fc.oneof(
    fc.constantFrom(0, -0, -1, 1, 2 ** 31, 2 ** 53, -(2 ** 63), 1e308, -1e308, 5e-324, 0.1),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
  );
}

/** Arbitrary JSON values (what a hostile sender can put anywhere in a payload); one huge string at most. */
export function hostileJson(maxDepth = 4): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 9, arbitrary: smallJson(maxDepth) },
    { weight: 1, arbitrary: hostileString(true) },
  );
}

function smallJson(maxDepth: number): fc.Arbitrary<unknown> {
  const { value } = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: "small", maxDepth, withCrossShrink: true },
      hostileString(false),
      hostileNumber(),
      fc.boolean(),
      fc.constant(null),
      fc.array(tie("value"), { maxLength: 5 }),
      fc.dictionary(hostileString(false), tie("value"), { maxKeys: 5 }),
    ),
  }));
  return value;
}

export function deepNesting(depth: number, kind: "array" | "object"): string {
  return kind === "array"
    ? "[".repeat(depth) + "]".repeat(depth)
    : '{"a":'.repeat(depth) + "1" + "}".repeat(depth);
}

// --- mutation of a real payload ------------------------------------------------------------------------

export type Mutation =
  | { op: "set"; at: number; value: unknown }
  | { op: "delete"; at: number }
  | { op: "wrapArray"; at: number }
  | { op: "hugeArray"; at: number; length: number }
  | { op: "deep"; at: number; depth: number }
  | { op: "setKey"; at: number; key: string; value: unknown };

export function mutationArb(): fc.Arbitrary<Mutation> {
  const at = fc.nat({ max: 10_000 });
  return fc.oneof(
    { weight: 6, arbitrary: fc.record({ op: fc.constant("set" as const), at, value: hostileJson(3) }) },
    { weight: 3, arbitrary: fc.record({ op: fc.constant("delete" as const), at }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant("wrapArray" as const), at }) },
    {
      weight: 1,
      arbitrary: fc.record({
        op: fc.constant("hugeArray" as const),
        at,
        length: fc.integer({ min: 100, max: 5_000 }),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        op: fc.constant("deep" as const),
        at,
        depth: fc.integer({ min: 50, max: 3_000 }),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        op: fc.constant("setKey" as const),
        at,
        key: hostileString(false),
        value: hostileJson(2),
      }),
    },
  );
}

type Slot = { parent: Record<string, unknown> | unknown[]; key: string | number };

/**
 * Every place a mutation can edit, in document order. Iterative: two stacked `deep` mutations make the
 * payload thousands of levels deep, which overflowed the stack of a recursive walk (the long run found it).
 */
function slots(root: unknown): Slot[] {
  const out: Slot[] = [];
  type Frame = { node: Record<string | number, unknown>; keys: (string | number)[]; i: number };
  const stack: Frame[] = [];
  const enter = (node: unknown) => {
    if (Array.isArray(node)) stack.push({ node: node as never, keys: node.map((_, i) => i), i: 0 });
    else if (node && typeof node === "object")
      stack.push({ node: node as Record<string, unknown>, keys: Object.keys(node), i: 0 });
  };
  enter(root);
  while (stack.length) {
    const top = stack[stack.length - 1];
    if (top.i >= top.keys.length) {
      stack.pop();
      continue;
    }
    const key = top.keys[top.i++];
    out.push({ parent: top.node as Slot["parent"], key });
    enter(top.node[key]);
  }
  return out;
}

function nestedValue(depth: number): unknown {
  let v: unknown = "bottom";
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return v;
}

/** Applies the mutations to a deep copy of `payload` (each picks its place modulo the current slots). */
export function mutate<T>(payload: T, mutations: Mutation[]): unknown {
  const root = { root: structuredClone(payload) as unknown };
  for (const m of mutations) {
    const all = slots(root);
    if (!all.length) break;
    const slot = all[m.at % all.length];
    const parent = slot.parent as Record<string | number, unknown>;
    const before = parent[slot.key];
    switch (m.op) {
      case "set":
        parent[slot.key] = m.value;
        break;
      case "delete":
        if (Array.isArray(slot.parent)) (slot.parent as unknown[]).splice(slot.key as number, 1);
        else if (slot.parent !== root) delete parent[slot.key];
        break;
      case "wrapArray":
        parent[slot.key] = [parent[slot.key]];
        break;
      case "hugeArray": {
        // Bounded: about 4 MB of JSON at most (past the 3 MB limit, so the 413 path is covered too).
        const size = (JSON.stringify(parent[slot.key]) ?? "null").length + 1;
        const length = Math.max(1, Math.min(m.length, Math.floor(4_000_000 / size)));
        const previous = parent[slot.key];
        parent[slot.key] = Array.from({ length }, () => previous);
        // The copies share one object: a hugeArray inside another multiplies (the long run built a > 512 MB
        // string). Keep the whole payload under ≈ 8 MB, else leave this mutation out.
        let total = Infinity;
        try {
          total = (JSON.stringify(root) ?? "").length;
        } catch {
          // too big (or too deep) to serialise
        }
        if (total > 8_000_000) parent[slot.key] = previous;
        break;
      }
      case "deep": {
        const previous = parent[slot.key];
        parent[slot.key] = nestedValue(m.depth);
        // Two deep values stacked (≈ 5,800 levels) overflow JSON.stringify itself: leave this one out (the
        // app's handling of far deeper bodies is covered by the explicit 100,000-deep case, sent as raw text).
        try {
          JSON.stringify(root);
        } catch {
          parent[slot.key] = previous;
        }
        break;
      }
      case "setKey": {
        const target = parent[slot.key];
        if (target && typeof target === "object" && !Array.isArray(target))
          (target as Record<string, unknown>)[m.key] = m.value;
        else parent[slot.key] = { [m.key]: m.value };
        break;
      }
    }
    // After a hugeArray its copies share one object, so ANY later change inside it is multiplied (the long run
    // built a string past V8's limit from a hugeArray of 4,761 and a long text set inside it). Keep every
    // payload serialisable and under ≈ 8 MB: otherwise this mutation is left out.
    if (m.op !== "delete" && m.op !== "hugeArray" && m.op !== "deep") {
      let total = Infinity;
      try {
        total = (JSON.stringify(root) ?? "").length;
      } catch {
        // too big or too deep to serialise
      }
      if (total > 8_000_000) parent[slot.key] = before;
    }
  }
  return root.root;
}

/**
 * JSON text with a repeated key: `"key": <other>` inserted before the object's own `"key"` (JSON.parse keeps
 * the last one; other parsers keep the first — the signature covers the bytes either way).
 */
export function withDuplicateKey(payload: unknown, pick: number, other: unknown): string {
  const text = JSON.stringify(payload);
  const keys = [...text.matchAll(/"((?:[^"\\]|\\.)*)":/g)];
  if (!keys.length) return text;
  const m = keys[pick % keys.length];
  const insert = `"${m[1]}":${JSON.stringify(other) ?? "null"},`;
  return text.slice(0, m.index) + insert + text.slice(m.index);
}

// --- database snapshot ---------------------------------------------------------------------------------

let tableList: string[] | undefined;

async function tables(): Promise<string[]> {
  tableList ??= (
    await database().raw.query<{ tablename: string }>(
      `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_hala_migrations' ORDER BY tablename`,
    )
  ).map((t) => t.tablename);
  return tableList;
}

/** One row per table: the count and the sum of a 64-bit hash of every row's text, in one round trip. */
export async function dbSnapshot(): Promise<Record<string, string>> {
  const names = await tables();
  const sql = `SELECT ${names
    .map(
      (t) =>
        // Order-independent and sort-free (linear in the rows): the count and the sum of a 64-bit hash per row.
        `(SELECT count(*) || ':' || coalesce(sum(hashtextextended(x::text, 0)::numeric), 0) FROM "${t}" x) AS "${t}"`,
    )
    .join(", ")}`;
  const [row] = await database().raw.query<Record<string, string>>(sql);
  return row;
}

export function diffSnapshots(before: Record<string, string>, after: Record<string, string>): string[] {
  return Object.keys({ ...before, ...after }).filter((k) => before[k] !== after[k]);
}

/** Tally of outcomes per case class, for the report. */
export class Tally {
  cases = 0;
  statuses: Record<string, number> = {};
  violations: string[] = [];
  add(status: number | string) {
    this.cases++;
    this.statuses[String(status)] = (this.statuses[String(status)] ?? 0) + 1;
  }
  violation(message: string) {
    if (this.violations.length < 5_000) this.violations.push(message.slice(0, 600));
  }
}

export function shortRepr(value: unknown, max = 300): string {
  let text: string;
  try {
    text = typeof value === "string" ? value : JSON.stringify(value);
  } catch {
    text = String(value);
  }
  return text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text;
}

let shopTables: string[] | undefined;

/** Counts and hashes of one shop's rows in every table that has a `shop` column (isolation checks). */
export async function shopSnapshot(shop: string): Promise<Record<string, string>> {
  shopTables ??= (
    await database().raw.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.columns
       WHERE table_schema = 'public' AND column_name = 'shop' ORDER BY table_name`,
    )
  ).map((r) => r.table_name);
  const sql = `SELECT ${shopTables
    .map(
      (t) =>
        `(SELECT count(*) || ':' || coalesce(md5(string_agg(x::text, '|' ORDER BY x::text)), '') FROM "${t}" x WHERE x.shop = $1) AS "${t}"`,
    )
    .join(", ")}`;
  const [row] = await database().raw.query<Record<string, string>>(sql, [shop]);
  return row;
}

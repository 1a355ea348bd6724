/** A row read as JSON (`to_jsonb(t.*)`): the same shape on every driver adapter. */
export type JsonRow = Record<string, unknown>;

/**
 * Turns a JSON row's timestamp columns back into Dates. The `timestamp(3)` columns hold UTC without a zone (as
 * Prisma writes them), so a value without an offset is read as UTC.
 */
export function withDates(row: JsonRow | string, keys: readonly string[]): JsonRow {
  const out: JsonRow = typeof row === "string" ? JSON.parse(row) : { ...row };
  for (const key of keys) {
    const value = out[key];
    if (typeof value === "string")
      out[key] = new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value}Z`);
  }
  return out;
}

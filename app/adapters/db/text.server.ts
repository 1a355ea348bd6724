/**
 * What PostgreSQL can store: `text` and `jsonb` reject U+0000, and jsonb rejects lone UTF-16 surrogates
 * (JSON.stringify escapes them as \ud800…). Input from outside (webhooks, admin forms) goes through these
 * before it reaches a query, so that such a character is dropped or replaced rather than failing the write.
 * Pure (no database access).
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text PostgreSQL accepts: no U+0000, lone surrogates replaced by U+FFFD. */
export function storableText(value: string): string {
  return value.replaceAll("\u0000", "").replace(LONE_SURROGATE, "\uFFFD");
}

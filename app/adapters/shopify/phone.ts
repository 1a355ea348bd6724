/**
 * Phone numbers as the Admin API wants them (E.164, `+966501234567`) and a careful equality for matching
 * orders to a WhatsApp shopper. WhatsApp `wa_id`s are E.164 without the `+`.
 */

/** E.164 (`+` and 8–15 digits) from a wa_id, `+966 50 123 4567`, `00966501234567`…; null if it is not one. */
export function toE164(input: string | null | undefined): string | null {
  if (!input) return null;
  let text = input.trim().replace(/[\s\-().\u200e\u200f]/g, "");
  if (text.startsWith("00")) text = `+${text.slice(2)}`;
  if (!text.startsWith("+")) text = `+${text}`;
  return /^\+[1-9]\d{7,14}$/.test(text) ? text : null;
}

function digits(value: string): string {
  return value.replace(/\D/g, "");
}

/**
 * True when `candidate` (as typed at checkout: international or national with a trunk `0`) is the shopper's
 * number. National numbers match only as the exact tail of the shopper's international number, never on a
 * loose suffix, so another shopper's orders are not shown.
 */
export function phonesMatch(shopperE164: string, candidate: string | null | undefined): boolean {
  if (!candidate) return false;
  const shopper = digits(shopperE164);
  if (shopper.length < 8) return false;
  const trimmed = candidate.trim();
  let other = digits(trimmed);
  if (trimmed.startsWith("+") || trimmed.startsWith("00")) {
    if (trimmed.startsWith("00")) other = other.slice(2);
    return other === shopper;
  }
  if (other === shopper) return true;
  // National format: 0501234567 ↔ +966 501234567.
  if (other.startsWith("0")) other = other.slice(1);
  return other.length >= 8 && other.length < shopper.length && shopper.endsWith(other);
}

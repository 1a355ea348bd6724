/**
 * Money arithmetic in integer minor units (never floats) and display with `Intl.NumberFormat`.
 * Shopify sends amounts as decimal strings ("19.99"); we parse them exactly.
 */
import type { CartLine, Language, Money } from "../types";
import { localeOf } from "../i18n";

const digitsCache = new Map<string, number>();

/** Number of minor-unit digits of a currency (2 for SAR, 3 for KWD, 0 for JPY); 2 when unknown. */
export function fractionDigits(currencyCode: string): number {
  const code = currencyCode.toUpperCase();
  const cached = digitsCache.get(code);
  if (cached !== undefined) return cached;
  let digits = 2;
  try {
    digits =
      new Intl.NumberFormat("en", { style: "currency", currency: code }).resolvedOptions()
        .maximumFractionDigits ?? 2;
  } catch {
    digits = 2;
  }
  digitsCache.set(code, digits);
  return digits;
}

/**
 * Parses a decimal string into integer minor units, rounding half away from zero past the currency's digits.
 * Returns null for anything that is not a plain decimal number.
 */
export function toMinorUnits(amount: string, currencyCode: string): number | null {
  const m = /^\s*(-?)(\d{1,15})(?:\.(\d{1,20}))?\s*$/.exec(amount);
  if (!m) return null;
  const digits = fractionDigits(currencyCode);
  const [, sign, whole, frac = ""] = m;
  const kept = frac.slice(0, digits).padEnd(digits, "0");
  let minor = Number(whole) * 10 ** digits + (digits > 0 ? Number(kept) : 0);
  if (frac.length > digits && Number(frac[digits]) >= 5) minor += 1;
  if (!Number.isSafeInteger(minor)) return null;
  return sign === "-" && minor !== 0 ? -minor : minor;
}

/** The exact decimal string of `minor` units ("1999" → "19.99"). */
export function minorToDecimal(minor: number, currencyCode: string): string {
  const digits = fractionDigits(currencyCode);
  const sign = minor < 0 ? "-" : "";
  const abs = Math.abs(Math.trunc(minor));
  if (digits === 0) return `${sign}${abs}`;
  const s = String(abs).padStart(digits + 1, "0");
  return `${sign}${s.slice(0, -digits)}.${s.slice(-digits)}`;
}

/** Formats minor units in a currency for a language ("SAR 1,234.50", "‏1,234.50 ر.س.‏"). */
export function formatMinor(minor: number, currencyCode: string, lang: Language): string {
  const decimal = minorToDecimal(minor, currencyCode);
  try {
    const nf = new Intl.NumberFormat(localeOf(lang), {
      style: "currency",
      currency: currencyCode.toUpperCase(),
    });
    // Intl.NumberFormat formats exact decimal strings (ES2023); no float rounding on the way.
    return nf.format(decimal as unknown as number);
  } catch {
    return `${decimal} ${currencyCode}`.trim();
  }
}

/** Formats a Money value; falls back to `fallbackCurrency` when the value has no currency. */
export function formatMoney(money: Money, lang: Language, fallbackCurrency = ""): string {
  const currency = money.currencyCode || fallbackCurrency;
  const minor = toMinorUnits(money.amount, currency);
  if (minor === null) return `${money.amount} ${currency}`.trim();
  return formatMinor(minor, currency, lang);
}

export interface MinorTotal {
  currencyCode: string;
  minor: number;
}

/** Unit price × quantity of a cart line, in minor units. */
export function lineTotal(line: CartLine): MinorTotal {
  const unit = toMinorUnits(line.unitPrice.amount, line.unitPrice.currencyCode) ?? 0;
  return { currencyCode: line.unitPrice.currencyCode, minor: unit * line.quantity };
}

/** Cart totals per currency (one entry in practice), in first-seen order. */
export function cartTotals(lines: readonly CartLine[]): MinorTotal[] {
  const totals = new Map<string, number>();
  for (const line of lines) {
    const { currencyCode, minor } = lineTotal(line);
    totals.set(currencyCode, (totals.get(currencyCode) ?? 0) + minor);
  }
  return [...totals].map(([currencyCode, minor]) => ({ currencyCode, minor }));
}

/** "SAR 40.00" (or "SAR 40.00 + USD 5.00" for a mixed cart; "SAR 0.00" for an empty one). */
export function formatCartTotal(lines: readonly CartLine[], lang: Language, shopCurrency: string): string {
  const totals = cartTotals(lines);
  if (totals.length === 0) return formatMinor(0, shopCurrency, lang);
  return totals.map((t) => formatMinor(t.minor, t.currencyCode || shopCurrency, lang)).join(" + ");
}

export function formatLineTotal(line: CartLine, lang: Language, shopCurrency: string): string {
  const { currencyCode, minor } = lineTotal(line);
  return formatMinor(minor, currencyCode || shopCurrency, lang);
}

/** Same currency and same amount (compared in minor units, so "10" equals "10.00"). */
export function sameMoney(a: Money, b: Money): boolean {
  if (a.currencyCode !== b.currencyCode) return false;
  const x = toMinorUnits(a.amount, a.currencyCode);
  const y = toMinorUnits(b.amount, b.currencyCode);
  return x !== null && x === y;
}

import { useMemo } from "react";
import { useI18n } from "../i18n";
import { analyticsText, type AnalyticsKey } from "./strings";

/** Words and number/date/duration/money formats of the analytics page, in the admin's language. */
export function useAnalyticsFormat() {
  const { locale, dir } = useI18n();
  return useMemo(() => {
    const tag = locale === "ar" ? "ar" : "en";
    const integer = new Intl.NumberFormat(tag, { maximumFractionDigits: 0 });
    const decimal = new Intl.NumberFormat(tag, { maximumFractionDigits: 2 });
    const percent = new Intl.NumberFormat(tag, { style: "percent", maximumFractionDigits: 1 });
    const shortDay = new Intl.DateTimeFormat(tag, { month: "short", day: "numeric", timeZone: "UTC" });
    const longDay = new Intl.DateTimeFormat(tag, { dateStyle: "medium", timeZone: "UTC" });
    const unit = (u: "second" | "minute" | "hour" | "day" | "millisecond", digits: number) =>
      new Intl.NumberFormat(tag, {
        style: "unit",
        unit: u,
        unitDisplay: "short",
        maximumFractionDigits: digits,
      });
    const seconds = unit("second", 1);
    const minutes = unit("minute", 1);
    const hours = unit("hour", 1);
    const days = unit("day", 1);
    const ms = unit("millisecond", 0);
    /** A calendar day "YYYY-MM-DD" (a local day of the shop: formatted as-is, no zone shift). */
    const toDate = (day: string) => new Date(`${day}T00:00:00Z`);
    return {
      locale,
      dir,
      t: (key: AnalyticsKey, values?: Record<string, string | number>) => analyticsText(locale, key, values),
      number: (value: number) => integer.format(value),
      decimal: (value: number) => decimal.format(value),
      percent: (value: number) => percent.format(value),
      day: (value: string) => shortDay.format(toDate(value)),
      longDay: (value: string) => longDay.format(toDate(value)),
      latency: (value: number) => ms.format(value),
      duration: (value: number | null) => {
        if (value === null || !Number.isFinite(value)) return "—";
        if (value < 60) return seconds.format(value);
        if (value < 3600) return minutes.format(value / 60);
        if (value < 86_400) return hours.format(value / 3600);
        return days.format(value / 86_400);
      },
      money: (amount: string, currencyCode: string | null) => {
        const value = Number(amount);
        if (!currencyCode) return decimal.format(value);
        try {
          return new Intl.NumberFormat(tag, { style: "currency", currency: currencyCode }).format(value);
        } catch {
          return `${decimal.format(value)} ${currencyCode}`;
        }
      },
    };
  }, [locale, dir]);
}

export type AnalyticsFormat = ReturnType<typeof useAnalyticsFormat>;

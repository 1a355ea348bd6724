import { useLocation, useNavigate } from "@remix-run/react";
import { BlockStack, Button, ButtonGroup, InlineStack, Text, TextField } from "@shopify/polaris";
import { useEffect, useState, type FormEvent } from "react";
import type { AnalyticsReport } from "~/services/analytics.server";
import { useAnalyticsFormat } from "./format";

const PRESETS = ["7d", "30d", "90d"] as const;
const MAX_DAYS = 366;

/** Whether a custom range would be accepted by the server (same rules as AnalyticsSearchSchema). */
export function validCustomRange(from: string, to: string): boolean {
  const pattern = /^\d{4}-\d{2}-\d{2}$/;
  if (!pattern.test(from) || !pattern.test(to) || from > to || from < "2000-01-01") return false;
  const days = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000 + 1;
  return Number.isFinite(days) && days <= MAX_DAYS;
}

/**
 * Presets (7/30/90 days) and a custom range. Changes go to the URL (`range`, `from`, `to`), keeping the
 * admin's own parameters (host, locale…), so the range is shareable and survives reloads.
 */
export function RangePicker({ range }: { range: AnalyticsReport["range"] }) {
  const f = useAnalyticsFormat();
  const location = useLocation();
  const navigate = useNavigate();
  const [customOpen, setCustomOpen] = useState(range.preset === "custom");
  const [from, setFrom] = useState(range.from);
  const [to, setTo] = useState(range.to);
  useEffect(() => {
    setFrom(range.from);
    setTo(range.to);
    if (range.preset === "custom") setCustomOpen(true);
  }, [range.from, range.to, range.preset]);

  const go = (changes: Record<string, string | null>) => {
    const params = new URLSearchParams(location.search);
    for (const [key, value] of Object.entries(changes)) {
      if (value) params.set(key, value);
      else params.delete(key);
    }
    navigate({ pathname: location.pathname, search: params.toString() }, { preventScrollReset: true });
  };
  const valid = validCustomRange(from, to);
  const apply = (event: FormEvent) => {
    event.preventDefault();
    if (valid) go({ range: "custom", from, to });
  };

  return (
    <BlockStack gap="300">
      <InlineStack gap="300" blockAlign="center" wrap>
        <div role="group" aria-label={f.t("range.label")}>
          <ButtonGroup variant="segmented">
            {PRESETS.map((preset) => (
              <Button
                key={preset}
                pressed={range.preset === preset && !customOpen}
                onClick={() => {
                  setCustomOpen(false);
                  go({ range: preset, from: null, to: null });
                }}
              >
                {f.t(`range.${preset}`)}
              </Button>
            ))}
            <Button pressed={customOpen} onClick={() => setCustomOpen((v) => !v)} ariaExpanded={customOpen}>
              {f.t("range.custom")}
            </Button>
          </ButtonGroup>
        </div>
        <Text as="p" tone="subdued">
          {f.t("range.summary", {
            from: f.longDay(range.from),
            to: f.longDay(range.to),
            days: f.number(range.days),
          })}
        </Text>
      </InlineStack>
      {customOpen ? (
        <form onSubmit={apply} aria-label={f.t("range.custom")}>
          <InlineStack gap="300" blockAlign="end" wrap>
            <div style={{ minWidth: 170 }}>
              <TextField
                label={f.t("range.from")}
                type="date"
                value={from}
                onChange={setFrom}
                autoComplete="off"
                max={to}
              />
            </div>
            <div style={{ minWidth: 170 }}>
              <TextField
                label={f.t("range.to")}
                type="date"
                value={to}
                onChange={setTo}
                autoComplete="off"
                min={from}
              />
            </div>
            <Button submit variant="primary" disabled={!valid}>
              {f.t("range.apply")}
            </Button>
          </InlineStack>
          {!valid ? (
            <Text as="p" tone="critical">
              {f.t("range.invalid")}
            </Text>
          ) : null}
        </form>
      ) : null}
      <Text as="p" variant="bodySm" tone="subdued">
        {range.timeZoneSource === "shop" ? f.t("tz.shop", { zone: range.timeZone }) : f.t("tz.utc")}
      </Text>
    </BlockStack>
  );
}

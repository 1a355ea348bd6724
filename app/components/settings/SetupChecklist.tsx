import { Badge, BlockStack, Card, InlineStack, ProgressBar, Text } from "@shopify/polaris";
import type { AdminMessageKey } from "~/i18n/admin";
import type { SettingsView } from "~/services/settings.server";
import { useI18n } from "../i18n";

const STEPS: { key: keyof SettingsView["checklist"]; title: AdminMessageKey; body: AdminMessageKey }[] = [
  {
    key: "numberConnected",
    title: "settings.checklist.numberConnected",
    body: "settings.checklist.numberConnectedHelp",
  },
  {
    key: "connectionTested",
    title: "settings.checklist.connectionTested",
    body: "settings.checklist.connectionTestedHelp",
  },
  {
    key: "webhookVerified",
    title: "settings.checklist.webhookVerified",
    body: "settings.checklist.webhookVerifiedHelp",
  },
  { key: "botOn", title: "settings.checklist.botOn", body: "settings.checklist.botOnHelp" },
];

/** Set-up steps, each turning green when it is done. */
export function SetupChecklist({ checklist }: { checklist: SettingsView["checklist"] }) {
  const { t, formatNumber } = useI18n();
  const done = STEPS.filter((s) => checklist[s.key]).length;
  return (
    <Card>
      <BlockStack gap="400">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            {t("settings.checklist.title")}
          </Text>
          <Text as="span" tone="subdued">
            {t("settings.checklist.progress", {
              done: formatNumber(done),
              total: formatNumber(STEPS.length),
            })}
          </Text>
        </InlineStack>
        <ProgressBar
          progress={(done / STEPS.length) * 100}
          tone={done === STEPS.length ? "success" : "highlight"}
          size="small"
        />
        <BlockStack gap="300" as="ol">
          {STEPS.map((step, i) => {
            const ok = checklist[step.key];
            return (
              <li key={step.key} style={{ listStyle: "none" }} data-done={ok}>
                <InlineStack gap="300" blockAlign="start" wrap={false}>
                  <Badge tone={ok ? "success" : undefined} progress={ok ? "complete" : "incomplete"}>
                    {ok ? t("settings.checklist.done") : formatNumber(i + 1)}
                  </Badge>
                  <BlockStack gap="050">
                    <Text as="span" fontWeight="semibold" tone={ok ? "success" : undefined}>
                      {t(step.title)}
                    </Text>
                    {!ok && (
                      <Text as="span" variant="bodySm" tone="subdued">
                        {t(step.body)}
                      </Text>
                    )}
                  </BlockStack>
                </InlineStack>
              </li>
            );
          })}
        </BlockStack>
      </BlockStack>
    </Card>
  );
}

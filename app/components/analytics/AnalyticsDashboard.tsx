import {
  BlockStack,
  Box,
  Card,
  EmptyState,
  InlineGrid,
  InlineStack,
  Layout,
  SkeletonBodyText,
  SkeletonDisplayText,
  Text,
} from "@shopify/polaris";
import type { DataSeries } from "@shopify/polaris-viz";
import type { ReactNode } from "react";
import type { AnalyticsReport } from "~/services/analytics.server";
import { ChartFigure, ChartPlaceholder, Section } from "./ChartFigure";
import { useAnalyticsFormat, type AnalyticsFormat } from "./format";

const COLORS = {
  positive: "#29845a",
  neutral: "#8a8a8a",
  negative: "#e51c00",
};

function Kpi({ label, value, detail }: { label: string; value: ReactNode; detail?: ReactNode }) {
  return (
    <Card>
      <BlockStack gap="100">
        <Text as="p" variant="headingSm" tone="subdued">
          {label}
        </Text>
        <Text as="p" variant="headingXl">
          {value}
        </Text>
        {detail ? (
          <Text as="p" variant="bodySm" tone="subdued">
            {detail}
          </Text>
        ) : null}
      </BlockStack>
    </Card>
  );
}

function Stat({ label, value }: { label: string; value: ReactNode }) {
  return (
    <BlockStack gap="050">
      <Text as="span" variant="bodySm" tone="subdued">
        {label}
      </Text>
      <Text as="span" variant="headingMd">
        {value}
      </Text>
    </BlockStack>
  );
}

const series = (
  name: string,
  points: { key: string; value: number | null }[],
  color?: string,
): DataSeries => ({
  name,
  data: points,
  ...(color ? { color } : {}),
});

function funnelTable(f: AnalyticsFormat, steps: { label: string; value: number }[]) {
  const first = steps[0]?.value ?? 0;
  return {
    headings: [f.t("table.step"), f.t("table.count"), f.t("table.share")],
    rows: steps.map((s) => [s.label, f.number(s.value), first ? f.percent(s.value / first) : "—"]),
  };
}

function Funnel({
  f,
  label,
  steps,
}: {
  f: AnalyticsFormat;
  label: string;
  steps: { label: string; value: number }[];
}) {
  const description = steps.map((s) => `${s.label}: ${f.number(s.value)}`).join(", ");
  return (
    <ChartFigure
      label={label}
      description={description}
      height={300}
      table={funnelTable(f, steps)}
      chart={({ FunnelView }) =>
        steps[0].value === 0 ? (
          <Box padding="400">
            <Text as="p" tone="subdued" alignment="center">
              {f.t("chart.empty")}
            </Text>
          </Box>
        ) : (
          <FunnelView
            data={[
              series(
                label,
                steps.map((s) => ({ key: s.label, value: s.value })),
              ),
            ]}
            errorText={f.t("chart.error")}
            emptyText={f.t("chart.empty")}
            tooltipValue={f.number}
            percent={f.percent}
            reached={f.t("chart.reached")}
            dropped={f.t("chart.dropped")}
          />
        )
      }
    />
  );
}

export function AnalyticsDashboard({ report }: { report: AnalyticsReport }) {
  const f = useAnalyticsFormat();
  const { daily, delivery, shopping, feedback, responseTimes, ai } = report;
  const ordersTotal = shopping.ordersAttributed;

  if (report.empty) {
    return (
      <Layout.Section>
        <Card>
          <EmptyState
            heading={f.t("empty.title")}
            image="https://cdn.shopify.com/s/files/1/0262/4071/2726/files/emptystate-files.png"
            action={{ content: f.t("empty.settings"), url: "/app/settings" }}
            secondaryAction={{ content: f.t("empty.inbox"), url: "/app/inbox" }}
          >
            <p>{f.t("empty.body")}</p>
          </EmptyState>
        </Card>
      </Layout.Section>
    );
  }

  const activityTable = {
    headings: [f.t("table.date"), f.t("activity.conversations"), f.t("activity.in"), f.t("activity.out")],
    rows: daily.map((d) => [
      f.longDay(d.date),
      f.number(d.conversations),
      f.number(d.messagesIn),
      f.number(d.messagesOut),
    ]),
  };
  const feedbackTable = {
    headings: [
      f.t("table.date"),
      f.t("feedback.positive"),
      f.t("feedback.neutral"),
      f.t("feedback.negative"),
      f.t("feedback.sentimentSeries"),
    ],
    rows: feedback.daily.map((d) => [
      f.longDay(d.date),
      f.number(d.positive),
      f.number(d.neutral),
      f.number(d.negative),
      d.averageSentiment === null ? "—" : f.decimal(d.averageSentiment),
    ]),
  };
  const responseTable = {
    headings: [f.t("table.date"), f.t("response.bot"), f.t("response.team")],
    rows: responseTimes.daily.map((d) => [
      f.longDay(d.date),
      f.duration(d.botMedianSeconds),
      f.duration(d.merchantMedianSeconds),
    ]),
  };
  const aiTable = {
    headings: [f.t("table.date"), f.t("ai.calls"), f.t("ai.failures"), f.t("ai.tokens")],
    rows: ai.daily.map((d) => [
      f.longDay(d.date),
      f.number(d.calls),
      f.number(d.failures),
      f.number(d.tokens),
    ]),
  };

  return (
    <>
      <Layout.Section>
        <InlineGrid columns={{ xs: 1, sm: 2, md: 4 }} gap="400">
          <Kpi label={f.t("kpi.conversations")} value={f.number(report.totals.conversations)} />
          <Kpi
            label={f.t("kpi.messagesIn")}
            value={f.number(report.totals.messagesIn)}
            detail={`${f.t("kpi.messagesOut")}: ${f.number(report.totals.messagesOut)}`}
          />
          <Kpi
            label={f.t("kpi.orders")}
            value={f.number(ordersTotal)}
            detail={`${f.t("kpi.revenue")}: ${
              shopping.revenue.length
                ? shopping.revenue.map((r) => f.money(r.amount, r.currencyCode)).join(" · ")
                : f.t("kpi.none")
            }`}
          />
          <Kpi
            label={f.t("kpi.botResponse")}
            value={f.duration(responseTimes.bot.medianSeconds)}
            detail={`${f.t("kpi.humanResponse")}: ${f.duration(responseTimes.merchant.medianSeconds)}`}
          />
        </InlineGrid>
      </Layout.Section>

      <Layout.Section>
        <Section title={f.t("activity.title")} help={f.t("activity.help")}>
          <ChartFigure
            label={f.t("activity.title")}
            description={f.t("activity.help")}
            table={activityTable}
            chart={({ LineChartView }) => (
              <LineChartView
                data={[
                  series(
                    f.t("activity.conversations"),
                    daily.map((d) => ({ key: d.date, value: d.conversations })),
                  ),
                  series(
                    f.t("activity.in"),
                    daily.map((d) => ({ key: d.date, value: d.messagesIn })),
                  ),
                  series(
                    f.t("activity.out"),
                    daily.map((d) => ({ key: d.date, value: d.messagesOut })),
                  ),
                ]}
                errorText={f.t("chart.error")}
                emptyText={f.t("chart.empty")}
                xLabel={f.day}
              />
            )}
          />
        </Section>
      </Layout.Section>

      <Layout.Section variant="oneHalf">
        <Section title={f.t("delivery.title")} help={f.t("delivery.help")}>
          <InlineStack gap="600" wrap>
            <Stat label={f.t("delivery.failed")} value={f.number(delivery.failed)} />
            <Stat label={f.t("delivery.pending")} value={f.number(delivery.pending)} />
          </InlineStack>
          <Funnel
            f={f}
            label={f.t("delivery.title")}
            steps={[
              { label: f.t("delivery.outbound"), value: delivery.outbound },
              { label: f.t("delivery.sent"), value: delivery.sent },
              { label: f.t("delivery.delivered"), value: delivery.delivered },
              { label: f.t("delivery.read"), value: delivery.read },
            ]}
          />
        </Section>
      </Layout.Section>

      <Layout.Section variant="oneHalf">
        <Section title={f.t("shopping.title")} help={f.t("shopping.help")}>
          <InlineStack gap="600" wrap>
            <Stat label={f.t("shopping.checkoutsCreated")} value={f.number(shopping.checkoutsCreated)} />
            <Stat label={f.t("shopping.ordersAttributed")} value={f.number(shopping.ordersAttributed)} />
          </InlineStack>
          <Funnel
            f={f}
            label={f.t("shopping.title")}
            steps={[
              { label: f.t("shopping.conversations"), value: shopping.conversations },
              { label: f.t("shopping.carts"), value: shopping.carts },
              { label: f.t("shopping.checkouts"), value: shopping.checkouts },
              { label: f.t("shopping.orders"), value: shopping.orders },
            ]}
          />
          <BlockStack gap="100">
            <Text as="h3" variant="headingSm">
              {f.t("shopping.revenue")}
            </Text>
            {shopping.revenue.length ? (
              <ul style={{ margin: 0, paddingInlineStart: "1.25rem" }}>
                {shopping.revenue.map((r) => (
                  <li key={r.currencyCode ?? "unknown"}>
                    <Text as="span" fontWeight="semibold">
                      {f.money(r.amount, r.currencyCode)}
                    </Text>{" "}
                    <Text as="span" tone="subdued">
                      ({r.currencyCode ?? f.t("shopping.currencyUnknown")} ·{" "}
                      {f.t("shopping.ordersCount", { count: f.number(r.orders) })})
                    </Text>
                  </li>
                ))}
              </ul>
            ) : (
              <Text as="p" tone="subdued">
                {f.t("shopping.noRevenue")}
              </Text>
            )}
          </BlockStack>
        </Section>
      </Layout.Section>

      <Layout.Section>
        <Section title={f.t("feedback.title")} help={f.t("feedback.help")}>
          <InlineStack gap="600" wrap>
            <Stat label={f.t("feedback.requested")} value={f.number(feedback.requested)} />
            <Stat label={f.t("feedback.answered")} value={f.number(feedback.answered)} />
            <Stat
              label={f.t("feedback.averageRating")}
              value={feedback.averageRating === null ? "—" : `${f.decimal(feedback.averageRating)} / 5`}
            />
            <Stat
              label={f.t("feedback.averageSentiment")}
              value={
                feedback.sentiment.averageScore === null ? "—" : f.decimal(feedback.sentiment.averageScore)
              }
            />
          </InlineStack>
          <Text as="p" tone="subdued">
            {f.t("feedback.sentimentLabels", {
              positive: f.number(feedback.sentiment.positive),
              neutral: f.number(feedback.sentiment.neutral),
              negative: f.number(feedback.sentiment.negative),
            })}
          </Text>
          <ChartFigure
            label={f.t("feedback.title")}
            description={f.t("feedback.help")}
            table={feedbackTable}
            chart={({ BarChartView }) => (
              <BarChartView
                stacked
                data={[
                  series(
                    f.t("feedback.positive"),
                    feedback.daily.map((d) => ({ key: d.date, value: d.positive })),
                    COLORS.positive,
                  ),
                  series(
                    f.t("feedback.neutral"),
                    feedback.daily.map((d) => ({ key: d.date, value: d.neutral })),
                    COLORS.neutral,
                  ),
                  series(
                    f.t("feedback.negative"),
                    feedback.daily.map((d) => ({ key: d.date, value: d.negative })),
                    COLORS.negative,
                  ),
                ]}
                errorText={f.t("chart.error")}
                emptyText={f.t("chart.empty")}
                xLabel={f.day}
              />
            )}
          />
          <ChartFigure
            label={f.t("feedback.averageSentiment")}
            table={feedbackTable}
            height={200}
            chart={({ LineChartView }) => (
              <LineChartView
                data={[
                  series(
                    f.t("feedback.sentimentSeries"),
                    feedback.daily.map((d) => ({ key: d.date, value: d.averageSentiment })),
                  ),
                ]}
                errorText={f.t("chart.error")}
                emptyText={f.t("chart.empty")}
                xLabel={f.day}
                yLabel={f.decimal}
              />
            )}
          />
        </Section>
      </Layout.Section>

      <Layout.Section>
        <Section title={f.t("response.title")} help={f.t("response.help")}>
          <InlineStack gap="800" wrap>
            <Stat
              label={f.t("response.bot")}
              value={
                <>
                  {f.duration(responseTimes.bot.medianSeconds)}{" "}
                  <Text as="span" variant="bodySm" tone="subdued">
                    {f.t("response.waits", { count: f.number(responseTimes.bot.waits) })}
                    {responseTimes.bot.p90Seconds !== null
                      ? ` · ${f.t("response.p90", { value: f.duration(responseTimes.bot.p90Seconds) })}`
                      : ""}
                  </Text>
                </>
              }
            />
            <Stat
              label={f.t("response.team")}
              value={
                <>
                  {f.duration(responseTimes.merchant.medianSeconds)}{" "}
                  <Text as="span" variant="bodySm" tone="subdued">
                    {f.t("response.waits", { count: f.number(responseTimes.merchant.waits) })}
                    {responseTimes.merchant.p90Seconds !== null
                      ? ` · ${f.t("response.p90", { value: f.duration(responseTimes.merchant.p90Seconds) })}`
                      : ""}
                  </Text>
                </>
              }
            />
            <Stat label={f.t("response.unanswered")} value={f.number(responseTimes.unanswered)} />
          </InlineStack>
          <ChartFigure
            label={f.t("response.title")}
            description={f.t("response.help")}
            table={responseTable}
            chart={({ LineChartView }) => (
              <LineChartView
                data={[
                  series(
                    f.t("response.bot"),
                    responseTimes.daily.map((d) => ({ key: d.date, value: d.botMedianSeconds })),
                  ),
                  series(
                    f.t("response.team"),
                    responseTimes.daily.map((d) => ({ key: d.date, value: d.merchantMedianSeconds })),
                  ),
                ]}
                errorText={f.t("chart.error")}
                emptyText={f.t("chart.empty")}
                xLabel={f.day}
                yLabel={(v) => f.duration(v)}
              />
            )}
          />
        </Section>
      </Layout.Section>

      {ai.calls > 0 ? (
        <Layout.Section>
          <Section title={f.t("ai.title")} help={f.t("ai.help")}>
            <InlineStack gap="600" wrap>
              <Stat label={f.t("ai.calls")} value={f.number(ai.calls)} />
              <Stat
                label={f.t("ai.failures")}
                value={`${f.number(ai.failures)} (${f.percent(ai.failures / ai.calls)})`}
              />
              <Stat label={f.t("ai.promptTokens")} value={f.number(ai.promptTokens)} />
              <Stat label={f.t("ai.completionTokens")} value={f.number(ai.completionTokens)} />
              <Stat
                label={f.t("ai.latency")}
                value={ai.averageLatencyMs === null ? "—" : f.latency(ai.averageLatencyMs)}
              />
            </InlineStack>
            <ChartFigure
              label={f.t("ai.title")}
              description={f.t("ai.help")}
              table={aiTable}
              chart={({ BarChartView }) => (
                <BarChartView
                  data={[
                    series(
                      f.t("ai.calls"),
                      ai.daily.map((d) => ({ key: d.date, value: d.calls })),
                    ),
                    series(
                      f.t("ai.failures"),
                      ai.daily.map((d) => ({ key: d.date, value: d.failures })),
                      COLORS.negative,
                    ),
                  ]}
                  errorText={f.t("chart.error")}
                  emptyText={f.t("chart.empty")}
                  xLabel={f.day}
                />
              )}
            />
          </Section>
        </Layout.Section>
      ) : null}
    </>
  );
}

/** The page while a new range loads. */
export function AnalyticsSkeleton() {
  return (
    <>
      <Layout.Section>
        <InlineGrid columns={{ xs: 1, sm: 2, md: 4 }} gap="400">
          {[0, 1, 2, 3].map((i) => (
            <Card key={i}>
              <BlockStack gap="200">
                <SkeletonBodyText lines={1} />
                <SkeletonDisplayText size="medium" />
              </BlockStack>
            </Card>
          ))}
        </InlineGrid>
      </Layout.Section>
      {[0, 1].map((i) => (
        <Layout.Section key={i}>
          <Card>
            <BlockStack gap="400">
              <SkeletonDisplayText size="small" />
              <ChartPlaceholder />
            </BlockStack>
          </Card>
        </Layout.Section>
      ))}
    </>
  );
}

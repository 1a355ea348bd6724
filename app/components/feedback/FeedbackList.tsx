import { Link as RemixLink, useLocation, useNavigate, useNavigation } from "@remix-run/react";
import {
  Badge,
  BlockStack,
  Box,
  Card,
  EmptyState,
  IndexTable,
  InlineStack,
  Pagination,
  Select,
  Text,
} from "@shopify/polaris";
import type { AdminMessageKey } from "~/i18n/admin";
import type { listFeedbackPage } from "~/services/inbox.admin.server";
import { useI18n } from "../i18n";
import { ListSkeleton } from "../states";

type FeedbackPage = Awaited<ReturnType<typeof listFeedbackPage>>;

const OUTCOMES: Record<
  string,
  { label: AdminMessageKey; tone: "success" | "critical" | "info" | undefined }
> = {
  positive: { label: "feedback.outcome.positive", tone: "success" },
  neutral: { label: "feedback.outcome.neutral", tone: "info" },
  negative: { label: "feedback.outcome.negative", tone: "critical" },
};

const SENTIMENTS: Record<string, AdminMessageKey> = {
  positive: "feedback.sentiment.positive",
  neutral: "feedback.sentiment.neutral",
  negative: "feedback.sentiment.negative",
};

function Stars({ rating }: { rating: number | null }) {
  const { t } = useI18n();
  if (!rating)
    return (
      <Text as="span" tone="subdued">
        —
      </Text>
    );
  return (
    <span aria-label={t("feedback.ratingLabel", { rating })} title={t("feedback.ratingLabel", { rating })}>
      <span style={{ color: "var(--p-color-icon-caution, #b98900)" }}>{"★".repeat(rating)}</span>
      <span style={{ color: "var(--p-color-icon-disabled, #ccc)" }}>
        {"★".repeat(Math.max(0, 5 - rating))}
      </span>
    </span>
  );
}

export function FeedbackList({ data }: { data: FeedbackPage }) {
  const { t, formatDate, formatNumber } = useI18n();
  const navigate = useNavigate();
  const location = useLocation();
  const navigation = useNavigation();
  const loading = navigation.state === "loading" && navigation.location.pathname === location.pathname;

  const go = (changes: Record<string, string | null>) => {
    const params = new URLSearchParams(location.search);
    params.delete("cursor");
    for (const [key, value] of Object.entries(changes)) {
      if (value) params.set(key, value);
      else params.delete(key);
    }
    navigate({ pathname: location.pathname, search: params.toString() }, { preventScrollReset: true });
  };
  const filtered = !!(data.filters.outcome || data.filters.rating);

  return (
    <Card padding="0">
      <Box padding="400">
        <InlineStack gap="400" wrap>
          <div style={{ minWidth: 180 }}>
            <Select
              label={t("feedback.filters.outcome")}
              options={[
                { label: t("feedback.filters.any"), value: "" },
                ...Object.entries(OUTCOMES).map(([value, o]) => ({ label: t(o.label), value })),
              ]}
              value={data.filters.outcome ?? ""}
              onChange={(value) => go({ outcome: value || null })}
            />
          </div>
          <div style={{ minWidth: 180 }}>
            <Select
              label={t("feedback.filters.rating")}
              options={[
                { label: t("feedback.filters.any"), value: "" },
                ...[5, 4, 3, 2, 1].map((r) => ({
                  label: t("feedback.ratingLabel", { rating: formatNumber(r) }),
                  value: String(r),
                })),
              ]}
              value={data.filters.rating ? String(data.filters.rating) : ""}
              onChange={(value) => go({ rating: value || null })}
            />
          </div>
        </InlineStack>
      </Box>
      {loading ? (
        <ListSkeleton rows={5} />
      ) : data.feedback.length === 0 ? (
        filtered || !data.firstPage ? (
          <Box padding="600">
            <BlockStack gap="200" inlineAlign="center">
              <Text as="p" variant="headingSm">
                {t("feedback.empty.noMatchTitle")}
              </Text>
              <Text as="p" tone="subdued">
                {t("feedback.empty.noMatchBody")}
              </Text>
            </BlockStack>
          </Box>
        ) : (
          <EmptyState heading={t("feedback.empty.title")} image="">
            <p>{t("feedback.empty.body")}</p>
          </EmptyState>
        )
      ) : (
        <IndexTable
          resourceName={{ singular: t("feedback.resource.singular"), plural: t("feedback.resource.plural") }}
          itemCount={data.feedback.length}
          selectable={false}
          headings={[
            { title: t("feedback.columns.date") },
            { title: t("feedback.columns.customer") },
            { title: t("feedback.columns.order") },
            { title: t("feedback.columns.rating") },
            { title: t("feedback.columns.sentiment") },
            { title: t("feedback.columns.outcome") },
            { title: t("feedback.columns.comment") },
            { title: t("feedback.columns.conversation") },
          ]}
        >
          {data.feedback.map((f, index) => {
            const outcome = f.outcome ? OUTCOMES[f.outcome] : undefined;
            return (
              <IndexTable.Row id={f.id} key={f.id} position={index}>
                <IndexTable.Cell>{formatDate(f.createdAt, { dateStyle: "medium" })}</IndexTable.Cell>
                <IndexTable.Cell>
                  {f.contactName ?? (f.waId ? <bdi dir="ltr">+{f.waId}</bdi> : "—")}
                </IndexTable.Cell>
                <IndexTable.Cell>{f.orderName ?? "—"}</IndexTable.Cell>
                <IndexTable.Cell>
                  <Stars rating={f.rating} />
                </IndexTable.Cell>
                <IndexTable.Cell>
                  {f.sentimentLabel
                    ? `${t(SENTIMENTS[f.sentimentLabel] ?? "feedback.sentiment.neutral")}${f.sentimentScore !== null ? ` (${f.sentimentScore.toFixed(2)})` : ""}`
                    : "—"}
                </IndexTable.Cell>
                <IndexTable.Cell>
                  {outcome ? (
                    <Badge tone={outcome.tone}>{t(outcome.label)}</Badge>
                  ) : (
                    <Badge>{t("feedback.outcome.pending")}</Badge>
                  )}
                </IndexTable.Cell>
                <IndexTable.Cell>
                  <div style={{ maxWidth: 320, whiteSpace: "normal" }} dir="auto">
                    {f.comment ?? "—"}
                  </div>
                </IndexTable.Cell>
                <IndexTable.Cell>
                  {f.conversationId ? (
                    <RemixLink to={`/app/inbox/${f.conversationId}`}>
                      {t("feedback.openConversation")}
                    </RemixLink>
                  ) : (
                    "—"
                  )}
                </IndexTable.Cell>
              </IndexTable.Row>
            );
          })}
        </IndexTable>
      )}
      {(data.next || !data.firstPage) && (
        <Box padding="300" borderBlockStartWidth="025" borderColor="border">
          <InlineStack align="center">
            <Pagination
              hasPrevious={!data.firstPage}
              previousTooltip={t("feedback.firstPage")}
              onPrevious={() => go({})}
              hasNext={!!data.next}
              onNext={() => go({ cursor: data.next })}
            />
          </InlineStack>
        </Box>
      )}
    </Card>
  );
}

import { Link, useLocation, useNavigate, useNavigation } from "@remix-run/react";
import {
  Badge,
  BlockStack,
  Box,
  Card,
  EmptyState,
  InlineStack,
  Pagination,
  Tabs,
  Text,
  TextField,
} from "@shopify/polaris";
import { useEffect, useRef, useState } from "react";
import type { InboxList } from "~/services/inbox.admin.server";
import type { AdminMessageKey } from "~/i18n/admin";
import { useI18n } from "../i18n";
import { ListSkeleton } from "../states";

const FILTERS: { id: InboxList["filter"]; label: AdminMessageKey; count: keyof InboxList["counts"] }[] = [
  { id: "all", label: "inbox.filters.all", count: "all" },
  { id: "attention", label: "inbox.filters.attention", count: "attention" },
  { id: "human", label: "inbox.filters.human", count: "human" },
  { id: "bot", label: "inbox.filters.bot", count: "bot" },
];

/** "14:05" today, "Mon 14:05" this week, "3 Nov" before. */
export function useShortTime() {
  const { formatDate } = useI18n();
  return (iso: string) => {
    const date = new Date(iso);
    const age = Date.now() - date.getTime();
    const sameDay = new Date().toDateString() === date.toDateString();
    if (sameDay) return formatDate(date, { timeStyle: "short" });
    if (age < 6 * 24 * 3600 * 1000)
      return formatDate(date, { weekday: "short", hour: "numeric", minute: "2-digit" });
    return formatDate(date, { day: "numeric", month: "short" });
  };
}

export function ConversationList({ data, selectedId }: { data: InboxList; selectedId?: string }) {
  const { t, formatNumber } = useI18n();
  const navigate = useNavigate();
  const location = useLocation();
  const navigation = useNavigation();
  const shortTime = useShortTime();
  const [search, setSearch] = useState(data.q);
  const typing = useRef<ReturnType<typeof setTimeout>>();

  useEffect(() => setSearch(data.q), [data.q]);

  const go = (changes: Record<string, string | null>, replace = false) => {
    const params = new URLSearchParams(location.search);
    for (const key of ["cursor", "dir", "limit"]) params.delete(key);
    for (const [key, value] of Object.entries(changes)) {
      if (value) params.set(key, value);
      else params.delete(key);
    }
    if (params.get("filter") === "all") params.delete("filter");
    navigate(
      { pathname: location.pathname, search: params.toString() },
      { replace, preventScrollReset: true },
    );
  };

  const onSearch = (value: string) => {
    setSearch(value);
    clearTimeout(typing.current);
    typing.current = setTimeout(() => go({ q: value.trim() || null }, true), 350);
  };

  const threadSearch = (() => {
    const params = new URLSearchParams(location.search);
    params.delete("limit");
    const s = params.toString();
    return s ? `?${s}` : "";
  })();

  const listLoading =
    navigation.state === "loading" &&
    navigation.location.pathname === location.pathname &&
    navigation.location.search !== location.search;
  const selectedTab = Math.max(
    0,
    FILTERS.findIndex((f) => f.id === data.filter),
  );
  const nothingAtAll = data.counts.all === 0;

  return (
    <Card padding="0">
      <Tabs
        tabs={FILTERS.map((f) => ({
          id: `inbox-filter-${f.id}`,
          content: t(f.label),
          badge: data.counts[f.count] ? formatNumber(data.counts[f.count]) : undefined,
          accessibilityLabel: t(f.label),
          panelID: "inbox-list",
        }))}
        selected={selectedTab}
        onSelect={(index) => go({ filter: FILTERS[index].id })}
      />
      <Box padding="300">
        <TextField
          label={t("inbox.search.label")}
          labelHidden
          placeholder={t("inbox.search.placeholder")}
          value={search}
          onChange={onSearch}
          autoComplete="off"
          clearButton
          onClearButtonClick={() => onSearch("")}
        />
      </Box>
      <div id="inbox-list">
        {listLoading ? (
          <ListSkeleton />
        ) : nothingAtAll ? (
          <EmptyState heading={t("inbox.empty.title")} image="">
            <p>{t("inbox.empty.body")}</p>
          </EmptyState>
        ) : data.conversations.length === 0 ? (
          <Box padding="600">
            <BlockStack gap="200" inlineAlign="center">
              <Text as="p" variant="headingSm">
                {t("inbox.empty.noMatchTitle")}
              </Text>
              <Text as="p" tone="subdued">
                {t("inbox.empty.noMatchBody")}
              </Text>
            </BlockStack>
          </Box>
        ) : (
          <ul style={{ margin: 0, padding: 0 }} aria-label={t("inbox.resource.plural")}>
            {data.conversations.map((c) => {
              const name = c.contact.name || `+${c.contact.waId}`;
              const selected = c.id === selectedId;
              const preview = c.preview
                ? `${c.preview.direction === "out" ? `${t(c.preview.author === "merchant" ? "inbox.preview.you" : "inbox.preview.bot")}: ` : ""}${c.preview.text}`
                : t("inbox.preview.none");
              return (
                <li key={c.id} style={{ listStyle: "none" }}>
                  <Link
                    to={`/app/inbox/${c.id}${threadSearch}`}
                    prefetch="intent"
                    aria-current={selected ? "page" : undefined}
                    aria-label={t("inbox.open", { name })}
                    style={{ display: "block", color: "inherit", textDecoration: "none" }}
                  >
                    <Box
                      background={selected ? "bg-surface-selected" : undefined}
                      paddingBlock="300"
                      paddingInline="400"
                      borderBlockStartWidth="025"
                      borderColor="border-secondary"
                    >
                      <BlockStack gap="100">
                        {/* A flex row whose text may shrink: long names end with an ellipsis, the time stays. */}
                        <div
                          style={{
                            display: "flex",
                            justifyContent: "space-between",
                            alignItems: "center",
                            gap: 8,
                          }}
                        >
                          <div style={{ minWidth: 0, flex: "1 1 auto" }}>
                            <Text
                              as="h3"
                              variant="bodyMd"
                              fontWeight={c.unreadCount > 0 ? "bold" : "semibold"}
                              truncate
                            >
                              <bdi>{name}</bdi>
                            </Text>
                          </div>
                          <div style={{ flex: "0 0 auto" }}>
                            <Text as="span" variant="bodySm" tone="subdued">
                              {shortTime(c.lastMessageAt)}
                            </Text>
                          </div>
                        </div>
                        <Text
                          as="p"
                          variant="bodySm"
                          tone={c.unreadCount > 0 ? undefined : "subdued"}
                          truncate
                        >
                          <bdi>{preview}</bdi>
                        </Text>
                        <InlineStack gap="100">
                          {c.unreadCount > 0 && (
                            <Badge tone="info">
                              {t("inbox.badges.unread", { count: formatNumber(c.unreadCount) })}
                            </Badge>
                          )}
                          {c.needsAttention && <Badge tone="attention">{t("inbox.badges.attention")}</Badge>}
                          {c.status === "human" && <Badge tone="success">{t("inbox.badges.human")}</Badge>}
                          {c.contact.blocked && <Badge tone="critical">{t("inbox.badges.blocked")}</Badge>}
                          {!c.contact.botEnabled && !c.contact.blocked && (
                            <Badge>{t("inbox.badges.botOff")}</Badge>
                          )}
                        </InlineStack>
                      </BlockStack>
                    </Box>
                  </Link>
                </li>
              );
            })}
          </ul>
        )}
      </div>
      {(data.page.next || data.page.previous) && (
        <Box padding="300" borderBlockStartWidth="025" borderColor="border">
          <InlineStack align="center">
            <Pagination
              hasPrevious={!!data.page.previous}
              onPrevious={() => go({ cursor: data.page.previous, dir: "before" })}
              hasNext={!!data.page.next}
              onNext={() => go({ cursor: data.page.next, dir: "after" })}
            />
          </InlineStack>
        </Box>
      )}
    </Card>
  );
}

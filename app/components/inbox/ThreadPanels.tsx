import { useFetcher } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Button,
  ButtonGroup,
  Card,
  Divider,
  InlineStack,
  Link,
  Text,
} from "@shopify/polaris";
import { useEffect } from "react";
import { formatCartTotal, formatLineTotal, formatMoney } from "~/domain/conversation/money";
import type { AdminMessageKey } from "~/i18n/admin";
import type { RecentOrdersResult, ThreadView } from "~/services/inbox.admin.server";
import { useToast } from "../app-bridge";
import { useI18n } from "../i18n";
import type { ActionData } from "./Composer";

const DONE: Record<string, AdminMessageKey> = {
  takeOver: "inbox.actions.tookOver",
  giveBack: "inbox.actions.gaveBack",
  block: "inbox.actions.blocked",
  unblock: "inbox.actions.unblocked",
  botOn: "inbox.actions.botTurnedOn",
  botOff: "inbox.actions.botTurnedOff",
};

/** Who the contact is, who answers them, and the merchant's actions on the conversation. */
export function ThreadHeader({ thread }: { thread: ThreadView }) {
  const { t, tx } = useI18n();
  const toast = useToast();
  const id = thread.conversation.id;
  const fetcher = useFetcher<ActionData>({ key: `actions-${id}` });
  const busy = fetcher.state !== "idle";
  const pending = busy ? String(fetcher.formData?.get("intent") ?? "") : "";
  const run = (intent: string) => fetcher.submit({ intent }, { method: "post", action: `/app/inbox/${id}` });

  useEffect(() => {
    if (fetcher.state !== "idle" || !fetcher.data) return;
    if (fetcher.data.ok && fetcher.data.intent && DONE[fetcher.data.intent])
      toast(t(DONE[fetcher.data.intent]));
    else if (!fetcher.data.ok) toast(tx(fetcher.data.message), { isError: true });
  }, [fetcher.state, fetcher.data, t, tx, toast]);

  const { contact, conversation } = thread;
  const name = contact.name || `+${contact.waId}`;
  const human = conversation.status === "human";
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="start" gap="300">
          <BlockStack gap="100">
            <Text as="h2" variant="headingLg">
              <bdi>{name}</bdi>
            </Text>
            <Text as="p" tone="subdued">
              <bdi dir="ltr">+{contact.waId}</bdi>
              {contact.language
                ? ` · ${contact.language === "ar" ? t("common.arabic") : t("common.english")}`
                : ""}
            </Text>
            <InlineStack gap="100">
              <Badge tone={human ? "success" : "info"}>
                {t(human ? "inbox.badges.human" : "inbox.badges.bot")}
              </Badge>
              {conversation.needsAttention && <Badge tone="attention">{t("inbox.badges.attention")}</Badge>}
              {contact.blocked && <Badge tone="critical">{t("inbox.badges.blocked")}</Badge>}
              {!contact.botEnabled && <Badge>{t("inbox.badges.botOff")}</Badge>}
              {!thread.shop.botEnabled && <Badge tone="warning">{t("inbox.badges.shopBotOff")}</Badge>}
            </InlineStack>
          </BlockStack>
          <ButtonGroup>
            {human ? (
              <Button
                variant="primary"
                onClick={() => run("giveBack")}
                loading={pending === "giveBack"}
                disabled={busy}
              >
                {t("inbox.actions.giveBack")}
              </Button>
            ) : (
              <Button
                variant="primary"
                onClick={() => run("takeOver")}
                loading={pending === "takeOver"}
                disabled={busy}
              >
                {t("inbox.actions.takeOver")}
              </Button>
            )}
            <Button
              onClick={() => run(contact.botEnabled ? "botOff" : "botOn")}
              loading={pending === "botOn" || pending === "botOff"}
              disabled={busy}
            >
              {t(contact.botEnabled ? "inbox.actions.botOff" : "inbox.actions.botOn")}
            </Button>
            <Button
              tone={contact.blocked ? undefined : "critical"}
              onClick={() => run(contact.blocked ? "unblock" : "block")}
              loading={pending === "block" || pending === "unblock"}
              disabled={busy}
            >
              {t(contact.blocked ? "inbox.actions.unblock" : "inbox.actions.block")}
            </Button>
          </ButtonGroup>
        </InlineStack>
        {human && (
          <Text as="p" tone="subdued" variant="bodySm">
            {t("inbox.thread.humanHint")}
          </Text>
        )}
      </BlockStack>
    </Card>
  );
}

/** The contact's cart as the bot holds it (from the conversation's state). */
export function CartCard({ thread }: { thread: ThreadView }) {
  const { t, locale, formatNumber } = useI18n();
  const lines = thread.cart;
  const currency = thread.shop.currencyCode;
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h3" variant="headingSm">
          {t("inbox.cart.title")}
        </Text>
        {lines.length === 0 ? (
          <Text as="p" tone="subdued">
            {t("inbox.cart.empty")}
          </Text>
        ) : (
          <BlockStack gap="200">
            {lines.map((line) => (
              <InlineStack key={line.variantId} align="space-between" gap="200" wrap={false}>
                <BlockStack gap="050">
                  <Text as="span" variant="bodyMd">
                    {line.productTitle}
                  </Text>
                  <Text as="span" variant="bodySm" tone="subdued">
                    {[
                      line.variantTitle && line.variantTitle !== "Default Title" ? line.variantTitle : null,
                      `× ${formatNumber(line.quantity)}`,
                    ]
                      .filter(Boolean)
                      .join(" · ")}
                  </Text>
                </BlockStack>
                <Text as="span" variant="bodyMd" numeric>
                  {formatLineTotal(line, locale, currency)}
                </Text>
              </InlineStack>
            ))}
            <Divider />
            <InlineStack align="space-between">
              <Text as="span" fontWeight="semibold">
                {t("inbox.cart.total")}
              </Text>
              <Text as="span" fontWeight="semibold" numeric>
                {formatCartTotal(lines, locale, currency)}
              </Text>
            </InlineStack>
          </BlockStack>
        )}
      </BlockStack>
    </Card>
  );
}

export function OrdersCard({ orders }: { orders: RecentOrdersResult }) {
  const { t, locale, formatDate } = useI18n();
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h3" variant="headingSm">
          {t("inbox.orders.title")}
        </Text>
        {!orders.ok ? (
          <Banner tone="warning">
            <p>{t("inbox.orders.unavailable")}</p>
          </Banner>
        ) : orders.orders.length === 0 ? (
          <Text as="p" tone="subdued">
            {t("inbox.orders.none")}
          </Text>
        ) : (
          <BlockStack gap="300">
            {orders.orders.map((order) => (
              <BlockStack key={order.id} gap="050">
                <InlineStack align="space-between" gap="200">
                  {order.legacyId ? (
                    <Link url={`shopify://admin/orders/${order.legacyId}`} target="_top" removeUnderline>
                      {order.name}
                    </Link>
                  ) : (
                    <Text as="span">{order.name}</Text>
                  )}
                  <Text as="span" numeric>
                    {formatMoney(order.total, locale)}
                  </Text>
                </InlineStack>
                <Text as="span" variant="bodySm" tone="subdued">
                  {[
                    formatDate(order.createdAt, { dateStyle: "medium" }),
                    order.financialStatus,
                    order.fulfillmentStatus,
                  ]
                    .filter(Boolean)
                    .join(" · ")}
                </Text>
              </BlockStack>
            ))}
          </BlockStack>
        )}
      </BlockStack>
    </Card>
  );
}

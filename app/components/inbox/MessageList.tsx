import { Link, useLocation } from "@remix-run/react";
import { Badge, BlockStack, Box, InlineStack, Text } from "@shopify/polaris";
import { useEffect, useRef } from "react";
import type { AdminMessageKey } from "~/i18n/admin";
import type { MessageView } from "~/services/inbox.admin.server";
import { useI18n } from "../i18n";
import { MediaAttachment } from "./MediaAttachment";

const AUTHORS: Record<string, AdminMessageKey> = {
  shopper: "inbox.author.shopper",
  bot: "inbox.author.bot",
  merchant: "inbox.author.merchant",
  system: "inbox.author.system",
};

const STATUSES: Record<string, AdminMessageKey> = {
  received: "inbox.status.received",
  queued: "inbox.status.queued",
  sending: "inbox.status.sending",
  sent: "inbox.status.sent",
  delivered: "inbox.status.delivered",
  read: "inbox.status.read",
  failed: "inbox.status.failed",
  cancelled: "inbox.status.cancelled",
};

const STATUS_TONE: Record<string, "success" | "info" | "critical" | "attention" | undefined> = {
  read: "success",
  delivered: "info",
  failed: "critical",
  queued: "attention",
  sending: "attention",
};

function MessageBubble({ message, contactName }: { message: MessageView; contactName: string }) {
  const { t, formatDate } = useI18n();
  const outbound = message.direction === "out";
  const background =
    message.author === "merchant"
      ? "bg-surface-success"
      : message.author === "bot"
        ? "bg-surface-info"
        : message.author === "system"
          ? "bg-surface-warning"
          : "bg-surface-secondary";
  const author = outbound ? t(AUTHORS[message.author] ?? "inbox.author.system") : contactName;
  const text = message.media ? message.media.caption : message.text;
  return (
    <InlineStack align={outbound ? "end" : "start"}>
      <div style={{ maxWidth: "80%" }}>
        <Box background={background} padding="300" borderRadius="300">
          <BlockStack gap="150">
            <Text as="span" variant="bodySm" fontWeight="semibold" tone="subdued">
              {author}
            </Text>
            {message.media && (
              <MediaAttachment
                messageId={message.id}
                kind={message.media.kind}
                caption={message.media.caption}
              />
            )}
            {text && (
              <Text as="p" variant="bodyMd" breakWord>
                <span style={{ whiteSpace: "pre-wrap" }} dir="auto">
                  {text}
                </span>
              </Text>
            )}
            {message.choices.length > 0 && (
              <InlineStack gap="100">
                {message.choices.map((choice, i) => (
                  <Badge key={i}>{choice}</Badge>
                ))}
              </InlineStack>
            )}
            <InlineStack gap="200" align="end" blockAlign="center">
              <Text as="span" variant="bodySm" tone="subdued">
                <time dateTime={message.createdAt}>{formatDate(message.createdAt)}</time>
              </Text>
              {outbound && (
                <Badge tone={STATUS_TONE[message.status]} size="small">
                  {t(STATUSES[message.status] ?? "inbox.status.queued")}
                </Badge>
              )}
            </InlineStack>
            {message.error && (message.status === "failed" || message.status === "queued") && (
              <Text as="p" variant="bodySm" tone={message.status === "failed" ? "critical" : "caution"}>
                {message.status === "failed"
                  ? t("inbox.status.failedReason", {
                      reason: message.error.title ?? "",
                      code: message.error.code ?? "—",
                    })
                  : t("inbox.status.retrying", { reason: message.error.title ?? "" })}
              </Text>
            )}
          </BlockStack>
        </Box>
      </div>
    </InlineStack>
  );
}

/** The thread, oldest first, scrolled to the newest message (and kept there as messages arrive). */
export function MessageList({
  messages,
  contactName,
  moreMessages,
  limit,
}: {
  messages: MessageView[];
  contactName: string;
  moreMessages: boolean;
  limit: number;
}) {
  const { t } = useI18n();
  const location = useLocation();
  const scroller = useRef<HTMLDivElement>(null);
  const newest = messages.at(-1)?.id;
  useEffect(() => {
    const el = scroller.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [newest]);

  const older = new URLSearchParams(location.search);
  older.set("limit", String(Math.min(limit + 50, 500)));

  if (messages.length === 0) {
    return (
      <Box padding="600">
        <Text as="p" tone="subdued" alignment="center">
          {t("inbox.thread.noMessages")}
        </Text>
      </Box>
    );
  }
  return (
    <div ref={scroller} style={{ maxHeight: "60vh", overflowY: "auto" }} aria-live="polite">
      <Box padding="300">
        <BlockStack gap="300">
          {moreMessages && (
            <InlineStack align="center">
              <Link to={{ pathname: location.pathname, search: older.toString() }} preventScrollReset>
                {t("inbox.thread.older")}
              </Link>
            </InlineStack>
          )}
          {messages.map((m) => (
            <MessageBubble key={m.id} message={m} contactName={contactName} />
          ))}
        </BlockStack>
      </Box>
    </div>
  );
}

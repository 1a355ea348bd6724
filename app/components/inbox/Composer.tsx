import { Link as RemixLink, useFetcher } from "@remix-run/react";
import {
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  InlineStack,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { useEffect, useMemo, useState } from "react";
import type { ThreadView } from "~/services/inbox.admin.server";
import type { TemplateOption } from "~/services/templates.server";
import { newSubmissionKey, useToast } from "../app-bridge";
import { useI18n } from "../i18n";

export interface ActionData {
  ok: boolean;
  intent?: string;
  reason?: string;
  message?: string;
  errors?: Record<string, string>;
}

const REPLY_MAX = 4096;

function TemplatePicker({
  templates,
  conversationId,
  disabled,
}: {
  templates: TemplateOption[];
  conversationId: string;
  disabled: boolean;
}) {
  const { t, tx } = useI18n();
  const toast = useToast();
  const fetcher = useFetcher<ActionData>({ key: `template-${conversationId}` });
  const [selected, setSelected] = useState("");
  const [values, setValues] = useState<Record<string, string>>({});
  const [key, setKey] = useState(newSubmissionKey);
  const template = templates.find((tpl) => `${tpl.name}|${tpl.language}` === selected);

  useEffect(() => {
    if (fetcher.state !== "idle" || !fetcher.data) return;
    if (fetcher.data.ok) {
      toast(t("inbox.composer.templateQueued"));
      setValues({});
      setKey(newSubmissionKey());
    }
  }, [fetcher.state, fetcher.data, t, toast]);

  const preview = useMemo(() => {
    if (!template) return "";
    return template.body.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (m, name: string) => values[`body:${name}`] || m);
  }, [template, values]);

  if (templates.length === 0) {
    return (
      <Text as="p" tone="subdued">
        {t("inbox.templates.none")} <RemixLink to="/app/settings">{t("inbox.templates.syncLink")}</RemixLink>
      </Text>
    );
  }
  const missing = template ? template.params.some((p) => !values[`${p.component}:${p.name}`]?.trim()) : true;
  return (
    <fetcher.Form method="post" action={`/app/inbox/${conversationId}`}>
      <input type="hidden" name="intent" value="template" />
      <input type="hidden" name="key" value={key} />
      <input type="hidden" name="name" value={template?.name ?? ""} />
      <input type="hidden" name="language" value={template?.language ?? ""} />
      <input type="hidden" name="values" value={JSON.stringify(values)} />
      <BlockStack gap="300">
        <Select
          label={t("inbox.templates.label")}
          placeholder={t("inbox.templates.placeholder")}
          options={templates.map((tpl) => ({
            label: `${tpl.name} (${tpl.language})${tpl.unsupported ? ` — ${t(tpl.unsupported)}` : ""}`,
            value: `${tpl.name}|${tpl.language}`,
            disabled: !!tpl.unsupported,
          }))}
          value={selected}
          onChange={(value) => {
            setSelected(value);
            setValues({});
          }}
        />
        {template && (
          <>
            {template.params.map((p) => (
              <TextField
                key={`${p.component}:${p.name}`}
                label={t(
                  p.component === "header" ? "inbox.templates.headerParam" : "inbox.templates.bodyParam",
                  { name: p.name },
                )}
                value={values[`${p.component}:${p.name}`] ?? ""}
                onChange={(value) => setValues((v) => ({ ...v, [`${p.component}:${p.name}`]: value }))}
                autoComplete="off"
                maxLength={1024}
              />
            ))}
            <Box background="bg-surface-secondary" padding="300" borderRadius="200">
              <BlockStack gap="100">
                {template.header && (
                  <Text as="p" fontWeight="semibold">
                    {template.header}
                  </Text>
                )}
                <Text as="p">
                  <span style={{ whiteSpace: "pre-wrap" }} dir="auto">
                    {preview}
                  </span>
                </Text>
                {template.footer && (
                  <Text as="p" tone="subdued" variant="bodySm">
                    {template.footer}
                  </Text>
                )}
              </BlockStack>
            </Box>
          </>
        )}
        {fetcher.data && !fetcher.data.ok && fetcher.state === "idle" && (
          <Banner tone="critical">
            <p>{tx(fetcher.data.message)}</p>
          </Banner>
        )}
        <InlineStack align="end">
          <Button
            submit
            variant="primary"
            disabled={disabled || !template || missing}
            loading={fetcher.state !== "idle"}
          >
            {t("inbox.templates.send")}
          </Button>
        </InlineStack>
      </BlockStack>
    </fetcher.Form>
  );
}

/** Replying as the merchant: free text inside the 24-hour window, an approved template outside it. */
export function Composer({ thread }: { thread: ThreadView }) {
  const { t, tx, formatDate } = useI18n();
  const toast = useToast();
  const id = thread.conversation.id;
  const fetcher = useFetcher<ActionData>({ key: `reply-${id}` });
  const [text, setText] = useState("");
  const [key, setKey] = useState(newSubmissionKey);
  const [useTemplate, setUseTemplate] = useState(false);

  useEffect(() => {
    if (fetcher.state !== "idle" || !fetcher.data) return;
    if (fetcher.data.ok) {
      setText("");
      setKey(newSubmissionKey());
      toast(t("inbox.composer.queued"));
    }
  }, [fetcher.state, fetcher.data, t, toast]);

  useEffect(() => {
    setText("");
    setUseTemplate(false);
  }, [id]);

  if (!thread.connected) {
    return (
      <Card>
        <Banner
          tone="warning"
          title={t("inbox.composer.notConnectedTitle")}
          action={{ content: t("inbox.composer.openSettings"), url: "/app/settings" }}
        >
          <p>{t("inbox.refused.not_connected")}</p>
        </Banner>
      </Card>
    );
  }
  if (thread.contact.blocked) {
    return (
      <Card>
        <Banner tone="info">
          <p>{t("inbox.refused.blocked")}</p>
        </Banner>
      </Card>
    );
  }

  const windowOpen = thread.window.open;
  const error = fetcher.state === "idle" && fetcher.data && !fetcher.data.ok ? fetcher.data : null;
  return (
    <Card>
      <BlockStack gap="300">
        {windowOpen ? (
          <Text as="p" tone="subdued" variant="bodySm">
            {t("inbox.window.openUntil", {
              time: thread.window.closesAt ? formatDate(thread.window.closesAt) : "",
            })}
          </Text>
        ) : (
          <Banner tone="warning" title={t("inbox.window.closedTitle")}>
            <p>{t("inbox.window.closedBody")}</p>
          </Banner>
        )}
        {windowOpen && !useTemplate ? (
          <fetcher.Form method="post" action={`/app/inbox/${id}`}>
            <input type="hidden" name="intent" value="reply" />
            <input type="hidden" name="key" value={key} />
            <BlockStack gap="200">
              <TextField
                label={t("inbox.composer.label")}
                labelHidden
                name="text"
                value={text}
                onChange={setText}
                multiline={3}
                maxLength={REPLY_MAX}
                showCharacterCount={text.length > REPLY_MAX - 200}
                autoComplete="off"
                placeholder={t("inbox.composer.placeholder")}
                error={error?.errors?.text ? tx(error.errors.text) : undefined}
                helpText={thread.conversation.status === "bot" ? t("inbox.composer.takesOver") : undefined}
              />
              {error && !error.errors?.text && (
                <Banner tone="critical">
                  <p>{tx(error.message)}</p>
                </Banner>
              )}
              <InlineStack align="space-between" blockAlign="center">
                <Button variant="plain" onClick={() => setUseTemplate(true)}>
                  {t("inbox.composer.useTemplate")}
                </Button>
                <Button submit variant="primary" disabled={!text.trim()} loading={fetcher.state !== "idle"}>
                  {t("inbox.composer.send")}
                </Button>
              </InlineStack>
            </BlockStack>
          </fetcher.Form>
        ) : (
          <BlockStack gap="200">
            {windowOpen && (
              <InlineStack>
                <Button variant="plain" onClick={() => setUseTemplate(false)}>
                  {t("inbox.composer.backToText")}
                </Button>
              </InlineStack>
            )}
            {thread.contact.optedOut ? (
              <Banner tone="info">
                <p>{t("inbox.refused.opted_out")}</p>
              </Banner>
            ) : (
              <TemplatePicker templates={thread.templates} conversationId={id} disabled={false} />
            )}
          </BlockStack>
        )}
      </BlockStack>
    </Card>
  );
}

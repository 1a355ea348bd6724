import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  InlineStack,
  Layout,
  Page,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { useCallback, useEffect, useMemo, useState } from "react";
import { useToast } from "~/components/app-bridge";
import { Directional, useI18n } from "~/components/i18n";
import { Phone, type PhoneItem, type PhoneSource, type ShopperMessage } from "~/components/simulator/Phone";
import phoneStyles from "~/components/simulator/phone.css?url";
import { AdminErrorBoundary } from "~/components/states";
import { localeFromRequest } from "~/i18n/admin";
import { testBotPage } from "~/services/test-bot.server";
import { authenticate } from "~/shopify.server";

export const links = () => [{ rel: "stylesheet", href: phoneStyles }];

/**
 * "Test your bot": the merchant chats with the store's bot as a sandbox shopper, in the same phone as the demo
 * simulator. Messages run through the shop's real pipeline; nothing is sent to WhatsApp
 * (docs/decisions/009-test-your-bot.md). The phone talks to `/app/test-bot/sandbox`.
 */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return json({ locale: localeFromRequest(request), ...(await testBotPage(session.shop)) });
};

interface SandboxThread {
  sandboxId: string;
  items: PhoneItem[];
  handedOff: boolean;
}

const STORAGE_KEY = "hala-test-bot";
const API = "/app/test-bot/sandbox";

function newSandboxId(): string {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

async function post(fields: Record<string, string>): Promise<void> {
  const res = await fetch(API, { method: "POST", body: new URLSearchParams(fields) });
  if (res.ok) return;
  const body = (await res.json().catch(() => ({}))) as { errors?: Record<string, string> };
  throw new Error(body.errors ? Object.values(body.errors).join("; ") : `HTTP ${res.status}`);
}

export default function TestBot() {
  const data = useLoaderData<typeof loader>();
  const { t } = useI18n();
  const toast = useToast();
  const [sandboxId, setSandboxId] = useState("");
  const [name, setName] = useState("Test shopper");
  const [language, setLanguage] = useState<"en" | "ar">(data.defaultLanguage);
  const [error, setError] = useState<string | null>(null);
  const [handedOff, setHandedOff] = useState(false);

  // One sandbox shopper per browser, remembered across visits.
  useEffect(() => {
    try {
      const saved = JSON.parse(window.localStorage.getItem(STORAGE_KEY) ?? "null") as {
        sandboxId?: string;
        name?: string;
        language?: "en" | "ar";
      } | null;
      setSandboxId(saved?.sandboxId ?? newSandboxId());
      if (saved?.name) setName(saved.name);
      if (saved?.language === "ar" || saved?.language === "en") setLanguage(saved.language);
    } catch {
      setSandboxId(newSandboxId());
    }
  }, []);
  useEffect(() => {
    if (sandboxId) window.localStorage.setItem(STORAGE_KEY, JSON.stringify({ sandboxId, name, language }));
  }, [sandboxId, name, language]);

  const source = useMemo<PhoneSource<SandboxThread>>(
    () => ({
      key: sandboxId,
      poll: async () => {
        if (!sandboxId) return null;
        const res = await fetch(`${API}?sandbox=${encodeURIComponent(sandboxId)}`, { cache: "no-store" });
        return res.ok ? ((await res.json()) as SandboxThread) : null;
      },
      send: async (message: ShopperMessage, replyTo?: string) => {
        if (!sandboxId) return;
        await post({
          intent: "send",
          sandboxId,
          name: name.trim() || "Test shopper",
          language,
          message: JSON.stringify(message),
          ...(replyTo ? { replyTo } : {}),
        });
      },
      reset: async () => {
        if (!sandboxId) return;
        await post({ intent: "reset", sandboxId });
        toast(t("testBot.resetDone"));
      },
    }),
    // name and language are read when a message is sent, not a new thread
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [sandboxId, name, language],
  );

  const onThread = useCallback((thread: SandboxThread | null) => setHandedOff(!!thread?.handedOff), []);

  return (
    <Directional>
      <Page
        title={t("testBot.title")}
        titleMetadata={data.aiEnabled ? <Badge tone="info">{t("nav.assistant")}</Badge> : undefined}
      >
        <Layout>
          <Layout.Section variant="oneThird">
            <BlockStack gap="400">
              <Card>
                <BlockStack gap="300">
                  <Text as="p">{t("testBot.intro")}</Text>
                  <Text as="p" tone="subdued">
                    {t("testBot.checkoutNote")}
                  </Text>
                </BlockStack>
              </Card>
              {!data.botEnabled && <Banner tone="warning">{t("testBot.botOff")}</Banner>}
              {handedOff && <Banner tone="info">{t("testBot.handedOff")}</Banner>}
              {error && (
                <Banner tone="critical" onDismiss={() => setError(null)}>
                  {t("testBot.sendFailed", { error })}
                </Banner>
              )}
              <Card>
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">
                    {t("testBot.shopper")}
                  </Text>
                  <TextField
                    label={t("testBot.name")}
                    value={name}
                    onChange={setName}
                    maxLength={60}
                    autoComplete="off"
                  />
                  <Select
                    label={t("testBot.language")}
                    helpText={t("testBot.languageHelp")}
                    options={[
                      { label: t("common.english"), value: "en" },
                      { label: t("common.arabic"), value: "ar" },
                    ]}
                    value={language}
                    onChange={(v) => setLanguage(v === "ar" ? "ar" : "en")}
                  />
                  <InlineStack>
                    <Button
                      onClick={() => {
                        source.reset?.().catch((e: Error) => setError(e.message));
                      }}
                    >
                      {t("testBot.reset")}
                    </Button>
                  </InlineStack>
                  <Text as="p" tone="subdued" variant="bodySm">
                    {t("testBot.resetHelp")}
                  </Text>
                </BlockStack>
              </Card>
            </BlockStack>
          </Layout.Section>
          <Layout.Section>
            <Box minHeight="640px">
              <div
                className="sim-admin-phone"
                data-testid="test-bot-phone"
                data-ready={sandboxId ? "true" : "false"}
              >
                <Phone
                  source={source}
                  title={data.shopName}
                  language={language}
                  onThread={onThread}
                  onError={setError}
                />
              </div>
            </Box>
          </Layout.Section>
        </Layout>
      </Page>
    </Directional>
  );
}

export function ErrorBoundary() {
  return <AdminErrorBoundary />;
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);

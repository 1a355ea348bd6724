import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  Checkbox,
  Collapsible,
  FormLayout,
  InlineStack,
  Layout,
  Page,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { useEffect, useMemo, useState } from "react";
import { z } from "zod";
import { AdminSaveBar, useToast } from "~/components/app-bridge";
import { Directional, useI18n } from "~/components/i18n";
import { AdminErrorBoundary } from "~/components/states";
import { buildSystemPrompt, promptVariables } from "~/domain/ai/prompt";
import { localeFromRequest } from "~/i18n/admin";
import {
  assistantFieldErrors,
  AssistantFormSchema,
  loadAssistantSettings,
  previewAssistant,
  PreviewSchema,
  saveAssistantSettings,
  type AssistantSettingsView,
  type PreviewReply,
  type PreviewResult,
} from "~/services/ai.server";
import { authenticate } from "~/shopify.server";

/**
 * The AI assistant: on/off, the provider (OpenAI-compatible; the API key is write-only), the merchant's prompt
 * with {{variables}}, tone, store facts and reply length — and a "try it" box that runs a message through the
 * assistant with the store's real catalog without sending anything to WhatsApp.
 */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return json({ locale: localeFromRequest(request), ...(await loadAssistantSettings(session.shop)) });
};

const IntentSchema = z.object({ intent: z.enum(["save", "preview"]) });

function fieldsOf(form: FormData): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of form.entries()) if (typeof value === "string") out[key] = value;
  return out;
}

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const shop = session.shop;
  const fields = fieldsOf(await request.formData());
  const parsed = IntentSchema.safeParse(fields);
  if (!parsed.success)
    return json({ ok: false, intent: null, errors: { form: "assistant.errors.invalid" } }, { status: 400 });
  if (parsed.data.intent === "save") {
    const form = AssistantFormSchema.safeParse(fields);
    if (!form.success)
      return json({ ok: false, intent: "save", errors: assistantFieldErrors(form.error) }, { status: 422 });
    const result = await saveAssistantSettings(shop, form.data);
    return result.ok
      ? json({ ok: true, intent: "save" })
      : json({ ok: false, intent: "save", errors: result.errors }, { status: 422 });
  }
  const preview = PreviewSchema.safeParse(fields);
  if (!preview.success)
    return json(
      { ok: false, intent: "preview", errors: assistantFieldErrors(preview.error) },
      { status: 422 },
    );
  const result = await previewAssistant(shop, preview.data);
  return json({ intent: "preview", ...result }, { status: result.ok ? 200 : 409 });
};

// --- strings ----------------------------------------------------------------------------------------------------

const en = {
  title: "AI assistant",
  save: "Save",
  discard: "Discard",
  saved: "Assistant settings saved",
  saveFailed: "Some fields need attention",
  "section.assistant": "Assistant",
  "section.assistantHelp":
    "When a shopper writes something the menu does not understand, the assistant answers using your catalog. " +
    "Prices, stock and checkout links are always shown by the app, never invented by the model.",
  enabled: "Answer free text with the AI assistant",
  enabledHelp: "Off: the menu's “I didn't get that” answers, as before.",
  baseUrl: "Provider URL",
  baseUrlHelp: "Any OpenAI-compatible API (chat completions). Default: OpenRouter.",
  model: "Model",
  modelHelp: "For example openai/gpt-4o-mini or anthropic/claude-3.5-haiku on OpenRouter.",
  apiKey: "API key",
  apiKeyHelp: "Stored encrypted. Leave blank to keep the current key.",
  apiKeyNone: "No key yet",
  removeKey: "Remove the stored key",
  "section.prompt": "Prompt",
  "section.promptHelp": "Your instructions. The app adds its own rules (tools, prices, language) after them.",
  systemPrompt: "Instructions",
  variables: "Insert a variable:",
  tone: "Tone",
  toneHelp: "For example: warm and concise, a little playful.",
  storeFacts: "Store facts and FAQ",
  storeFactsHelp: "Shipping, returns, opening hours… The assistant only answers store questions from this.",
  maxReplyChars: "Maximum reply length (characters)",
  showPrompt: "Show the full prompt the model receives",
  hidePrompt: "Hide the full prompt",
  "section.try": "Try it",
  "section.tryHelp":
    "Runs a message through the menu and the assistant with your real catalog and the settings above (saved or " +
    "not). Nothing is sent on WhatsApp; no checkout is created.",
  message: "Shopper's message",
  language: "Language",
  "language.auto": "Detect",
  "language.en": "English",
  "language.ar": "Arabic",
  customerName: "Shopper's name",
  send: "Send",
  answeredByAssistant: "Answered by the assistant",
  answeredByRules: "Answered by the menu",
  tools: "Tools used: {tools}",
  tokens: "{calls} calls · {tokens} tokens",
  "section.usage": "Last 7 days",
  usage: "{calls} calls · {tokens} tokens · median {p50} ms · {failures} failed",
  usageNone: "No calls yet.",
  "reason.rules_matched": "The menu understood this message, so the assistant was not needed.",
  "reason.timeout": "The model did not answer in time: the shopper would get the menu.",
  "reason.malformed": "The model's tool calls were invalid twice: the shopper would get the menu.",
  "reason.http": "The provider refused the call (check the key, the model and your credit).",
  "reason.network": "The provider could not be reached.",
  "reason.invalid_response": "The provider's answer was not a chat completion.",
  "reason.budget": "Over the token budget.",
  "reason.rejected": "The model's reply could not be sent.",
  "reason.price": "The model named a price the catalog did not give it, so only the app's messages are sent.",
  "reason.language": "The model answered in another language, so its words are not sent.",
  "reason.link": "The model wrote a link the app did not give it, so its words are not sent.",
  "reason.empty": "The model gave no text.",
  "assistant.preview.noKey": "Add an API key first.",
  "assistant.preview.rateLimited": "Too many tries: wait a moment.",
  "assistant.preview.failed": "The preview failed. Try again.",
  "assistant.errors.invalid": "This value is not valid.",
  "assistant.errors.baseUrl": "Use an https URL of a public API (no credentials or query).",
  "assistant.errors.model": "Use the model's id, e.g. openai/gpt-4o-mini.",
  "assistant.errors.apiKey": "This does not look like an API key.",
  "assistant.errors.keyRequired": "An API key is needed to turn the assistant on.",
  "assistant.errors.tooLong": "Too long.",
  "assistant.errors.unknownVariable":
    "Unknown variable: use {{shop_name}}, {{customer_name}} or {{language}}.",
  "assistant.errors.wholeNumber": "Use a whole number.",
  "assistant.errors.maxReplyChars": "Between 100 and 1000.",
  "assistant.errors.previewMessage": "Type a message to try.",
};
type Key = keyof typeof en;

const ar: Record<Key, string> = {
  title: "المساعد الذكي",
  save: "حفظ",
  discard: "تجاهل",
  saved: "تم حفظ إعدادات المساعد",
  saveFailed: "بعض الحقول تحتاج إلى مراجعة",
  "section.assistant": "المساعد",
  "section.assistantHelp":
    "عندما يكتب المتسوق شيئًا لا تفهمه القائمة، يجيب المساعد باستخدام منتجات متجرك. الأسعار والتوفر وروابط الدفع يعرضها التطبيق دائمًا ولا يخترعها النموذج.",
  enabled: "الرد على الرسائل الحرة بالمساعد الذكي",
  enabledHelp: "عند الإيقاف: ترد القائمة بـ«لم أفهم ذلك» كما في السابق.",
  baseUrl: "رابط المزوّد",
  baseUrlHelp: "أي واجهة متوافقة مع OpenAI (chat completions). الافتراضي: OpenRouter.",
  model: "النموذج",
  modelHelp: "مثل openai/gpt-4o-mini أو anthropic/claude-3.5-haiku على OpenRouter.",
  apiKey: "مفتاح API",
  apiKeyHelp: "يُحفظ مشفّرًا. اتركه فارغًا للإبقاء على المفتاح الحالي.",
  apiKeyNone: "لا يوجد مفتاح بعد",
  removeKey: "حذف المفتاح المحفوظ",
  "section.prompt": "التعليمات",
  "section.promptHelp": "تعليماتك. يضيف التطبيق قواعده (الأدوات، الأسعار، اللغة) بعدها.",
  systemPrompt: "التعليمات",
  variables: "إدراج متغير:",
  tone: "الأسلوب",
  toneHelp: "مثل: ودود وموجز.",
  storeFacts: "معلومات المتجر والأسئلة الشائعة",
  storeFactsHelp: "الشحن، الإرجاع، ساعات العمل… يجيب المساعد عن أسئلة المتجر من هذه المعلومات فقط.",
  maxReplyChars: "أقصى طول للرد (حروف)",
  showPrompt: "عرض التعليمات الكاملة التي يستلمها النموذج",
  hidePrompt: "إخفاء التعليمات الكاملة",
  "section.try": "جرّبه",
  "section.tryHelp":
    "يمرر رسالة عبر القائمة والمساعد مع منتجاتك الحقيقية والإعدادات أعلاه (محفوظة أو لا). لا يُرسل شيء على واتساب ولا يُنشأ طلب دفع.",
  message: "رسالة المتسوق",
  language: "اللغة",
  "language.auto": "تلقائي",
  "language.en": "الإنجليزية",
  "language.ar": "العربية",
  customerName: "اسم المتسوق",
  send: "إرسال",
  answeredByAssistant: "أجاب المساعد",
  answeredByRules: "أجابت القائمة",
  tools: "الأدوات المستخدمة: {tools}",
  tokens: "{calls} استدعاءات · {tokens} رمز",
  "section.usage": "آخر ٧ أيام",
  usage: "{calls} استدعاءات · {tokens} رمز · الوسيط {p50} مللي ثانية · {failures} فشل",
  usageNone: "لا استدعاءات بعد.",
  "reason.rules_matched": "فهمت القائمة هذه الرسالة، فلم تكن هناك حاجة للمساعد.",
  "reason.timeout": "لم يرد النموذج في الوقت المحدد: سيحصل المتسوق على القائمة.",
  "reason.malformed": "استدعاءات الأدوات من النموذج كانت غير صالحة مرتين: سيحصل المتسوق على القائمة.",
  "reason.http": "رفض المزوّد الطلب (تحقق من المفتاح والنموذج والرصيد).",
  "reason.network": "تعذر الوصول إلى المزوّد.",
  "reason.invalid_response": "رد المزوّد ليس بالصيغة المتوقعة.",
  "reason.budget": "تم تجاوز حد الرموز.",
  "reason.rejected": "تعذر إرسال رد النموذج.",
  "reason.price": "ذكر النموذج سعرًا لم يعطه إياه المتجر، لذا تُرسل رسائل التطبيق فقط.",
  "reason.language": "رد النموذج بلغة أخرى، لذا لا يُرسل نصه.",
  "reason.link": "كتب النموذج رابطًا لم يعطه إياه التطبيق، لذا لا يُرسل نصه.",
  "reason.empty": "لم يكتب النموذج نصًا.",
  "assistant.preview.noKey": "أضف مفتاح API أولًا.",
  "assistant.preview.rateLimited": "محاولات كثيرة: انتظر قليلًا.",
  "assistant.preview.failed": "فشلت المعاينة. حاول مرة أخرى.",
  "assistant.errors.invalid": "هذه القيمة غير صالحة.",
  "assistant.errors.baseUrl": "استخدم رابط https لواجهة عامة (بدون بيانات دخول أو استعلام).",
  "assistant.errors.model": "استخدم معرّف النموذج، مثل openai/gpt-4o-mini.",
  "assistant.errors.apiKey": "لا يبدو هذا مفتاح API.",
  "assistant.errors.keyRequired": "يلزم مفتاح API لتشغيل المساعد.",
  "assistant.errors.tooLong": "طويل جدًا.",
  "assistant.errors.unknownVariable":
    "متغير غير معروف: استخدم {{shop_name}} أو {{customer_name}} أو {{language}}.",
  "assistant.errors.wholeNumber": "استخدم عددًا صحيحًا.",
  "assistant.errors.maxReplyChars": "بين 100 و1000.",
  "assistant.errors.previewMessage": "اكتب رسالة للتجربة.",
};

function useStrings() {
  const { locale, formatNumber } = useI18n();
  return useMemo(() => {
    const catalog = locale === "ar" ? ar : en;
    const s = (key: string, values: Record<string, string | number> = {}) => {
      const text = (catalog as Record<string, string>)[key] ?? (en as Record<string, string>)[key] ?? key;
      return text.replace(/\{(\w+)\}/g, (m, name: string) =>
        values[name] === undefined ? m : String(values[name]),
      );
    };
    return { s, formatNumber };
  }, [locale, formatNumber]);
}

// --- the page -----------------------------------------------------------------------------------------------------

type Values = {
  enabled: boolean;
  baseUrl: string;
  model: string;
  apiKey: string;
  removeApiKey: boolean;
  systemPrompt: string;
  tone: string;
  storeFacts: string;
  maxReplyChars: string;
};

interface ActionData {
  ok?: boolean;
  intent?: "save" | "preview" | null;
  errors?: Record<string, string>;
  error?: string;
}

/** The preview's answer: a `PreviewResult`, or 422 field errors. */
type PreviewData = ActionData & Partial<Omit<Extract<PreviewResult, { ok: true }>, "ok">>;

function valuesFrom(data: AssistantSettingsView): Values {
  return {
    ...data.settings,
    apiKey: "",
    removeApiKey: false,
    maxReplyChars: String(data.settings.maxReplyChars),
  };
}

function draftFields(values: Values): Record<string, string> {
  return {
    baseUrl: values.baseUrl,
    model: values.model,
    apiKey: values.apiKey,
    systemPrompt: values.systemPrompt,
    tone: values.tone,
    storeFacts: values.storeFacts,
    maxReplyChars: values.maxReplyChars,
  };
}

function Reply({ reply }: { reply: PreviewReply }) {
  return (
    <Box background="bg-surface-secondary" padding="300" borderRadius="200">
      <BlockStack gap="100">
        {reply.header && (
          <Text as="p" fontWeight="semibold">
            {reply.header}
          </Text>
        )}
        {reply.image && (
          <Text as="p" tone="subdued">
            🖼 {reply.image}
          </Text>
        )}
        <div dir="auto" style={{ whiteSpace: "pre-wrap" }}>
          {reply.text}
        </div>
        {reply.footer && (
          <Text as="p" tone="subdued" variant="bodySm">
            {reply.footer}
          </Text>
        )}
        {reply.choices.length > 0 && (
          <InlineStack gap="100">
            {reply.choices.map((c, i) => (
              <Badge key={i}>{c}</Badge>
            ))}
          </InlineStack>
        )}
        {reply.url && (
          <Text as="p" tone="subdued" variant="bodySm">
            <span dir="ltr">{reply.url}</span>
          </Text>
        )}
      </BlockStack>
    </Box>
  );
}

export default function Assistant() {
  const data = useLoaderData<typeof loader>();
  const { s, formatNumber } = useStrings();
  const toast = useToast();
  const save = useFetcher<ActionData>({ key: "assistant-save" });
  const preview = useFetcher<PreviewData>({ key: "assistant-preview" });

  const initial = useMemo(() => valuesFrom(data), [data]);
  const [values, setValues] = useState<Values>(initial);
  useEffect(() => setValues(initial), [initial]);
  const set =
    <K extends keyof Values>(key: K) =>
    (value: Values[K]) =>
      setValues((v) => ({ ...v, [key]: value }));
  const dirty = (Object.keys(initial) as (keyof Values)[]).some((k) => values[k] !== initial[k]);
  const saving = save.state !== "idle";
  const errors = save.state === "idle" && save.data && !save.data.ok ? (save.data.errors ?? {}) : {};
  const error = (field: string) => (errors[field] ? s(errors[field]) : undefined);

  const [tryMessage, setTryMessage] = useState("");
  const [tryLanguage, setTryLanguage] = useState("auto");
  const [tryName, setTryName] = useState("");
  const [showPrompt, setShowPrompt] = useState(false);

  useEffect(() => {
    if (save.state !== "idle" || !save.data) return;
    if (save.data.ok) toast(s("saved"));
    else toast(s("saveFailed"), { isError: true });
  }, [save.state, save.data, s, toast]);

  const submitSave = () => {
    const form: Record<string, string> = { intent: "save" };
    for (const [key, value] of Object.entries(values)) form[key] = String(value);
    save.submit(form, { method: "post" });
  };
  const submitPreview = () =>
    preview.submit(
      {
        intent: "preview",
        message: tryMessage,
        language: tryLanguage,
        customerName: tryName,
        ...draftFields(values),
      },
      { method: "post" },
    );
  const insert = (name: string) => set("systemPrompt")(`${values.systemPrompt}{{${name}}}`);

  const renderedPrompt = useMemo(() => {
    const language = tryLanguage === "ar" ? "ar" : tryLanguage === "en" ? "en" : data.defaultLanguage;
    return buildSystemPrompt(
      {
        systemPrompt: values.systemPrompt || null,
        tone: values.tone || null,
        storeFacts: values.storeFacts || null,
        maxReplyChars: Number(values.maxReplyChars) || 600,
      },
      promptVariables({ shopName: data.shopName, customerName: tryName || "Sara", language }),
    );
  }, [values, tryLanguage, tryName, data.shopName, data.defaultLanguage]);

  const result = preview.state === "idle" ? preview.data : undefined;
  const previewError =
    result && result.ok === false ? (result.error ?? Object.values(result.errors ?? {})[0]) : undefined;
  const usage = data.usage;

  return (
    <Directional>
      <AdminSaveBar id="hala-assistant-save-bar" open={dirty}>
        <button variant="primary" onClick={submitSave} disabled={saving} loading={saving ? "" : undefined}>
          {s("save")}
        </button>
        <button onClick={() => setValues(initial)} disabled={saving}>
          {s("discard")}
        </button>
      </AdminSaveBar>
      <Page
        title={s("title")}
        primaryAction={{ content: s("save"), onAction: submitSave, disabled: !dirty, loading: saving }}
        secondaryActions={dirty ? [{ content: s("discard"), onAction: () => setValues(initial) }] : []}
      >
        <Layout>
          <Layout.AnnotatedSection title={s("section.assistant")} description={s("section.assistantHelp")}>
            <Card>
              <FormLayout>
                <Checkbox
                  label={s("enabled")}
                  helpText={s("enabledHelp")}
                  checked={values.enabled}
                  onChange={set("enabled")}
                  error={error("enabled")}
                />
                <TextField
                  label={s("baseUrl")}
                  helpText={s("baseUrlHelp")}
                  value={values.baseUrl}
                  onChange={set("baseUrl")}
                  error={error("baseUrl")}
                  autoComplete="off"
                />
                <TextField
                  label={s("model")}
                  helpText={s("modelHelp")}
                  value={values.model}
                  onChange={set("model")}
                  error={error("model")}
                  autoComplete="off"
                />
                <TextField
                  label={s("apiKey")}
                  type="password"
                  value={values.apiKey}
                  onChange={set("apiKey")}
                  error={error("apiKey")}
                  autoComplete="new-password"
                  placeholder={data.settings.hasApiKey ? data.settings.apiKeyMasked : s("apiKeyNone")}
                  helpText={s("apiKeyHelp")}
                />
                {data.settings.hasApiKey && (
                  <Checkbox
                    label={s("removeKey")}
                    checked={values.removeApiKey}
                    onChange={set("removeApiKey")}
                  />
                )}
              </FormLayout>
            </Card>
          </Layout.AnnotatedSection>

          <Layout.AnnotatedSection title={s("section.prompt")} description={s("section.promptHelp")}>
            <Card>
              <FormLayout>
                <TextField
                  label={s("systemPrompt")}
                  value={values.systemPrompt}
                  onChange={set("systemPrompt")}
                  error={error("systemPrompt")}
                  placeholder={data.defaults.systemPrompt}
                  multiline={6}
                  maxLength={data.limits.systemPromptChars}
                  showCharacterCount
                  autoComplete="off"
                />
                <InlineStack gap="200" blockAlign="center">
                  <Text as="span" tone="subdued">
                    {s("variables")}
                  </Text>
                  {data.variables.map((name) => (
                    <Button key={name} size="slim" onClick={() => insert(name)}>
                      {`{{${name}}}`}
                    </Button>
                  ))}
                </InlineStack>
                <TextField
                  label={s("tone")}
                  helpText={s("toneHelp")}
                  value={values.tone}
                  onChange={set("tone")}
                  error={error("tone")}
                  maxLength={data.limits.toneChars}
                  autoComplete="off"
                />
                <TextField
                  label={s("storeFacts")}
                  helpText={s("storeFactsHelp")}
                  value={values.storeFacts}
                  onChange={set("storeFacts")}
                  error={error("storeFacts")}
                  multiline={5}
                  maxLength={data.limits.storeFactsChars}
                  showCharacterCount
                  autoComplete="off"
                />
                <TextField
                  label={s("maxReplyChars")}
                  type="number"
                  value={values.maxReplyChars}
                  onChange={set("maxReplyChars")}
                  error={error("maxReplyChars")}
                  min={data.limits.minReplyChars}
                  max={data.limits.maxReplyChars}
                  autoComplete="off"
                />
                <Button variant="plain" onClick={() => setShowPrompt((v) => !v)} ariaExpanded={showPrompt}>
                  {showPrompt ? s("hidePrompt") : s("showPrompt")}
                </Button>
                <Collapsible open={showPrompt} id="assistant-full-prompt">
                  <Box background="bg-surface-secondary" padding="300" borderRadius="200">
                    <pre dir="auto" style={{ whiteSpace: "pre-wrap", margin: 0, fontSize: 12 }}>
                      {renderedPrompt}
                    </pre>
                  </Box>
                </Collapsible>
              </FormLayout>
            </Card>
          </Layout.AnnotatedSection>

          <Layout.AnnotatedSection title={s("section.try")} description={s("section.tryHelp")}>
            <Card>
              <BlockStack gap="300">
                <FormLayout>
                  <TextField
                    label={s("message")}
                    value={tryMessage}
                    onChange={setTryMessage}
                    multiline={2}
                    autoComplete="off"
                  />
                  <FormLayout.Group>
                    <Select
                      label={s("language")}
                      value={tryLanguage}
                      onChange={setTryLanguage}
                      options={["auto", "en", "ar"].map((v) => ({ value: v, label: s(`language.${v}`) }))}
                    />
                    <TextField
                      label={s("customerName")}
                      value={tryName}
                      onChange={setTryName}
                      autoComplete="off"
                    />
                  </FormLayout.Group>
                </FormLayout>
                <InlineStack>
                  <Button
                    onClick={submitPreview}
                    loading={preview.state !== "idle"}
                    disabled={!tryMessage.trim()}
                  >
                    {s("send")}
                  </Button>
                </InlineStack>
                {previewError && <Banner tone="warning">{s(previewError)}</Banner>}
                {result?.ok && result.replies && (
                  <BlockStack gap="200">
                    <InlineStack gap="200" blockAlign="center">
                      <Badge tone={result.source === "assistant" ? "success" : "info"}>
                        {result.source === "assistant" ? s("answeredByAssistant") : s("answeredByRules")}
                      </Badge>
                      {result.usage && result.usage.calls > 0 && (
                        <Text as="span" tone="subdued" variant="bodySm">
                          {s("tokens", {
                            calls: formatNumber(result.usage.calls),
                            tokens: formatNumber(result.usage.promptTokens + result.usage.completionTokens),
                          })}
                        </Text>
                      )}
                    </InlineStack>
                    {result.reason && (
                      <Text as="p" tone="subdued">
                        {s(`reason.${result.reason}`)}
                      </Text>
                    )}
                    {result.tools && result.tools.length > 0 && (
                      <Text as="p" tone="subdued" variant="bodySm">
                        {s("tools", { tools: result.tools.join(", ") })}
                      </Text>
                    )}
                    {result.replies.map((reply, i) => (
                      <Reply key={i} reply={reply} />
                    ))}
                  </BlockStack>
                )}
              </BlockStack>
            </Card>
          </Layout.AnnotatedSection>

          <Layout.AnnotatedSection title={s("section.usage")}>
            <Card>
              <Text as="p">
                {usage.calls === 0
                  ? s("usageNone")
                  : s("usage", {
                      calls: formatNumber(usage.calls),
                      tokens: formatNumber(usage.totalTokens),
                      p50: formatNumber(usage.p50LatencyMs ?? 0),
                      failures: formatNumber(usage.failures),
                    })}
              </Text>
            </Card>
          </Layout.AnnotatedSection>
        </Layout>
      </Page>
    </Directional>
  );
}

export function ErrorBoundary() {
  return <AdminErrorBoundary />;
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);

import { useFetcher } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  Checkbox,
  FormLayout,
  InlineStack,
  Layout,
  Page,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { useEffect, useMemo, useRef, useState } from "react";
import type { AdminMessageKey } from "~/i18n/admin";
import type { GraphErrorView, SettingsView } from "~/services/settings.server";
import { AdminSaveBar, useToast } from "../app-bridge";
import { CopyField } from "../CopyField";
import { useI18n } from "../i18n";
import { SetupChecklist } from "./SetupChecklist";

export interface SettingsActionData {
  ok: boolean;
  intent: string | null;
  errors?: Record<string, string>;
  reason?: string;
  error?: GraphErrorView;
  displayName?: string | null;
  qualityRating?: string | null;
  displayPhoneNumber?: string | null;
  count?: number;
}

type Values = {
  phoneNumberId: string;
  wabaId: string;
  accessToken: string;
  appSecret: string;
  botEnabled: boolean;
  defaultLanguage: "en" | "ar";
  welcomeMessageEn: string;
  welcomeMessageAr: string;
  awayMessageEn: string;
  awayMessageAr: string;
  reviewUrl: string;
  feedbackEnabled: boolean;
  feedbackDelayValue: string;
  feedbackDelayUnit: string;
  feedbackTemplateName: string;
  feedbackTemplateLanguage: string;
  notifyEmail: string;
  notifyWebhookUrl: string;
  idleTimeoutMinutes: string;
};

function valuesFrom(data: SettingsView): Values {
  const c = data.connection;
  return {
    phoneNumberId: c.connected ? c.phoneNumberId : "",
    wabaId: c.connected ? c.wabaId : "",
    // Secrets are write-only: the field starts empty, an empty field keeps the stored one.
    accessToken: "",
    appSecret: "",
    ...data.bot,
    feedbackDelayValue: String(data.bot.feedbackDelayValue),
    idleTimeoutMinutes: String(data.bot.idleTimeoutMinutes),
  };
}

const QUALITY_TONE: Record<string, "success" | "warning" | "critical" | undefined> = {
  GREEN: "success",
  YELLOW: "warning",
  RED: "critical",
};

function GraphError({ error }: { error: GraphErrorView }) {
  const { t } = useI18n();
  return (
    <Banner tone="critical" title={t("settings.test.failedTitle")}>
      <BlockStack gap="100">
        <p>
          {error.title}
          {error.code !== null ? ` (${t("settings.test.code", { code: error.code })})` : ""}
        </p>
        {error.details && <p>{error.details}</p>}
      </BlockStack>
    </Banner>
  );
}

export function SettingsForm({ data }: { data: SettingsView }) {
  const { t, tx, formatDate, formatNumber } = useI18n();
  const toast = useToast();
  const save = useFetcher<SettingsActionData>({ key: "settings-save" });
  const test = useFetcher<SettingsActionData>({ key: "settings-test" });
  const regenerate = useFetcher<SettingsActionData>({ key: "settings-regenerate" });
  const sync = useFetcher<SettingsActionData>({ key: "settings-sync" });

  const initial = useMemo(() => valuesFrom(data), [data]);
  const [values, setValues] = useState<Values>(initial);
  const previous = useRef(initial);
  // New loader data (after a save, a test, a sync…): take the new values of the fields the merchant did not edit.
  useEffect(() => {
    const old = previous.current;
    previous.current = initial;
    setValues((current) => {
      const next = { ...current };
      for (const key of Object.keys(initial) as (keyof Values)[]) {
        if (current[key] === old[key]) (next as Record<string, unknown>)[key] = initial[key];
      }
      return next;
    });
  }, [initial]);

  const dirty = (Object.keys(initial) as (keyof Values)[]).some((key) => values[key] !== initial[key]);
  const set =
    <K extends keyof Values>(key: K) =>
    (value: Values[K]) =>
      setValues((v) => ({ ...v, [key]: value }));
  const saving = save.state !== "idle";
  const errors = save.state === "idle" && save.data && !save.data.ok ? (save.data.errors ?? {}) : {};
  const error = (field: keyof Values) => (errors[field] ? tx(errors[field]) : undefined);

  const submitSave = () => {
    const form: Record<string, string> = { intent: "save" };
    for (const [key, value] of Object.entries(values)) form[key] = String(value);
    save.submit(form, { method: "post" });
  };
  const discard = () => setValues(initial);

  useEffect(() => {
    if (save.state !== "idle" || !save.data) return;
    if (save.data.ok) {
      setValues((v) => ({ ...v, accessToken: "", appSecret: "" }));
      toast(t("settings.saved"));
    } else {
      toast(t("settings.saveFailed"), { isError: true });
    }
  }, [save.state, save.data, t, toast]);

  useEffect(() => {
    if (test.state === "idle" && test.data?.ok) toast(t("settings.test.okToast"));
  }, [test.state, test.data, t, toast]);
  useEffect(() => {
    if (regenerate.state === "idle" && regenerate.data?.ok) toast(t("settings.webhook.regenerated"));
  }, [regenerate.state, regenerate.data, t, toast]);
  useEffect(() => {
    if (sync.state === "idle" && sync.data?.ok)
      toast(t("settings.templates.synced", { count: formatNumber(sync.data.count ?? 0) }));
  }, [sync.state, sync.data, t, toast, formatNumber]);

  const connection = data.connection;
  const connectionDirty = ["phoneNumberId", "wabaId", "accessToken", "appSecret"].some(
    (key) => values[key as keyof Values] !== initial[key as keyof Values],
  );
  const testResult = test.state === "idle" ? test.data : undefined;
  const syncResult = sync.state === "idle" ? sync.data : undefined;
  const allDone = Object.values(data.checklist).every(Boolean);
  const delayUnits: { value: string; label: AdminMessageKey }[] = [
    { value: "minutes", label: "settings.units.minutes" },
    { value: "hours", label: "settings.units.hours" },
    { value: "days", label: "settings.units.days" },
  ];

  return (
    <>
      <AdminSaveBar id="hala-settings-save-bar" open={dirty}>
        <button variant="primary" onClick={submitSave} disabled={saving} loading={saving ? "" : undefined}>
          {t("common.save")}
        </button>
        <button onClick={discard} disabled={saving}>
          {t("common.discard")}
        </button>
      </AdminSaveBar>
      <Page
        title={t("settings.title")}
        primaryAction={{ content: t("common.save"), onAction: submitSave, disabled: !dirty, loading: saving }}
        secondaryActions={dirty ? [{ content: t("common.discard"), onAction: discard }] : []}
      >
        <Layout>
          {!allDone && (
            <Layout.Section>
              <SetupChecklist checklist={data.checklist} />
            </Layout.Section>
          )}
          {save.state === "idle" && save.data && !save.data.ok && (
            <Layout.Section>
              <Banner tone="critical" title={t("settings.errors.bannerTitle")}>
                <p>{t("settings.errors.bannerBody")}</p>
              </Banner>
            </Layout.Section>
          )}

          <Layout.AnnotatedSection
            title={t("settings.connection.title")}
            description={t("settings.connection.description")}
          >
            <Card>
              <BlockStack gap="400">
                <InlineStack gap="200" blockAlign="center">
                  {connection.connected ? (
                    <Badge tone="success">{t("settings.connection.connected")}</Badge>
                  ) : (
                    <Badge>{t("settings.connection.notConnected")}</Badge>
                  )}
                  {connection.connected && connection.displayName && (
                    <Text as="span" fontWeight="semibold">
                      {connection.displayName}
                    </Text>
                  )}
                  {connection.connected && connection.displayPhoneNumber && (
                    <Text as="span" tone="subdued">
                      <span dir="ltr">{connection.displayPhoneNumber}</span>
                    </Text>
                  )}
                  {connection.connected && connection.qualityRating && (
                    <Badge tone={QUALITY_TONE[connection.qualityRating]}>
                      {t("settings.connection.quality", { rating: connection.qualityRating })}
                    </Badge>
                  )}
                </InlineStack>
                <FormLayout>
                  <FormLayout.Group>
                    <TextField
                      label={t("settings.fields.phoneNumberId")}
                      helpText={t("settings.fields.phoneNumberIdHelp")}
                      value={values.phoneNumberId}
                      onChange={set("phoneNumberId")}
                      error={error("phoneNumberId")}
                      autoComplete="off"
                      inputMode="numeric"
                      requiredIndicator={connection.connected || connectionDirty}
                    />
                    <TextField
                      label={t("settings.fields.wabaId")}
                      helpText={t("settings.fields.wabaIdHelp")}
                      value={values.wabaId}
                      onChange={set("wabaId")}
                      error={error("wabaId")}
                      autoComplete="off"
                      inputMode="numeric"
                      requiredIndicator={connection.connected || connectionDirty}
                    />
                  </FormLayout.Group>
                  <TextField
                    label={t("settings.fields.accessToken")}
                    type="password"
                    value={values.accessToken}
                    onChange={set("accessToken")}
                    error={error("accessToken")}
                    autoComplete="new-password"
                    placeholder={connection.connected ? connection.accessTokenMasked : ""}
                    helpText={t(
                      connection.connected ? "settings.fields.secretKeep" : "settings.fields.accessTokenHelp",
                    )}
                    requiredIndicator={!connection.connected && connectionDirty}
                  />
                  <TextField
                    label={t("settings.fields.appSecret")}
                    type="password"
                    value={values.appSecret}
                    onChange={set("appSecret")}
                    error={error("appSecret")}
                    autoComplete="new-password"
                    placeholder={connection.connected ? connection.appSecretMasked : ""}
                    helpText={t(
                      connection.connected ? "settings.fields.secretKeep" : "settings.fields.appSecretHelp",
                    )}
                  />
                </FormLayout>
                {testResult && !testResult.ok && testResult.error && <GraphError error={testResult.error} />}
                {testResult && !testResult.ok && testResult.reason === "not_connected" && (
                  <Banner tone="warning">
                    <p>{t("settings.test.notConnected")}</p>
                  </Banner>
                )}
                {testResult?.ok && (
                  <Banner tone="success" title={t("settings.test.okTitle")}>
                    <p>
                      {t("settings.test.okBody", {
                        name: testResult.displayName ?? "—",
                        rating: testResult.qualityRating ?? "—",
                      })}
                    </p>
                  </Banner>
                )}
                <InlineStack align="end" gap="200" blockAlign="center">
                  {connectionDirty && connection.connected && (
                    <Text as="span" tone="subdued" variant="bodySm">
                      {t("settings.test.saveFirst")}
                    </Text>
                  )}
                  <test.Form method="post">
                    <input type="hidden" name="intent" value="testConnection" />
                    <Button
                      submit
                      disabled={!connection.connected || connectionDirty}
                      loading={test.state !== "idle"}
                    >
                      {t("settings.test.button")}
                    </Button>
                  </test.Form>
                </InlineStack>
              </BlockStack>
            </Card>
          </Layout.AnnotatedSection>

          <Layout.AnnotatedSection
            title={t("settings.webhook.title")}
            description={t("settings.webhook.description")}
          >
            <Card>
              <BlockStack gap="400">
                <CopyField label={t("settings.webhook.url")} value={data.webhookUrl} />
                {connection.connected ? (
                  <>
                    <CopyField
                      label={t("settings.webhook.verifyToken")}
                      value={connection.verifyToken}
                      helpText={t("settings.webhook.verifyTokenHelp")}
                    />
                    <InlineStack align="end">
                      <regenerate.Form method="post">
                        <input type="hidden" name="intent" value="regenerateVerifyToken" />
                        <Button submit variant="plain" tone="critical" loading={regenerate.state !== "idle"}>
                          {t("settings.webhook.regenerate")}
                        </Button>
                      </regenerate.Form>
                    </InlineStack>
                  </>
                ) : (
                  <Text as="p" tone="subdued">
                    {t("settings.webhook.connectFirst")}
                  </Text>
                )}
                <Text as="p" tone={data.checklist.webhookVerified ? "success" : "subdued"}>
                  {t(
                    data.checklist.webhookVerified ? "settings.webhook.verified" : "settings.webhook.waiting",
                  )}
                </Text>
              </BlockStack>
            </Card>
          </Layout.AnnotatedSection>

          <Layout.AnnotatedSection
            title={t("settings.bot.title")}
            description={t("settings.bot.description")}
          >
            <Card>
              <FormLayout>
                <Checkbox
                  label={t("settings.fields.botEnabled")}
                  helpText={t("settings.fields.botEnabledHelp")}
                  checked={values.botEnabled}
                  onChange={set("botEnabled")}
                />
                <Select
                  label={t("settings.fields.defaultLanguage")}
                  helpText={t("settings.fields.defaultLanguageHelp")}
                  options={[
                    { label: t("common.english"), value: "en" },
                    { label: t("common.arabic"), value: "ar" },
                  ]}
                  value={values.defaultLanguage}
                  onChange={(v) => set("defaultLanguage")(v === "ar" ? "ar" : "en")}
                  error={error("defaultLanguage")}
                />
                <FormLayout.Group>
                  <TextField
                    label={t("settings.fields.welcomeMessageEn")}
                    value={values.welcomeMessageEn}
                    onChange={set("welcomeMessageEn")}
                    error={error("welcomeMessageEn")}
                    multiline={3}
                    maxLength={1024}
                    showCharacterCount
                    autoComplete="off"
                  />
                  <div dir="rtl">
                    <TextField
                      label={t("settings.fields.welcomeMessageAr")}
                      value={values.welcomeMessageAr}
                      onChange={set("welcomeMessageAr")}
                      error={error("welcomeMessageAr")}
                      multiline={3}
                      maxLength={1024}
                      showCharacterCount
                      autoComplete="off"
                    />
                  </div>
                </FormLayout.Group>
                <FormLayout.Group>
                  <TextField
                    label={t("settings.fields.awayMessageEn")}
                    helpText={t("settings.fields.awayMessageHelp")}
                    value={values.awayMessageEn}
                    onChange={set("awayMessageEn")}
                    error={error("awayMessageEn")}
                    multiline={2}
                    maxLength={1024}
                    autoComplete="off"
                  />
                  <div dir="rtl">
                    <TextField
                      label={t("settings.fields.awayMessageAr")}
                      value={values.awayMessageAr}
                      onChange={set("awayMessageAr")}
                      error={error("awayMessageAr")}
                      multiline={2}
                      maxLength={1024}
                      autoComplete="off"
                    />
                  </div>
                </FormLayout.Group>
                <TextField
                  label={t("settings.fields.idleTimeoutMinutes")}
                  helpText={t("settings.fields.idleTimeoutHelp")}
                  type="number"
                  min={0}
                  value={values.idleTimeoutMinutes}
                  onChange={set("idleTimeoutMinutes")}
                  error={error("idleTimeoutMinutes")}
                  suffix={t("settings.units.minutes")}
                  autoComplete="off"
                />
              </FormLayout>
            </Card>
          </Layout.AnnotatedSection>

          <Layout.AnnotatedSection
            title={t("settings.feedback.title")}
            description={t("settings.feedback.description")}
          >
            <Card>
              <FormLayout>
                <Checkbox
                  label={t("settings.fields.feedbackEnabled")}
                  checked={values.feedbackEnabled}
                  onChange={set("feedbackEnabled")}
                />
                <FormLayout.Group condensed>
                  <TextField
                    label={t("settings.fields.feedbackDelay")}
                    type="number"
                    min={1}
                    value={values.feedbackDelayValue}
                    onChange={set("feedbackDelayValue")}
                    error={error("feedbackDelayValue")}
                    autoComplete="off"
                    disabled={!values.feedbackEnabled}
                  />
                  <Select
                    label={t("settings.fields.feedbackDelayUnit")}
                    options={delayUnits.map((u) => ({ value: u.value, label: t(u.label) }))}
                    value={values.feedbackDelayUnit}
                    onChange={set("feedbackDelayUnit")}
                    error={error("feedbackDelayUnit")}
                    disabled={!values.feedbackEnabled}
                  />
                </FormLayout.Group>
                <TextField
                  label={t("settings.fields.reviewUrl")}
                  helpText={t("settings.fields.reviewUrlHelp")}
                  type="url"
                  value={values.reviewUrl}
                  onChange={set("reviewUrl")}
                  error={error("reviewUrl")}
                  autoComplete="off"
                  placeholder="https://"
                />
                <FormLayout.Group>
                  <TextField
                    label={t("settings.fields.feedbackTemplateName")}
                    helpText={t("settings.fields.feedbackTemplateNameHelp")}
                    value={values.feedbackTemplateName}
                    onChange={set("feedbackTemplateName")}
                    error={error("feedbackTemplateName")}
                    autoComplete="off"
                    placeholder="hala_feedback_request"
                  />
                  <TextField
                    label={t("settings.fields.feedbackTemplateLanguage")}
                    helpText={t("settings.fields.feedbackTemplateLanguageHelp")}
                    value={values.feedbackTemplateLanguage}
                    onChange={set("feedbackTemplateLanguage")}
                    error={error("feedbackTemplateLanguage")}
                    autoComplete="off"
                    placeholder="en"
                  />
                </FormLayout.Group>
              </FormLayout>
            </Card>
          </Layout.AnnotatedSection>

          <Layout.AnnotatedSection
            title={t("settings.notify.title")}
            description={t("settings.notify.description")}
          >
            <Card>
              <FormLayout>
                <TextField
                  label={t("settings.fields.notifyEmail")}
                  helpText={t("settings.fields.notifyEmailHelp")}
                  type="email"
                  value={values.notifyEmail}
                  onChange={set("notifyEmail")}
                  error={error("notifyEmail")}
                  autoComplete="email"
                />
                <TextField
                  label={t("settings.fields.notifyWebhookUrl")}
                  helpText={t("settings.fields.notifyWebhookUrlHelp")}
                  type="url"
                  value={values.notifyWebhookUrl}
                  onChange={set("notifyWebhookUrl")}
                  error={error("notifyWebhookUrl")}
                  autoComplete="off"
                  placeholder="https://"
                />
              </FormLayout>
            </Card>
          </Layout.AnnotatedSection>

          <Layout.AnnotatedSection
            title={t("settings.templates.title")}
            description={t("settings.templates.description")}
          >
            <Card>
              <BlockStack gap="300">
                <InlineStack align="space-between" blockAlign="center">
                  <Text as="span" tone="subdued">
                    {data.templatesSyncedAt
                      ? t("settings.templates.lastSync", { date: formatDate(data.templatesSyncedAt) })
                      : t("settings.templates.neverSynced")}
                  </Text>
                  <sync.Form method="post">
                    <input type="hidden" name="intent" value="syncTemplates" />
                    <Button submit disabled={!connection.connected} loading={sync.state !== "idle"}>
                      {t("settings.templates.sync")}
                    </Button>
                  </sync.Form>
                </InlineStack>
                {syncResult && !syncResult.ok && syncResult.error && <GraphError error={syncResult.error} />}
                {data.templates.length === 0 ? (
                  <Text as="p" tone="subdued">
                    {t("settings.templates.none")}
                  </Text>
                ) : (
                  <Box>
                    <BlockStack gap="200">
                      {data.templates.map((tpl) => (
                        <InlineStack key={`${tpl.name}|${tpl.language}`} align="space-between" gap="200">
                          <Text as="span">
                            <span dir="ltr">
                              {tpl.name} · {tpl.language}
                            </span>
                          </Text>
                          <InlineStack gap="100">
                            {tpl.category && <Badge>{tpl.category}</Badge>}
                            <Badge
                              tone={
                                tpl.status === "APPROVED"
                                  ? "success"
                                  : tpl.status === "REJECTED"
                                    ? "critical"
                                    : "attention"
                              }
                            >
                              {tpl.status}
                            </Badge>
                          </InlineStack>
                        </InlineStack>
                      ))}
                    </BlockStack>
                  </Box>
                )}
              </BlockStack>
            </Card>
          </Layout.AnnotatedSection>
        </Layout>
        <Box paddingBlockEnd="800" />
      </Page>
    </>
  );
}

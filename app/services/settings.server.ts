import { randomBytes } from "node:crypto";
import { z } from "zod";
import { credentialsOf, updateAccountProfile, upsertAccount } from "~/adapters/db/accounts.server";
import { isUniqueViolation } from "~/adapters/db/errors";
import { storableText } from "~/adapters/db/text.server";
import {
  clearAccountProfile,
  findShopAccount,
  getOrCreateShopSettings,
  hasReceivedWebhook,
  lastTemplateSync,
  listTemplates,
  saveBotSettings,
  setVerifyToken,
} from "~/adapters/db/settings.server";
import { openSecret } from "~/adapters/crypto/keyring.server";
import { mask } from "~/adapters/crypto/secrets";
import { getPhoneNumber } from "~/adapters/whatsapp/client.server";
import type { AdminClient } from "~/adapters/shopify/admin-client";
import { publishStorefrontPhone } from "~/adapters/shopify/storefront";
import type { GraphErrorClass } from "~/adapters/whatsapp/graph-errors";
import { env } from "~/env.server";
import type { AdminMessageKey } from "~/i18n/admin";
import { log } from "~/logger.server";

/**
 * The settings page: the WhatsApp connection (secrets are write-only: the page only ever sees them masked),
 * the bot's settings, the webhook details Meta needs and the set-up checklist.
 * Validation errors are message keys of the admin catalogs (app/i18n/admin), worded by the page.
 */

export type FieldErrors = Record<string, AdminMessageKey>;

/** zod issues → the first message key per field. */
export function fieldErrors(error: z.ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? "form");
    if (!errors[field]) errors[field] = issue.message as AdminMessageKey;
  }
  return errors;
}

// --- the form ---------------------------------------------------------------------------------------

const blankToUndefined = (value: unknown) =>
  typeof value === "string" && value.trim() === "" ? undefined : value;
const trimmed = (value: unknown) => (typeof value === "string" ? value.trim() : value);
const optionalText = (max: number, key: AdminMessageKey) =>
  z.preprocess(blankToUndefined, z.string().max(max, key).optional());
const checkbox = z.preprocess((v) => v === true || v === "true" || v === "on" || v === "1", z.boolean());
const httpsUrl = (key: AdminMessageKey) =>
  z.preprocess(
    (v) => blankToUndefined(trimmed(v)),
    z
      .string()
      .max(2000, key)
      .refine((v) => {
        try {
          const url = new URL(v);
          return url.protocol === "https:" && !!url.hostname;
        } catch {
          return false;
        }
      }, key)
      .optional(),
  );
const digits = (key: AdminMessageKey) =>
  z.preprocess(
    (v) => blankToUndefined(trimmed(v)),
    z
      .string()
      .regex(/^\d{5,25}$/, key)
      .optional(),
  );
const secret = (key: AdminMessageKey) =>
  z.preprocess(
    (v) => blankToUndefined(trimmed(v)),
    z
      .string()
      .regex(/^\S{8,1000}$/, key)
      .optional(),
  );

/** WhatsApp bodies are at most 1024 characters in interactive messages (the welcome opens the menu). */
export const MESSAGE_MAX = 1024;
export const DELAY_UNITS = { minutes: 1, hours: 60, days: 1440 } as const;
export type DelayUnit = keyof typeof DELAY_UNITS;
const MAX_FEEDBACK_DELAY_MINUTES = 60 * 24 * 60; // 60 days
const MAX_IDLE_MINUTES = 60 * 24 * 30; // 30 days

export const SettingsFormSchema = z
  .object({
    phoneNumberId: digits("settings.errors.phoneNumberId"),
    wabaId: digits("settings.errors.wabaId"),
    accessToken: secret("settings.errors.accessToken"),
    appSecret: secret("settings.errors.appSecret"),

    botEnabled: checkbox,
    defaultLanguage: z.enum(["en", "ar"], "settings.errors.language"),
    welcomeMessageEn: optionalText(MESSAGE_MAX, "settings.errors.messageTooLong"),
    welcomeMessageAr: optionalText(MESSAGE_MAX, "settings.errors.messageTooLong"),
    awayMessageEn: optionalText(MESSAGE_MAX, "settings.errors.messageTooLong"),
    awayMessageAr: optionalText(MESSAGE_MAX, "settings.errors.messageTooLong"),
    reviewUrl: httpsUrl("settings.errors.httpsUrl"),
    feedbackEnabled: checkbox,
    feedbackDelayValue: z.coerce
      .number("settings.errors.wholeNumber")
      .int("settings.errors.wholeNumber")
      .min(1, "settings.errors.feedbackDelay"),
    feedbackDelayUnit: z.enum(["minutes", "hours", "days"], "settings.errors.feedbackDelay"),
    feedbackTemplateName: z.preprocess(
      (v) => blankToUndefined(trimmed(v)),
      z
        .string()
        .regex(/^[a-z0-9_]{1,512}$/, "settings.errors.templateName")
        .optional(),
    ),
    feedbackTemplateLanguage: z.preprocess(
      (v) => blankToUndefined(trimmed(v)),
      z
        .string()
        .regex(/^[a-z]{2,3}(_[A-Z]{2})?$/, "settings.errors.templateLanguage")
        .optional(),
    ),
    notifyEmail: z.preprocess(
      (v) => blankToUndefined(trimmed(v)),
      z.email("settings.errors.email").max(320, "settings.errors.email").optional(),
    ),
    notifyWebhookUrl: httpsUrl("settings.errors.httpsUrl"),
    idleTimeoutMinutes: z.coerce
      .number("settings.errors.wholeNumber")
      .int("settings.errors.wholeNumber")
      .min(0, "settings.errors.idleTimeout")
      .max(MAX_IDLE_MINUTES, "settings.errors.idleTimeout"),
  })
  .superRefine((value, ctx) => {
    const minutes = value.feedbackDelayValue * DELAY_UNITS[value.feedbackDelayUnit];
    if (minutes > MAX_FEEDBACK_DELAY_MINUTES) {
      ctx.addIssue({
        code: "custom",
        path: ["feedbackDelayValue"],
        message: "settings.errors.feedbackDelay",
      });
    }
  });

export type SettingsForm = z.infer<typeof SettingsFormSchema>;

/**
 * A form body → plain fields (the last value of a repeated field wins), as PostgreSQL can store them: a
 * U+0000 in a field is dropped (it made the save fail with a 500 after part of it was written).
 */
export function formFields(form: FormData): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of form.entries()) if (typeof value === "string") out[key] = storableText(value);
  return out;
}

export const newVerifyToken = () => randomBytes(24).toString("base64url");

export type SaveResult = { ok: true } | { ok: false; errors: FieldErrors };

/**
 * Saves the connection (when any of its fields is filled or a number is already connected) and the bot's
 * settings. Blank secrets keep the stored ones. A new connection gets a random verify token.
 */
export async function saveSettings(shop: string, form: SettingsForm): Promise<SaveResult> {
  const account = await findShopAccount(shop);
  const touched = !!(form.phoneNumberId || form.wabaId || form.accessToken || form.appSecret);
  if (account || touched) {
    const errors: FieldErrors = {};
    if (!form.phoneNumberId) errors.phoneNumberId = "settings.errors.required";
    if (!form.wabaId) errors.wabaId = "settings.errors.required";
    if (!account && !form.accessToken) errors.accessToken = "settings.errors.required";
    if (!account && !form.appSecret && !env().WHATSAPP_APP_SECRET)
      errors.appSecret = "settings.errors.required";
    if (Object.keys(errors).length) return { ok: false, errors };

    try {
      const saved = await upsertAccount(shop, {
        phoneNumberId: form.phoneNumberId!,
        wabaId: form.wabaId!,
        accessToken: form.accessToken,
        appSecret: form.appSecret,
        verifyToken: account?.verifyToken ?? newVerifyToken(),
      });
      const credentialsChanged =
        !account ||
        account.phoneNumberId !== saved.phoneNumberId ||
        account.wabaId !== saved.wabaId ||
        !!form.accessToken;
      if (credentialsChanged) await clearAccountProfile(shop, saved.id);
    } catch (error) {
      if (isUniqueViolation(error))
        return { ok: false, errors: { phoneNumberId: "settings.errors.phoneNumberTaken" } };
      throw error;
    }
  }

  await saveBotSettings(shop, {
    botEnabled: form.botEnabled,
    defaultLanguage: form.defaultLanguage,
    welcomeMessageEn: form.welcomeMessageEn ?? null,
    welcomeMessageAr: form.welcomeMessageAr ?? null,
    awayMessageEn: form.awayMessageEn ?? null,
    awayMessageAr: form.awayMessageAr ?? null,
    reviewUrl: form.reviewUrl ?? null,
    feedbackEnabled: form.feedbackEnabled,
    feedbackDelayMinutes: form.feedbackDelayValue * DELAY_UNITS[form.feedbackDelayUnit],
    feedbackTemplateName: form.feedbackTemplateName ?? null,
    feedbackTemplateLanguage: form.feedbackTemplateLanguage ?? null,
    notifyEmail: form.notifyEmail ?? null,
    notifyWebhookUrl: form.notifyWebhookUrl ?? null,
    idleTimeoutMinutes: form.idleTimeoutMinutes,
  });
  return { ok: true };
}

// --- what the page shows -----------------------------------------------------------------------------

/** A stored delay in the largest unit that divides it. */
export function splitDelay(minutes: number): { value: number; unit: DelayUnit } {
  if (minutes > 0 && minutes % DELAY_UNITS.days === 0)
    return { value: minutes / DELAY_UNITS.days, unit: "days" };
  if (minutes > 0 && minutes % DELAY_UNITS.hours === 0)
    return { value: minutes / DELAY_UNITS.hours, unit: "hours" };
  return { value: minutes, unit: "minutes" };
}

function maskedSecret(sealed: string | null): string {
  if (!sealed) return "";
  try {
    return mask(openSecret(sealed));
  } catch {
    return "••••";
  }
}

export function webhookUrl(): string {
  return `${env().SHOPIFY_APP_URL.replace(/\/$/, "")}/webhooks/whatsapp`;
}

export async function loadSettings(shop: string) {
  const [shopRow, account, webhookVerified] = await Promise.all([
    getOrCreateShopSettings(shop),
    findShopAccount(shop),
    hasReceivedWebhook(shop),
  ]);
  const [templates, templatesSyncedAt] = account
    ? await Promise.all([listTemplates(shop, account.id), lastTemplateSync(shop, account.id)])
    : [[], null];
  const delay = splitDelay(shopRow.feedbackDelayMinutes);
  const tested = !!account && !!(account.displayName || account.qualityRating);
  return {
    connection: account
      ? {
          connected: true as const,
          phoneNumberId: account.phoneNumberId,
          wabaId: account.wabaId,
          // Write-only secrets: only their last characters, never the values.
          accessTokenMasked: maskedSecret(account.accessTokenEnc),
          appSecretMasked: maskedSecret(account.appSecretEnc),
          displayPhoneNumber: account.displayPhoneNumber,
          displayName: account.displayName,
          qualityRating: account.qualityRating,
          verifyToken: account.verifyToken,
        }
      : { connected: false as const },
    platformAppSecret: !!env().WHATSAPP_APP_SECRET,
    webhookUrl: webhookUrl(),
    checklist: {
      numberConnected: !!account,
      connectionTested: tested,
      webhookVerified,
      botOn: shopRow.botEnabled,
    },
    bot: {
      botEnabled: shopRow.botEnabled,
      defaultLanguage: shopRow.defaultLanguage === "ar" ? ("ar" as const) : ("en" as const),
      welcomeMessageEn: shopRow.welcomeMessageEn ?? "",
      welcomeMessageAr: shopRow.welcomeMessageAr ?? "",
      awayMessageEn: shopRow.awayMessageEn ?? "",
      awayMessageAr: shopRow.awayMessageAr ?? "",
      reviewUrl: shopRow.reviewUrl ?? "",
      feedbackEnabled: shopRow.feedbackEnabled,
      feedbackDelayValue: delay.value,
      feedbackDelayUnit: delay.unit,
      feedbackTemplateName: shopRow.feedbackTemplateName ?? "",
      feedbackTemplateLanguage: shopRow.feedbackTemplateLanguage ?? "",
      notifyEmail: shopRow.notifyEmail ?? "",
      notifyWebhookUrl: shopRow.notifyWebhookUrl ?? "",
      idleTimeoutMinutes: shopRow.idleTimeoutMinutes,
    },
    templates: templates.map((t) => ({
      name: t.name,
      language: t.language,
      status: t.status,
      category: t.category,
    })),
    templatesSyncedAt: templatesSyncedAt?.toISOString() ?? null,
  };
}

export type SettingsView = Awaited<ReturnType<typeof loadSettings>>;

// --- test connection, verify token -------------------------------------------------------------------

export interface GraphErrorView {
  code: number | null;
  title: string;
  details: string | null;
}

export function graphErrorView(error: GraphErrorClass): GraphErrorView {
  return {
    code: error.code ?? null,
    title:
      error.title ??
      (error.kind === "retry" ? "The Graph API is not answering; try again shortly" : "Graph API error"),
    details: error.kind === "permanent" ? (error.details ?? null) : null,
  };
}

export type TestConnectionResult =
  | { ok: true; displayName: string | null; qualityRating: string | null; displayPhoneNumber: string | null }
  | { ok: false; reason: "not_connected" }
  | { ok: false; reason: "graph"; error: GraphErrorView };

/**
 * "Test connection": GET /{phone-number-id} with the stored token; stores the display name and quality,
 * and publishes the number for the storefront button (app-data metafield) when an Admin client is given.
 */
export async function testConnection(shop: string, admin?: AdminClient): Promise<TestConnectionResult> {
  const account = await findShopAccount(shop);
  if (!account) return { ok: false, reason: "not_connected" };
  const result = await getPhoneNumber(credentialsOf(account));
  if (!result.ok) {
    // A refused token or number is not a tested connection; a Graph outage says nothing either way.
    if (result.error.kind === "permanent") await clearAccountProfile(shop, account.id);
    log({ shop }).info(
      { code: result.error.code, kind: result.error.kind },
      "WhatsApp connection test failed",
    );
    return { ok: false, reason: "graph", error: graphErrorView(result.error) };
  }
  const profile = {
    displayName: result.info.verifiedName ?? null,
    qualityRating: result.info.qualityRating ?? null,
    displayPhoneNumber: result.info.displayPhoneNumber ?? null,
  };
  await updateAccountProfile(shop, account.id, profile);
  if (admin && profile.displayPhoneNumber) {
    await publishStorefrontPhone(admin, profile.displayPhoneNumber).catch((error) =>
      log({ shop }).warn({ err: error }, "could not publish the number for the storefront button"),
    );
  }
  return { ok: true, ...profile };
}

/** A new verify token (the old one stops working for Meta's handshake at once). */
export async function regenerateVerifyToken(
  shop: string,
): Promise<{ ok: true; verifyToken: string } | { ok: false; reason: "not_connected" }> {
  const account = await findShopAccount(shop);
  if (!account) return { ok: false, reason: "not_connected" };
  const verifyToken = newVerifyToken();
  await setVerifyToken(shop, account.id, verifyToken);
  return { ok: true, verifyToken };
}

import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { z } from "zod";
import { Directional } from "~/components/i18n";
import { SettingsForm } from "~/components/settings/SettingsForm";
import { AdminErrorBoundary } from "~/components/states";
import { localeFromRequest } from "~/i18n/admin";
import { adminClientFromGraphql } from "~/adapters/shopify/admin-client";
import {
  fieldErrors,
  formFields,
  loadSettings,
  regenerateVerifyToken,
  saveSettings,
  SettingsFormSchema,
  testConnection,
} from "~/services/settings.server";
import { syncTemplates } from "~/services/templates.server";
import { authenticate } from "~/shopify.server";

/** Settings: the WhatsApp connection (secrets write-only), the webhook, the bot, feedback, templates. */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return json({ locale: localeFromRequest(request), ...(await loadSettings(session.shop)) });
};

const IntentSchema = z.object({
  intent: z.enum(["save", "testConnection", "regenerateVerifyToken", "syncTemplates"]),
});

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session, admin } = await authenticate.admin(request);
  const shop = session.shop;
  const fields = formFields(await request.formData());
  const parsed = IntentSchema.safeParse(fields);
  if (!parsed.success)
    return json({ ok: false, intent: null, errors: { form: "errors.badRequest" } }, { status: 400 });
  const { intent } = parsed.data;

  switch (intent) {
    case "save": {
      const form = SettingsFormSchema.safeParse(fields);
      if (!form.success) return json({ ok: false, intent, errors: fieldErrors(form.error) }, { status: 422 });
      const result = await saveSettings(shop, form.data);
      return result.ok
        ? json({ ok: true, intent })
        : json({ ok: false, intent, errors: result.errors }, { status: 422 });
    }
    case "testConnection": {
      const result = await testConnection(shop, adminClientFromGraphql(shop, admin.graphql));
      // Meta's refusal is an answer (200): the page shows it next to the button.
      return json({ intent, ...result }, { status: result.ok || result.reason === "graph" ? 200 : 409 });
    }
    case "regenerateVerifyToken": {
      const result = await regenerateVerifyToken(shop);
      // The token is on the settings page already (it is not a secret of the merchant's); only confirm.
      return json(
        { intent, ok: result.ok, ...(result.ok ? {} : { reason: result.reason }) },
        { status: result.ok ? 200 : 409 },
      );
    }
    case "syncTemplates": {
      const result = await syncTemplates(shop);
      return json({ intent, ...result }, { status: result.ok || result.reason === "graph" ? 200 : 409 });
    }
  }
};

export default function Settings() {
  const data = useLoaderData<typeof loader>();
  return (
    <Directional>
      <SettingsForm data={data} />
    </Directional>
  );
}

export function ErrorBoundary() {
  return <AdminErrorBoundary />;
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);

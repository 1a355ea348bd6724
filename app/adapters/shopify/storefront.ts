import type { AdminClient } from "./admin-client";
import { ShopifyUserErrors } from "./admin-client";
import { CURRENT_APP_INSTALLATION, METAFIELDS_SET } from "./operations";

/** Where the theme app extension finds the store's WhatsApp number: `app.metafields.hala.whatsapp_phone`. */
export const STOREFRONT_METAFIELD = { namespace: "hala", key: "whatsapp_phone" } as const;

/**
 * Publishes the connected WhatsApp number (digits, international) as an app-data metafield on the app
 * installation, so the storefront button links to it without the merchant typing it into the theme editor.
 */
export async function publishStorefrontPhone(client: AdminClient, phoneDigits: string): Promise<void> {
  const digits = phoneDigits.replace(/\D/g, "");
  if (digits.length < 8) throw new Error("not an international phone number");
  const installation = await client.request<{ currentAppInstallation: { id: string } }>(
    CURRENT_APP_INSTALLATION,
  );
  const result = await client.request<{
    metafieldsSet: { userErrors: { field: string[] | null; message: string }[] };
  }>(METAFIELDS_SET, {
    metafields: [
      {
        ownerId: installation.currentAppInstallation.id,
        namespace: STOREFRONT_METAFIELD.namespace,
        key: STOREFRONT_METAFIELD.key,
        type: "single_line_text_field",
        value: digits,
      },
    ],
  });
  if (result.metafieldsSet.userErrors.length) {
    throw new ShopifyUserErrors("HalaMetafieldsSet", result.metafieldsSet.userErrors);
  }
}

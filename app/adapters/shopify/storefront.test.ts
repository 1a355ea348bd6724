import { describe, expect, it } from "vitest";
import type { AdminClient } from "./admin-client";
import { ShopifyUserErrors } from "./admin-client";
import { publishStorefrontPhone, STOREFRONT_METAFIELD } from "./storefront";

function fakeClient(userErrors: { field: string[]; message: string }[] = []) {
  const calls: { query: string; variables?: Record<string, unknown> }[] = [];
  const client: AdminClient = {
    shop: "s.myshopify.com",
    async request<T>(query: string, variables?: Record<string, unknown>) {
      calls.push({ query, variables });
      if (query.includes("HalaCurrentAppInstallation"))
        return { currentAppInstallation: { id: "gid://shopify/AppInstallation/7" } } as T;
      return { metafieldsSet: { metafields: [], userErrors } } as T;
    },
  };
  return { client, calls };
}

describe("storefront phone metafield", () => {
  it("writes the digits as an app-data metafield on the app installation", async () => {
    const { client, calls } = fakeClient();
    await publishStorefrontPhone(client, "+966 50 123 4567");
    expect(calls[1].variables).toEqual({
      metafields: [
        {
          ownerId: "gid://shopify/AppInstallation/7",
          namespace: STOREFRONT_METAFIELD.namespace,
          key: STOREFRONT_METAFIELD.key,
          type: "single_line_text_field",
          value: "966501234567",
        },
      ],
    });
  });

  it("refuses a non-number and surfaces user errors", async () => {
    await expect(publishStorefrontPhone(fakeClient().client, "12")).rejects.toThrow(/international/);
    await expect(
      publishStorefrontPhone(fakeClient([{ field: ["value"], message: "bad" }]).client, "966501234567"),
    ).rejects.toBeInstanceOf(ShopifyUserErrors);
  });
});

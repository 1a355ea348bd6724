import { db } from "~/db.server";

/** The customer named by a compliance webhook: matched by Shopify customer id and by phone. */
export interface CustomerRef {
  customerId?: string | null;
  phone?: string | null;
  email?: string | null;
  orderIds?: string[];
}

/** Digits only; WhatsApp ids are digits with the country code and no "+". */
export function phoneDigits(phone: string | null | undefined): string | null {
  const digits = (phone ?? "").replace(/\D/g, "");
  return digits.length >= 7 ? digits : null;
}

export async function findCustomerContacts(
  shop: string,
  ref: CustomerRef,
): Promise<{ id: string; waId: string }[]> {
  const digits = phoneDigits(ref.phone);
  const or: object[] = [];
  if (ref.customerId) or.push({ shopifyCustomerId: ref.customerId });
  // A phone without a country code matches the end of the wa_id ("555-625-1199" ~ "15556251199").
  if (digits) or.push({ waId: digits }, { waId: { endsWith: digits } });
  if (or.length === 0) return [];
  // A "Test your bot" sandbox contact is never a customer (its id may end in digits by chance).
  return db().contact.findMany({
    where: { shop, sandbox: false, OR: or },
    select: { id: true, waId: true },
  });
}

/**
 * Order ids are matched in chunks: a compliance payload may list thousands of orders, and one statement with
 * tens of thousands of bind parameters fails (PostgreSQL's limit is 65,535 per statement).
 */
const CHUNK = 1_000;

function chunks<T>(values: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < values.length; i += CHUNK) out.push(values.slice(i, i + CHUNK));
  return out;
}

/** customers/redact: the customer's contact, conversation, messages, feedback, checkouts and attributions. */
export async function redactCustomer(
  shop: string,
  ref: CustomerRef,
): Promise<{ contacts: number; messages: number }> {
  const contacts = await findCustomerContacts(shop, ref);
  const contactIds = contacts.map((c) => c.id);
  const waIds = contacts.map((c) => c.waId);
  const orderIds = [...new Set(ref.orderIds ?? [])];
  const messages = await db().$transaction(
    async (tx) => {
      const deleted = await tx.message.deleteMany({ where: { shop, contactId: { in: contactIds } } });
      await tx.inboundEvent.deleteMany({ where: { shop, waId: { in: waIds } } });
      await tx.feedback.deleteMany({ where: { shop, contactId: { in: contactIds } } });
      await tx.orderAttribution.deleteMany({ where: { shop, contactId: { in: contactIds } } });
      for (const ids of chunks(orderIds)) {
        await tx.feedback.deleteMany({ where: { shop, orderId: { in: ids } } });
        await tx.orderAttribution.deleteMany({ where: { shop, orderId: { in: ids } } });
        await tx.scheduledJob.deleteMany({
          where: { shop, OR: ids.map((orderId) => ({ dedupeKey: { endsWith: `:${orderId}` } })) },
        });
      }
      await tx.checkout.deleteMany({ where: { shop, contactId: { in: contactIds } } });
      await tx.conversation.deleteMany({ where: { shop, contactId: { in: contactIds } } });
      await tx.contact.deleteMany({ where: { shop, id: { in: contactIds } } });
      return deleted.count;
    },
    { timeout: 60_000 },
  );
  return { contacts: contactIds.length, messages };
}

/** Everything Hala holds about a customer, for customers/data_request. */
export async function exportCustomerData(shop: string, ref: CustomerRef) {
  const contacts = await findCustomerContacts(shop, ref);
  const contactIds = contacts.map((c) => c.id);
  const orderIds = [...new Set(ref.orderIds ?? [])];
  const prisma = db();
  const byOrder = async <T extends { id: string }>(
    find: (ids: string[]) => Promise<T[]>,
    byContact: Promise<T[]>,
  ): Promise<T[]> => {
    const rows = new Map((await byContact).map((r) => [r.id, r]));
    for (const ids of chunks(orderIds)) for (const r of await find(ids)) rows.set(r.id, r);
    return [...rows.values()];
  };
  const [contactRows, messages, feedback, checkouts, orders] = await Promise.all([
    prisma.contact.findMany({ where: { shop, id: { in: contactIds } } }),
    prisma.message.findMany({
      where: { shop, contactId: { in: contactIds } },
      orderBy: { createdAt: "asc" },
      select: { direction: true, author: true, type: true, text: true, status: true, createdAt: true },
    }),
    byOrder(
      (ids) => prisma.feedback.findMany({ where: { shop, orderId: { in: ids } } }),
      prisma.feedback.findMany({ where: { shop, contactId: { in: contactIds } } }),
    ),
    prisma.checkout.findMany({ where: { shop, contactId: { in: contactIds } } }),
    byOrder(
      (ids) => prisma.orderAttribution.findMany({ where: { shop, orderId: { in: ids } } }),
      prisma.orderAttribution.findMany({ where: { shop, contactId: { in: contactIds } } }),
    ),
  ]);
  return { contacts: contactRows, messages, feedback, checkouts, orders };
}

export async function recordDataRequest(
  shop: string,
  ref: CustomerRef,
  exported: unknown,
): Promise<{ id: string }> {
  return db().dataRequest.create({
    data: {
      shop,
      customerId: ref.customerId ?? null,
      phone: ref.phone ?? null,
      email: ref.email ?? null,
      ordersRequested: ref.orderIds ?? [],
      export: JSON.parse(JSON.stringify(exported)),
    },
    select: { id: true },
  });
}

export async function listDataRequests(shop: string) {
  return db().dataRequest.findMany({ where: { shop }, orderBy: { createdAt: "desc" }, take: 50 });
}

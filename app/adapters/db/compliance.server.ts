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
  return db().contact.findMany({ where: { shop, OR: or }, select: { id: true, waId: true } });
}

/** customers/redact: the customer's contact, conversation, messages, feedback, checkouts and attributions. */
export async function redactCustomer(
  shop: string,
  ref: CustomerRef,
): Promise<{ contacts: number; messages: number }> {
  const contacts = await findCustomerContacts(shop, ref);
  const contactIds = contacts.map((c) => c.id);
  const waIds = contacts.map((c) => c.waId);
  const orderIds = ref.orderIds ?? [];
  const prisma = db();
  const [messages] = await prisma.$transaction([
    prisma.message.deleteMany({ where: { shop, contactId: { in: contactIds } } }),
    prisma.inboundEvent.deleteMany({ where: { shop, waId: { in: waIds } } }),
    prisma.feedback.deleteMany({
      where: { shop, OR: [{ contactId: { in: contactIds } }, { orderId: { in: orderIds } }] },
    }),
    prisma.checkout.deleteMany({ where: { shop, contactId: { in: contactIds } } }),
    prisma.orderAttribution.deleteMany({
      where: { shop, OR: [{ contactId: { in: contactIds } }, { orderId: { in: orderIds } }] },
    }),
    prisma.scheduledJob.deleteMany({
      where: { shop, OR: orderIds.map((orderId) => ({ dedupeKey: { contains: `:${orderId}` } })) },
    }),
    prisma.conversation.deleteMany({ where: { shop, contactId: { in: contactIds } } }),
    prisma.contact.deleteMany({ where: { shop, id: { in: contactIds } } }),
  ]);
  return { contacts: contactIds.length, messages: messages.count };
}

/** Everything Hala holds about a customer, for customers/data_request. */
export async function exportCustomerData(shop: string, ref: CustomerRef) {
  const contacts = await findCustomerContacts(shop, ref);
  const contactIds = contacts.map((c) => c.id);
  const orderIds = ref.orderIds ?? [];
  const prisma = db();
  const [contactRows, messages, feedback, checkouts, orders] = await Promise.all([
    prisma.contact.findMany({ where: { shop, id: { in: contactIds } } }),
    prisma.message.findMany({
      where: { shop, contactId: { in: contactIds } },
      orderBy: { createdAt: "asc" },
      select: { direction: true, author: true, type: true, text: true, status: true, createdAt: true },
    }),
    prisma.feedback.findMany({
      where: { shop, OR: [{ contactId: { in: contactIds } }, { orderId: { in: orderIds } }] },
    }),
    prisma.checkout.findMany({ where: { shop, contactId: { in: contactIds } } }),
    prisma.orderAttribution.findMany({
      where: { shop, OR: [{ contactId: { in: contactIds } }, { orderId: { in: orderIds } }] },
    }),
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

/**
 * Outgoing e-mail over SMTP (nodemailer), configured by `SMTP_URL` (`smtp://user:pass@host:587`, or `smtps://…`
 * for implicit TLS) and `MAIL_FROM`. Without `SMTP_URL` nothing can be sent: `mailConfigured()` is false and the
 * callers record why (the merchant alert job is skipped with that reason; the inbox badge still shows the alert).
 */
import nodemailer, { type Transporter } from "nodemailer";
import { env } from "~/env.server";

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

export class MailNotConfigured extends Error {
  constructor() {
    super("no mail transport: SMTP_URL is not set");
    this.name = "MailNotConfigured";
  }
}

let transport: { url: string; transporter: Transporter } | undefined;

export function mailConfigured(): boolean {
  return Boolean(env().SMTP_URL);
}

/** `smtp[s]://user:pass@host:port` → nodemailer's SMTP options, with bounded timeouts. */
export function smtpOptions(url: string) {
  const u = new URL(url);
  const secure = u.protocol === "smtps:";
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : secure ? 465 : 587,
    secure,
    auth: u.username
      ? { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) }
      : undefined,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  };
}

function transporter(): Transporter {
  const url = env().SMTP_URL;
  if (!url) throw new MailNotConfigured();
  if (transport?.url !== url) {
    transport?.transporter.close();
    transport = {
      url,
      transporter: nodemailer.createTransport(smtpOptions(url)),
    };
  }
  return transport.transporter;
}

/** Sends one plain-text message; resolves with the server's message id, throws on any SMTP failure. */
export async function sendMail(mail: Mail): Promise<string> {
  const info = await transporter().sendMail({
    from: env().MAIL_FROM,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
  });
  const rejected = (info.rejected ?? []).map(String);
  if (rejected.length > 0) throw new Error(`the mail server rejected ${rejected.join(", ")}`);
  return info.messageId;
}

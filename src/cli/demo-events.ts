import type { LogRecord } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api';
import { mulberry32 } from './mulberry32.ts';

const ACCOUNTS = ['jane', 'omar', 'li.wei', 'sara', 'postmaster'];
const DOMAINS = ['example.org', 'mail.example.net', 'corp.example.com'];

/**
 * One wave of mail-server activity as OTel log records: logins, scans and bans, messages
 * arriving and queued, deliveries; plus records no webhook of the example selects (SMTP
 * session chatter, IMAP, and plain log lines without an event name).
 */
export function mailServerWave(wave: number, size: number): LogRecord[] {
  const next = mulberry32(0x5eed + wave);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const ip = (): string => `203.0.113.${1 + Math.floor(next() * 250)}`;
  const span = (): string => String(BigInt(Math.floor(next() * 2 ** 52)) * 4099n + 7n);
  const records: LogRecord[] = [];
  for (let i = 0; i < size; i++) {
    const roll = next();
    const accountName = pick(ACCOUNTS);
    if (roll < 0.2) {
      records.push({
        eventName: 'auth.success',
        severityNumber: SeverityNumber.INFO,
        attributes: { accountName, accountId: ACCOUNTS.indexOf(accountName) + 1, remoteIp: ip(), spanId: span(), type: 'plain' },
      });
    } else if (roll < 0.3) {
      records.push({
        eventName: 'auth.failed',
        severityNumber: SeverityNumber.WARN,
        attributes: { accountName, remoteIp: ip(), reason: 'invalid credentials', spanId: span() },
      });
    } else if (roll < 0.33) {
      records.push({
        eventName: 'security.ip-blocked',
        severityNumber: SeverityNumber.WARN,
        attributes: { remoteIp: ip(), remotePort: 40000 + Math.floor(next() * 20000), listenerId: 'smtp', localPort: 25 },
      });
    } else if (roll < 0.35) {
      records.push({
        eventName: 'auth.error',
        severityNumber: SeverityNumber.ERROR,
        body: 'directory lookup timed out',
        attributes: { accountName, causedBy: 'ldap', code: 500 },
      });
    } else if (roll < 0.5) {
      const spam = next() < 0.2;
      records.push({
        eventName: spam ? 'message-ingest.spam' : 'message-ingest.ham',
        severityNumber: SeverityNumber.INFO,
        attributes: {
          accountId: 1 + Math.floor(next() * 5),
          messageId: `<${Math.floor(next() * 1e9)}@${pick(DOMAINS)}>`,
          mailboxId: [0],
          size: 1000 + Math.floor(next() * 90000),
          elapsed: Math.floor(next() * 40),
          spanId: span(),
        },
      });
    } else if (roll < 0.6) {
      records.push({
        eventName: 'queue.message-queued',
        severityNumber: SeverityNumber.INFO,
        attributes: {
          queueId: span(),
          from: `${accountName}@${pick(DOMAINS)}`,
          to: [`someone@${pick(DOMAINS)}`],
          size: 2000 + Math.floor(next() * 50000),
          nextRetry: '2026-11-25T10:00:00Z',
          spanId: span(),
        },
      });
    } else if (roll < 0.68) {
      const ok = next() < 0.85;
      records.push(
        ok
          ? {
              eventName: 'delivery.delivered',
              severityNumber: SeverityNumber.INFO,
              attributes: {
                hostname: `mx.${pick(DOMAINS)}`,
                to: `someone@${pick(DOMAINS)}`,
                code: 250,
                details: '2.0.0 Ok: queued',
                elapsed: Math.floor(next() * 900),
                spanId: span(),
              },
            }
          : {
              eventName: 'delivery.failed',
              severityNumber: SeverityNumber.WARN,
              attributes: { to: `someone@${pick(DOMAINS)}`, reason: 'mailbox unavailable', queueId: span(), spanId: span() },
            },
      );
    } else if (roll < 0.85) {
      records.push({
        eventName: 'smtp.connection-start',
        severityNumber: SeverityNumber.DEBUG,
        attributes: { listenerId: 'smtp', remoteIp: ip(), remotePort: 50000, localPort: 25, spanId: span() },
      });
    } else if (roll < 0.93) {
      records.push({
        eventName: 'imap.connection-start',
        severityNumber: SeverityNumber.DEBUG,
        attributes: { listenerId: 'imap', remoteIp: ip(), spanId: span() },
      });
    } else {
      records.push({ severityNumber: SeverityNumber.INFO, body: `cache hit ratio ${(next() * 100).toFixed(1)}%` });
    }
  }
  return records;
}

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WebhookConfigError } from '../../src/config/errors.ts';
import { parseWebhookConfig } from '../../src/config/read-config.ts';
import { webhookToml } from '../helpers/config-files.ts';

/** Every integer key of a webhook table: TOML key, option name, a value it accepts, and its least value. */
const KEYS = [
  ['max-batch-events', 'maxBatchEvents', 25, 1],
  ['max-batch-bytes', 'maxBatchBytes', 65_536, 1024],
  ['max-queue-events', 'maxQueueEvents', 5000, 1],
  ['max-queue-bytes', 'maxQueueBytes', 1_048_576, 1024],
  ['spool-max-bytes', 'spoolMaxBytes', 10_485_760, 65_536],
] as const;

function parsedOption(line: string, option: string): unknown {
  const [webhook] = parseWebhookConfig(webhookToml(line));
  assert.ok(webhook);
  return (webhook as unknown as Record<string, unknown>)[option];
}

function refuses(line: string, message: string): void {
  assert.throws(
    () => parseWebhookConfig(webhookToml(line)),
    (error: unknown) => error instanceof WebhookConfigError && error.message === message,
    line,
  );
}

describe('TOML integers given as strings, read as Stalwart reads them', () => {
  for (const [key, option, value] of KEYS) {
    it(`${key} = "${value}" is the number, as a bare ${value} is`, () => {
      assert.equal(parsedOption(`${key} = "${value}"`, option), value);
      assert.equal(parsedOption(`${key} = '${value}'`, option), value);
      assert.equal(parsedOption(`${key} = ${value}`, option), value);
    });
  }

  it('reads the digits as a decimal number, leading zeros and all', () => {
    assert.equal(parsedOption('max-batch-events = "0025"', 'maxBatchEvents'), 25);
  });

  for (const [key] of KEYS) {
    it(`${key} given a string that is not decimal digits is an error naming the key, the value and the line`, () => {
      for (const value of ['abc', '-5', '+25', ' 25', '25 ', '2.5', '1e3', '0x10', '1_000', '٣', '']) {
        refuses(`${key} = ${JSON.stringify(value)}`, `webhook."ops".${key} must be a number, got ${JSON.stringify(value)} (line 4)`);
      }
    });
  }

  for (const [key, , , least] of KEYS) {
    it(`${key} given digits below ${least} is refused as the bare number is`, () => {
      const message = `webhook."ops".${key} must be an integer of at least ${least}, got ${least - 1} (line 4)`;
      refuses(`${key} = "${least - 1}"`, message);
      refuses(`${key} = ${least - 1}`, message);
    });
  }

  it('digits of a number too large to hold exactly are an error showing them as written', () => {
    refuses('max-queue-bytes = "9007199254740993"', 'webhook."ops".max-queue-bytes must be a number, got "9007199254740993" (line 4)');
  });

  it('the largest exact number is read, as a bare one is', () => {
    assert.equal(parsedOption('max-queue-bytes = "9007199254740991"', 'maxQueueBytes'), 9_007_199_254_740_991);
  });

  it('an integer key from a macro reads its digits as the same string would be read', () => {
    const [webhook] = parseWebhookConfig(webhookToml('max-queue-bytes = "%{env:QUEUE}%"'), { env: { QUEUE: '1234567890123456' } });
    assert.equal(webhook?.maxQueueBytes, 1_234_567_890_123_456);
    assert.equal(parsedOption('max-queue-bytes = "1234567890123456"', 'maxQueueBytes'), 1_234_567_890_123_456);
  });
});

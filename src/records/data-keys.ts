import type { IntegerKeys } from './json-value.ts';

/**
 * OTel semantic-convention attribute → Stalwart data key, used when the record does not carry
 * the Stalwart key itself.
 */
export const SEMCONV_ALIASES: ReadonlyArray<readonly [otel: string, stalwart: string]> = [
  ['client.address', 'remoteIp'],
  ['client.port', 'remotePort'],
  ['server.address', 'localIp'],
  ['server.port', 'localPort'],
  ['user.name', 'accountName'],
  ['enduser.id', 'accountName'],
  ['network.peer.address', 'remoteIp'],
  ['network.peer.port', 'remotePort'],
  ['network.local.address', 'localIp'],
  ['network.local.port', 'localPort'],
  ['url.full', 'url'],
  ['error.type', 'reason'],
  ['exception.message', 'reason'],
];
const ALIASED = new Set(SEMCONV_ALIASES.map(([otel]) => otel));

/** What writing a member of `data` needs to know of its key, found with one lookup. */
export interface DataKey {
  /** `,"key":` as UTF-8 bytes (written from index 1 for the first member). */
  readonly prefix: Buffer;
  /** A semantic-convention key that maps to a Stalwart key (see {@link SEMCONV_ALIASES}). */
  readonly aliased: boolean;
  /** A key whose decimal-digit values are written as JSON integers (see IntegerKeys). */
  readonly integer: boolean;
}

/**
 * Most distinct attribute keys remembered; later keys are looked at on each call. (Keys inside
 * nested maps are not remembered: they may be data, not names.)
 */
const MAX_CACHED_KEYS = 2048;
/** Longer keys are looked at on each call, so that the cache never holds much text. */
const MAX_CACHED_KEY_LENGTH = 256;
const cache = new Map<string, DataKey>();
let cachedFor: IntegerKeys | undefined;

/** What is known of the attribute key `key`, remembered per key. */
export function dataKey(key: string, integerKeys: IntegerKeys): DataKey {
  if (integerKeys !== cachedFor) {
    cache.clear();
    cachedFor = integerKeys;
  }
  let info = cache.get(key);
  if (info === undefined) {
    info = { prefix: Buffer.from(`,${JSON.stringify(key)}:`), aliased: ALIASED.has(key), integer: integerKeys.has(key) };
    if (cache.size < MAX_CACHED_KEYS && key.length <= MAX_CACHED_KEY_LENGTH) cache.set(key, info);
  }
  return info;
}

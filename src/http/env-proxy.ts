import { WebhookConfigError } from '../config/errors.ts';
import { redactUrl } from '../config/redact.ts';

/** The proxies the environment asks for, read as Node's own `fetch` reads them. */
export interface EnvProxies {
  /** For `http:` endpoints, with the variable it came from. */
  readonly http: { readonly variable: string; readonly url: URL } | undefined;
  /** For `https:` endpoints (falls back to the `http:` proxy, as Node and undici do). */
  readonly https: { readonly variable: string; readonly url: URL } | undefined;
  /** `NO_PROXY` / `no_proxy`, as given. */
  readonly noProxy: { readonly variable: string; readonly value: string } | undefined;
}

/** The last of `--use-env-proxy` / `--no-use-env-proxy` among `flags`, as true or false. */
function lastSwitch(flags: readonly string[]): boolean | undefined {
  for (let index = flags.length - 1; index >= 0; index--) {
    if (flags[index] === '--use-env-proxy') return true;
    if (flags[index] === '--no-use-env-proxy') return false;
  }
  return undefined;
}

/**
 * Whether Node's own switch for proxies from the environment is on: `--use-env-proxy` on the
 * command line (or in `NODE_OPTIONS`), which wins, else `NODE_USE_ENV_PROXY=1`.
 */
export function envProxyEnabled(env: NodeJS.ProcessEnv = process.env, execArgv: readonly string[] = process.execArgv): boolean {
  const nodeOptions = (env['NODE_OPTIONS'] ?? '').split(/\s+/).filter((flag) => flag !== '');
  return lastSwitch(execArgv) ?? lastSwitch(nodeOptions) ?? env['NODE_USE_ENV_PROXY'] === '1';
}

/** The first of `names` that is set (lower case first: it wins, as in Node and undici). */
function pick(env: NodeJS.ProcessEnv, names: readonly string[]): { variable: string; value: string } | undefined {
  for (const variable of names) {
    const value = env[variable];
    if (value !== undefined) return value === '' ? undefined : { variable, value };
  }
  return undefined;
}

function proxyUrl(picked: { variable: string; value: string } | undefined): { variable: string; url: URL } | undefined {
  if (picked === undefined) return undefined;
  const url = URL.parse(picked.value);
  if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') {
    const shown = JSON.stringify(redactUrl(picked.value));
    throw new WebhookConfigError(
      'ERR_WEBHOOK_INVALID_URL',
      picked.variable,
      `${picked.variable} must be an http: or https: proxy URL (NODE_USE_ENV_PROXY is on), got ${shown}`,
    );
  }
  return { variable: picked.variable, url };
}

/**
 * The environment's proxies, or `undefined` when Node's switch is off or no proxy variable is
 * set. Throws a `WebhookConfigError` naming the variable when a proxy URL is not one.
 */
export function envProxies(env: NodeJS.ProcessEnv = process.env, execArgv: readonly string[] = process.execArgv): EnvProxies | undefined {
  if (!envProxyEnabled(env, execArgv)) return undefined;
  const http = proxyUrl(pick(env, ['http_proxy', 'HTTP_PROXY']));
  const https = proxyUrl(pick(env, ['https_proxy', 'HTTPS_PROXY'])) ?? http;
  if (http === undefined && https === undefined) return undefined;
  return { http, https, noProxy: pick(env, ['no_proxy', 'NO_PROXY']) };
}

/** Lowest TLS version accepted by `tls.minVersion`. */
export type WebhookTlsVersion = 'TLSv1.2' | 'TLSv1.3';

/**
 * TLS to an `https:` endpoint, TOML `[webhook."<id>".tls]`. Files are read when the options
 * are resolved (relative paths from the working directory); a file and the PEM text of the
 * same thing cannot both be given. Through a proxy these apply to the endpoint, inside the
 * tunnel.
 */
export interface WebhookTlsOptions {
  /** TOML `tls.ca-file`: a PEM file of extra trusted CA certificates (beside Node's own). */
  caFile?: string | undefined;
  /** TOML `tls.cert-file`: a PEM file with the client certificate (and its chain). Requires a key. */
  certFile?: string | undefined;
  /** TOML `tls.key-file`: a PEM file with the client certificate's private key (unencrypted). */
  keyFile?: string | undefined;
  /** TOML `tls.ca`: extra trusted CA certificates as PEM text. */
  ca?: string | readonly string[] | undefined;
  /** TOML `tls.cert`: the client certificate as PEM text. */
  cert?: string | undefined;
  /** TOML `tls.key`: the client certificate's private key as PEM text; a secret, never shown. */
  key?: string | undefined;
  /** TOML `tls.server-name`: the name sent in SNI and checked against the certificate, instead of the URL's host. */
  serverName?: string | undefined;
  /** TOML `tls.min-version`: the lowest TLS version accepted; unset takes Node's default (TLSv1.2). */
  minVersion?: WebhookTlsVersion | undefined;
}

/** TLS settings after validation: files read, PEM text checked. */
export interface ResolvedTlsOptions {
  /** Extra trusted CA certificates (PEM) from `ca` and `caFile`. */
  readonly ca: readonly string[] | undefined;
  readonly caFile: string | undefined;
  /** Client certificate (PEM), from `cert` or `certFile`. */
  readonly cert: string | undefined;
  readonly certFile: string | undefined;
  /** Client private key (PEM), from `key` or `keyFile`. */
  readonly key: string | undefined;
  readonly keyFile: string | undefined;
  readonly serverName: string | undefined;
  readonly minVersion: WebhookTlsVersion | undefined;
}

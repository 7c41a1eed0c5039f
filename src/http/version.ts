/** The package version, sent in the `User-Agent` header. */
export const VERSION: string = '0.1.0';

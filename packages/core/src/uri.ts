import { InvalidUriError } from './errors.js';

const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;

/**
 * Replaces the password of a URI (in its userinfo or a query parameter named like a secret:
 * `password`, `sentinelPassword`, `authToken`...) and any fragment with `***`, so that the URI can
 * appear in errors, logs and pages. Works on malformed URIs too: the userinfo is taken to end at
 * the URI's last `@`, so a password holding a raw `/`, `?`, `#` or `@` is hidden whole (a raw `@`
 * later in the URI makes it hide more, never less). Cost: string work only.
 */
export function redactUri(uri: string): string {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(uri)?.[0];
  let redacted: string;
  if (scheme === undefined) {
    // Not a well-formed URI: still hide anything shaped like user:password@.
    redacted = uri.replace(/:[^\s@]*@/g, ':***@');
  } else {
    const rest = uri.slice(scheme.length);
    const at = rest.lastIndexOf('@');
    const colon = rest.indexOf(':');
    redacted =
      at !== -1 && colon !== -1 && colon < at
        ? `${scheme}${rest.slice(0, colon)}:***${rest.slice(at)}`
        : uri;
  }
  // A fragment may be the tail of a password holding a raw '#': never show it.
  const hash = redacted.indexOf('#');
  if (hash !== -1) redacted = `${redacted.slice(0, hash)}#***`;
  return redacted.replace(/([?&])([^=&#]*)=([^&#]*)/g, (whole, separator: string, key: string) =>
    SECRET_PARAM.test(safeDecode(key)) ? `${separator}${key}=***` : whole,
  );
}

const SECRET_PARAM = /pass|pwd|secret|token|auth/i;

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/**
 * The scheme of a storage URI, lower-cased, without `://`.
 *
 * @throws {@link InvalidUriError} when `uri` is not a string of the form `scheme://...`
 */
export function uriScheme(uri: unknown): string {
  if (typeof uri !== 'string' || uri.trim() === '') {
    throw new InvalidUriError(String(uri), 'expected a URI such as memory:// or redis://host:6379');
  }
  const match = SCHEME.exec(uri);
  if (match === null) {
    throw new InvalidUriError(
      redactUri(uri),
      'expected scheme://..., for example memory:// or redis://host:6379',
    );
  }
  return match[1]!.toLowerCase();
}

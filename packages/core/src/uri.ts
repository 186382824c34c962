import { InvalidUriError } from './errors.js';

const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;

/**
 * Replaces the password of a URI (in its userinfo or a `password` query parameter) with `***`,
 * so that the URI can appear in errors, logs and pages. Works on malformed URIs too.
 */
export function redactUri(uri: string): string {
  const head = /^([a-z][a-z0-9+.-]*:\/\/)([^?]*)/i.exec(uri);
  let redacted: string;
  if (head === null) {
    // Not a well-formed URI: still hide anything shaped like user:password@.
    redacted = uri.replace(/:[^\s@]*@/g, ':***@');
  } else {
    // The userinfo ends at the last '@' before the query: a password may hold '/', '#' or '@'.
    const [whole, scheme, rest] = head as unknown as [string, string, string];
    const at = rest.lastIndexOf('@');
    const info = at === -1 ? '' : rest.slice(0, at);
    const colon = info.indexOf(':');
    redacted =
      colon === -1
        ? uri
        : `${scheme}${info.slice(0, colon)}:***${rest.slice(at)}${uri.slice(whole.length)}`;
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

/**
 * Removes secrets from anything that is about to be written to a log or a diagnostics folder.
 * Logs leave the machine (attached to support e-mails), so a password, token, session cookie or
 * Authorization header must never reach them, whatever a caller passes in.
 */
export const REDACTED = '[redacted]';

/** Keys whose values are secret, whatever they contain. */
const SECRET_KEY = /pass(word|wd|phrase)?$|secret|token|authori[sz]ation|cookie|api[-_]?key|credential|session[-_]?id|^jwt$|^pw$/i;
/** Settings that only name where a secret goes or how long it lives (Imago's `tokenHeader`…), kept for support. */
const NOT_SECRET_KEY = /^token(Header|LifetimeMs|LifetimeSeconds)$/;

const SECRET_PATTERNS: [RegExp, string][] = [
  // JSON Web Tokens (Dougal's session): three base64url parts, the first starting with `{"`.
  [/\beyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]*/g, REDACTED],
  // Authorization headers and bearer/basic credentials in any spelling.
  [/\b(authorization|proxy-authorization)(["']?\s*[:=]\s*["']?)[^"'\n,}]+/gi, `$1$2${REDACTED}`],
  [/\b(bearer|basic)\s+[\w\-.~+/=]{8,}/gi, `$1 ${REDACTED}`],
  // key=value and "key": "value" pairs whose key names a secret.
  [/\b([\w-]*(?:password|passwd|secret|token|api[-_]?key|session[-_]?id|cookie)[\w-]*)(["']?\s*[:=]\s*["']?)[^"'\s&,;}]+/gi, `$1$2${REDACTED}`],
  // user:password@ inside URLs.
  [/(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s:@]+:[^/\s@]+@/gi, `$1${REDACTED}@`],
];

/** The text with every secret-looking part replaced by `[redacted]`. */
export function redactText(text: string): string {
  return SECRET_PATTERNS.reduce((current, [pattern, replacement]) => current.replace(pattern, replacement), text);
}

/**
 * A deep copy with secret-named keys blanked (a yes/no such as `passwordStored` or
 * `credentialAvailable` is never a secret) and every string passed through `redactText`.
 */
export function redactValue(value: unknown, depth = 0): unknown {
  if (depth > 20) return REDACTED;
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [key, SECRET_KEY.test(key) && !NOT_SECRET_KEY.test(key) && inner !== null && typeof inner !== 'boolean' ? REDACTED : redactValue(inner, depth + 1)]),
    );
  }
  return value;
}

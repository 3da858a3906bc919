/**
 * The credentials a request carries, so that nothing derived from the reply (an error message
 * quoting the server, which may echo what it was sent) repeats them, and so that they are never
 * sent on to an address a server redirects to.
 */

/** Header names that carry credentials, whatever the system calls its token header. */
const SECRET_HEADER = /^(authorization|proxy-authorization|cookie)$|token|api[-_]?key|secret|session/i;
/** Body fields whose values are credentials (a sign-in's password, a token). */
const SECRET_FIELD = /pass(word|wd|phrase)?$|secret|token|api[-_]?key|credential/i;
/** Shorter values are left alone: "pw" in a message is more likely a word than the password. */
const MIN_SECRET_CHARS = 4;
const MAX_DEPTH = 4;

/** Every credential in the headers (the value, and a token without its scheme) and in a JSON body. */
export function secretsOf(headers: Record<string, string>, json: unknown): string[] {
  const found = new Set<string>();
  for (const [name, value] of Object.entries(headers)) {
    if (!SECRET_HEADER.test(name)) continue;
    found.add(value);
    const scheme = /^\s*[A-Za-z][\w-]*\s+(\S+)\s*$/.exec(value);
    if (scheme?.[1]) found.add(scheme[1]);
    for (const cookie of name.toLowerCase() === 'cookie' ? value.split(';') : []) {
      const eq = cookie.indexOf('=');
      if (eq > 0) found.add(cookie.slice(eq + 1).trim());
    }
  }
  collectFields(json, found, 0);
  return [...found].filter((secret) => secret.length >= MIN_SECRET_CHARS).sort((a, b) => b.length - a.length);
}

function collectFields(value: unknown, found: Set<string>, depth: number): void {
  if (depth > MAX_DEPTH || !value || typeof value !== 'object') return;
  for (const [key, inner] of Object.entries(value)) {
    if (typeof inner === 'string' && SECRET_FIELD.test(key)) found.add(inner);
    else collectFields(inner, found, depth + 1);
  }
}

/** The headers without any that carry credentials (for a hop to another origin). */
export function withoutSecrets(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !SECRET_HEADER.test(name)));
}

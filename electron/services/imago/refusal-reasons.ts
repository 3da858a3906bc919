/**
 * What an Imago refusal is about, read from the server's own reason. No page documents these
 * reasons (or which status a read-only workspace gets: 401, 403 or 422 are all possible), so these
 * are the words servers commonly use. They decide only what to do next — sign in again, send the
 * other body form, count "already exists" as done — never what the user is told: that is the
 * server's reason itself.
 */

/** A refusal of this account for this thing (a read-only workspace, a Viewer role), not of the session. */
export function saysNotPermitted(reason: string | null): boolean {
  if (!reason) return false;
  if (saysSessionEnded(reason)) return false;
  return /read[\s_-]?only|permission|forbidden|access denied|no access|not (allowed|permitted)|not authori[sz]ed to|insufficient (rights|privileges|role)|viewer role|cannot (write|edit|modify|create)/i.test(reason);
}

/** A refusal of the token itself: expired, revoked, unknown. */
export function saysSessionEnded(reason: string | null): boolean {
  return !!reason && /token|session|expired|sign(ed)?[\s_-]?in|log(ged)?[\s_-]?in|authenticat|credential/i.test(reason);
}

/** "This already exists" — for a create whose result is the same either way. */
export function saysAlreadyExists(reason: string | null): boolean {
  return !!reason && /already[\s_-]?exists?|exists already|duplicate|not unique|must be unique|name is taken|already in use/i.test(reason);
}

/**
 * A complaint about the shape of the body (object vs array, its key), or one too generic to say
 * ("Bad Request"), as opposed to one about what the body says or who sent it.
 */
export function saysBodyForm(reason: string | null): boolean {
  if (!reason || saysNotPermitted(reason)) return false;
  return /\b(body|array|list|object|json|payload|parse|deserializ\w*|malformed|must be an?|expected an?|bad request|invalid (request|input))\b/i.test(reason);
}

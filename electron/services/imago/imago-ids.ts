/**
 * Imago's ids are UUIDs ("ids are lowercase UUID strings", overview page), and a UUID names the
 * same thing in either case (RFC 9562): a server that answers one call from a database that
 * prints them in upper case must not look like another interval or another user.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The form two ids are compared in: a UUID in lower case, any other id as it is. */
export function imagoIdKey(id: string): string {
  return UUID.test(id) ? id.toLowerCase() : id;
}

export function sameImagoId(a: string | null | undefined, b: string | null | undefined): boolean {
  return typeof a === 'string' && typeof b === 'string' && imagoIdKey(a) === imagoIdKey(b);
}

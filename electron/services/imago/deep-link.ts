/**
 * Links that open a hole (and optionally a depth and image) in the Imago portal. Not REST: the
 * portal's `/api/display` page reads these short parameter names. Names are case-sensitive and
 * every value is URL-escaped.
 */
export interface PortalTarget {
  /** The only required part: the collection (hole) name. */
  collection: string;
  workspace?: string;
  dataset?: string;
  imageryType?: string;
  imageType?: string;
  depth?: number;
  imageName?: string;
}

export const DEFAULT_PORTAL_BASE_URL = 'https://imago.seequent.com/api/display';

export function portalDeepLink(target: PortalTarget, portalBaseUrl = DEFAULT_PORTAL_BASE_URL): string {
  if (!target.collection) throw new TypeError('A portal link needs the collection name');
  const parts: [string, string | number | undefined][] = [
    ['pj', target.workspace],
    ['da', target.dataset],
    ['de', target.collection],
    ['ds', target.imageryType],
    ['im', target.imageType],
    ['dp', target.depth],
    ['ig', target.imageName],
  ];
  // encodeURIComponent rather than URLSearchParams: it writes spaces as %20, which the portal reads.
  const query = parts
    .filter(([, value]) => value !== undefined && value !== '')
    .map(([key, value]) => `${key}=${encodeURIComponent(String(value))}`)
    .join('&');
  return `${portalBaseUrl}?${query}`;
}

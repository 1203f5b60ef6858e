/**
 * Where Tencent's REST gateway lives for each data center. An SDKAppID exists in exactly one data center, so a
 * wrong region shows up as 70016/70020 ("SDKAppID not found"), which the error messages point back to.
 */
export const TENCENT_REGION_DOMAINS = {
  china: 'console.tim.qq.com',
  singapore: 'adminapisgp.im.qcloud.com',
  seoul: 'adminapikr.im.qcloud.com',
  frankfurt: 'adminapiger.im.qcloud.com',
  // Listed by the Chat REST overview but not by the Call v4 pages; the Chat gateway serves both.
  mumbai: 'adminapiind.im.qcloud.com',
  'silicon-valley': 'adminapiusa.im.qcloud.com',
  jakarta: 'adminapiidn.im.qcloud.com',
} as const;

export type TencentRegion = keyof typeof TENCENT_REGION_DOMAINS;

export const TENCENT_REGIONS = Object.keys(TENCENT_REGION_DOMAINS) as TencentRegion[];

export const DEFAULT_TENCENT_REGION: TencentRegion = 'singapore';

export function isTencentRegion(value: string): value is TencentRegion {
  return Object.hasOwn(TENCENT_REGION_DOMAINS, value);
}

/** Where requests go: an origin for the connection pool plus a path prefix (a proxy may mount the API under one). */
export interface ApiEndpoint {
  /** e.g. `https://adminapisgp.im.qcloud.com` or `http://127.0.0.1:4000`. */
  origin: string;
  /** '' or a prefix such as `/tencent` (no trailing slash). */
  basePath: string;
}

/**
 * Resolves the endpoint. `baseUrl` (TENCENT_API_BASE_URL) wins over the region so a proxy or a local demo server
 * can stand in for Tencent. Region names are case-insensitive; an unknown one is an error naming the valid choices.
 */
export function resolveEndpoint(options: { region?: string; baseUrl?: string }): ApiEndpoint {
  if (options.baseUrl !== undefined && options.baseUrl !== '') {
    let url: URL;
    try {
      url = new URL(options.baseUrl);
    } catch {
      throw new Error('TENCENT_API_BASE_URL must be a full origin such as https://adminapisgp.im.qcloud.com');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new Error('TENCENT_API_BASE_URL must start with http:// or https://');
    }
    // Credentials or a query in the base URL would end up next to the UserSig; refuse rather than guess.
    if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
      throw new Error('TENCENT_API_BASE_URL must be an origin (and optional path) without credentials or query');
    }
    return { origin: url.origin, basePath: url.pathname.replace(/\/+$/, '') };
  }
  const region = (options.region ?? DEFAULT_TENCENT_REGION).trim().toLowerCase();
  if (!isTencentRegion(region)) {
    throw new Error(`TENCENT_REGION "${region.slice(0, 40)}" is not one of: ${TENCENT_REGIONS.join(', ')}`);
  }
  return { origin: `https://${TENCENT_REGION_DOMAINS[region]}`, basePath: '' };
}

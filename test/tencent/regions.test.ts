import { describe, expect, it } from 'vitest';
import { resolveEndpoint, TENCENT_REGION_DOMAINS, TENCENT_REGIONS } from '../../src/tencent/regions.js';

describe('resolveEndpoint', () => {
  it('maps every documented region to its Chat REST domain', () => {
    expect(resolveEndpoint({ region: 'china' }).origin).toBe('https://console.tim.qq.com');
    expect(resolveEndpoint({ region: 'singapore' }).origin).toBe('https://adminapisgp.im.qcloud.com');
    expect(resolveEndpoint({ region: 'seoul' }).origin).toBe('https://adminapikr.im.qcloud.com');
    expect(resolveEndpoint({ region: 'frankfurt' }).origin).toBe('https://adminapiger.im.qcloud.com');
    expect(resolveEndpoint({ region: 'mumbai' }).origin).toBe('https://adminapiind.im.qcloud.com');
    expect(resolveEndpoint({ region: 'silicon-valley' }).origin).toBe('https://adminapiusa.im.qcloud.com');
    expect(resolveEndpoint({ region: 'jakarta' }).origin).toBe('https://adminapiidn.im.qcloud.com');
    expect(TENCENT_REGIONS).toHaveLength(Object.keys(TENCENT_REGION_DOMAINS).length);
  });

  it('defaults to singapore and ignores case', () => {
    expect(resolveEndpoint({}).origin).toBe('https://adminapisgp.im.qcloud.com');
    expect(resolveEndpoint({ region: ' Seoul ' }).origin).toBe('https://adminapikr.im.qcloud.com');
  });

  it('names the valid regions when the region is unknown', () => {
    expect(() => resolveEndpoint({ region: 'mars' })).toThrow(/singapore.*silicon-valley/);
  });

  it('lets a base URL override the region, keeping a path prefix', () => {
    expect(resolveEndpoint({ region: 'china', baseUrl: 'http://127.0.0.1:4000' })).toEqual({
      origin: 'http://127.0.0.1:4000',
      basePath: '',
    });
    expect(resolveEndpoint({ baseUrl: 'https://proxy.example.com/tencent/' })).toEqual({
      origin: 'https://proxy.example.com',
      basePath: '/tencent',
    });
  });

  it('refuses base URLs that are not plain http(s) origins', () => {
    expect(() => resolveEndpoint({ baseUrl: 'not a url' })).toThrow(/TENCENT_API_BASE_URL/);
    expect(() => resolveEndpoint({ baseUrl: 'ftp://x.example' })).toThrow(/http/);
    expect(() => resolveEndpoint({ baseUrl: 'https://u:p@x.example' })).toThrow(/credentials/);
    expect(() => resolveEndpoint({ baseUrl: 'https://x.example/?usersig=1' })).toThrow(/query/);
  });
});

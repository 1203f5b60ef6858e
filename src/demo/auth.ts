import { DemoErrorCode, failure, type Outcome } from './protocol.js';
import { verifyUserSig } from './user-sig.js';

export interface AuthConfig {
  sdkAppId: number;
  secretKey: string;
  adminUser: string;
}

const MAX_UINT32 = 4294967295;

/**
 * Checks the query string the way the Chat gateway documents it, URL shape first, then the UserSig.
 * Returns the failure to answer, or undefined when the request may go on.
 *
 * A valid UserSig for a user who is not `adminUser` answers 60010 ("requires App administrator permission"),
 * not 70013: the signature is fine, the account just lacks the right, and telling those apart helps whoever
 * configured TENCENT_ADMIN_USER.
 */
export function checkQuery(params: URLSearchParams, config: AuthConfig, now: number): Outcome | undefined {
  const sdkAppId = params.get('sdkappid');
  if (sdkAppId === null || sdkAppId === '')
    return failure(DemoErrorCode.needsSdkAppId, 'the REST API requires sdkappid');
  if (!/^\d{1,12}$/.test(sdkAppId) || Number(sdkAppId) !== config.sdkAppId) {
    return failure(DemoErrorCode.sdkAppIdInvalid, `SDKAppID ${sdkAppId.slice(0, 20)} is invalid`);
  }
  const identifier = params.get('identifier');
  if (identifier === null || identifier === '') return failure(DemoErrorCode.accountOrSig, 'identifier is missing');
  const userSig = params.get('usersig');
  if (userSig === null) return failure(DemoErrorCode.accountOrSig, 'usersig is missing');
  const random = params.get('random');
  if (random === null || !/^\d{1,10}$/.test(random) || Number(random) > MAX_UINT32) {
    return failure(DemoErrorCode.httpParse, 'random must be an unsigned 32-bit integer');
  }
  if (params.get('contenttype') !== 'json') return failure(DemoErrorCode.httpParse, 'contenttype must be json');

  const sig = verifyUserSig(userSig, { sdkAppId: config.sdkAppId, identifier, secretKey: config.secretKey, now });
  if (!sig.ok) return failure(sig.code, sig.info);
  if (identifier !== config.adminUser) {
    return failure(DemoErrorCode.needsAdmin, 'the request requires App administrator permission');
  }
  return undefined;
}

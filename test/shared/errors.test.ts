import { describe, expect, it } from 'vitest';
import { CallRefusedError } from '../../src/calls/batched-upserts.js';
import { StoreUnavailableError } from '../../src/calls/call-store.js';
import { SearchError } from '../../src/calls/search-errors.js';
import { TencentError } from '../../src/calls/source-errors.js';
import { ConfigError } from '../../src/config/index.js';
import { ERROR_CODES, isAppError } from '../../src/shared/errors.js';
import { SummaryPostError } from '../../src/slack/post-daily-summary.js';
import { ButtonStateError } from '../../src/slack/state/button-state.js';
import { HomeStateError } from '../../src/slack/state/home-state.js';
import { DataDirInUseError } from '../../src/store/data-dir-claim.js';
import { DataDirError, StoreRowError, StoreSchemaError } from '../../src/store/store-errors.js';

describe('the coded error model', () => {
  const errors: Array<[Error, string]> = [
    [new ConfigError(['PORT must be a number']), 'config'],
    [new StoreUnavailableError('database down'), 'store-unavailable'],
    [new DataDirError('DATA_DIR is read-only'), 'store-unavailable'],
    [new StoreRowError('calls', 'bad row'), 'store-row'],
    [new StoreSchemaError('newer schema'), 'store-schema'],
    [new DataDirInUseError(1, 'host', '/data'), 'data-dir-in-use'],
    [new TencentError('auth', 'refused', {}), 'tencent'],
    [new CallRefusedError(), 'call-refused'],
    [new SearchError('out-of-range', 'too old'), 'search'],
    [new SummaryPostError('other', 'failed', { channel: 'C1' }), 'summary-post'],
    [new ButtonStateError('too long'), 'ui-state'],
    [new HomeStateError('too long'), 'ui-state'],
  ];

  it('gives every error the app names a code from the closed set, and keeps its class and message', () => {
    for (const [error, code] of errors) {
      expect(isAppError(error), error.name).toBe(true);
      expect(ERROR_CODES).toContain(code);
      expect((error as Error & { code: string }).code, error.name).toBe(code);
      expect(error.message.length).toBeGreaterThan(0);
    }
  });

  it('gives a plain Error no code (it is unexpected, and logged with a reference)', () => {
    expect(isAppError(new Error('boom'))).toBe(false);
    expect(isAppError('boom')).toBe(false);
  });
});

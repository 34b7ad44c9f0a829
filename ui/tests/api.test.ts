import { afterEach, describe, expect, it } from 'vitest';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { api, ApiError } from '../src/lib/api';

afterEach(() => clearMocks());

describe('api', () => {
  it('calls each command by name with camelCase arguments', async () => {
    const calls: [string, unknown][] = [];
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      if (cmd === 'list_tags') return { tags: ['v1', 'v2'], supply_chain: [] };
      if (cmd === 'sign_in') return { entry: { name: 'r', host: 'r', insecure: false, ca_file: null }, sign_in: { kind: 'keyring', username: 'u' }, keyring_problem: null };
      return null;
    });
    expect((await api.listTags('ghcr.io/o/i')).tags).toEqual(['v1', 'v2']);
    await api.signIn('r', 'u', 's3cret');
    await api.testRegistry('localhost:5000', true, null);
    await api.addRegistry({ name: 'n', host: 'localhost:5000', insecure: true, ca_file: null });
    expect(calls[0]).toEqual(['list_tags', { repository: 'ghcr.io/o/i' }]);
    expect(calls[1]).toEqual(['sign_in', { host: 'r', username: 'u', secret: 's3cret' }]);
    expect(calls[2]).toEqual(['test_registry', { host: 'localhost:5000', insecure: true, caFile: null }]);
    // A request struct crosses as one argument, its fields as Rust names them.
    expect(calls[3]).toEqual(['add_registry', { request: { name: 'n', host: 'localhost:5000', insecure: true, ca_file: null } }]);
  });

  it('turns {code, message} rejections into ApiError', async () => {
    mockIPC(() => {
      throw { code: 'unauthorized', message: 'ghcr.io refused access: sign in first', registry: 'ghcr.io' };
    });
    const err = await api.listTags('ghcr.io/o/i').catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.code).toBe('unauthorized');
    expect(err.registry).toBe('ghcr.io');
    expect(err.message).toContain('sign in');
  });
});

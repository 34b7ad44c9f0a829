import { describe, expect, it } from 'vitest';
import { ApiError } from '../src/lib/call';
import { explain, needsOwner } from '../src/lib/errors';
import type { ErrorCode } from '../src/lib/bindings';

const err = (
  code: ErrorCode,
  message: string,
  registry: string | null = 'reg.example.com',
  facts: { status?: number; missing?: string } = {},
) => new ApiError({ code, message, registry, registry_local: false, status: facts.status ?? null, missing: facts.missing ?? null });

describe('explain', () => {
  it('offers Sign in, not Retry, for a refused sign-in', () => {
    const e = explain(err('unauthorized', 'reg.example.com refused access to the catalog: no credentials'));
    expect(e.headline).toBe('reg.example.com wants you to sign in');
    expect(e.signIn).toBe('reg.example.com');
    expect(e.retry).toBe(false);
  });

  it('names what a 404 was about', () => {
    const e = explain(
      err('not_found', 'repository team/gone was not found on reg.example.com: NAME_UNKNOWN', 'reg.example.com', { missing: 'repository team/gone' }),
    );
    expect(e.headline).toBe('Repository team/gone was not found on reg.example.com');
    expect(e.detail).toContain('NAME_UNKNOWN');
    expect(explain(err('not_found', 'gone')).headline).toBe('Not found on reg.example.com');
  });

  it("puts our words on a server error, and the registry's under Details", () => {
    const e = explain(err('registry', 'reg.example.com answered 500 for tags of team/app: <html>boom</html>', 'reg.example.com', { status: 500 }));
    expect(e.headline).toBe('reg.example.com failed to answer (HTTP 500)');
    expect(e.detail).toContain('<html>boom</html>');
    expect(e.retry).toBe(true);
    expect(e.signIn).toBeNull();
    expect(explain(err('registry', 'x answered 400 for y', null, { status: 400 })).headline).toBe('The registry refused the request (HTTP 400)');
    // The words come from the engine's fields, not from parsing its message.
    expect(explain(err('registry', 'answered 404 somewhere', null)).headline).toBe('The registry failed to answer');
  });

  it('asks for a Docker Hub namespace rather than showing an error', () => {
    expect(needsOwner(err('input', 'no Docker Hub namespace named: give docker.io/NAMESPACE, or sign in to docker.io to list your own'))).toBe(true);
    expect(needsOwner(err('input', 'bad reference'))).toBe(false);
    expect(needsOwner(null)).toBe(false);
  });
});

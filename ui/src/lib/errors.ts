// What an error means to a user, in one plain headline, with the engine's own message kept
// as the details: "Can't reach ghcr.io — you seem to be offline", not a stack of causes.
// The advice fits the registry: a registry on this machine or network may simply not be
// running; a public one is more likely out of reach.
import { ApiError } from './call';
import { RETRYABLE_CODES } from './bindings';

export type Explained = { headline: string; detail: string; code: string; retry: boolean };

export function explain(error: unknown): Explained {
  const detail = error instanceof Error ? error.message : String(error);
  if (!(error instanceof ApiError)) return { headline: detail, detail: '', code: '', retry: true };
  const where = error.registry ?? 'the registry';
  const headline = (() => {
    switch (error.code) {
      case 'unreachable':
        // Whether the host is local is the engine's rule (it came with the error).
        return error.registryLocal
          ? `Can't reach ${where} — is the registry running?`
          : `Can't reach ${where} — you seem to be offline, or it is down`;
      case 'unauthorized':
        return `${where} wants you to sign in`;
      case 'forbidden':
        return `Your sign-in to ${where} may not do this`;
      case 'not_found':
        return `Not found on ${where}`;
      case 'rate_limited':
        return `${where} is limiting requests: wait a little, then retry`;
      case 'tls':
        return `${where}'s certificate is not trusted — add its CA in the registry's settings`;
      case 'insecure':
        return `${where} would need plain HTTP`;
      case 'engine':
        return `The local engine (Docker, Podman) can't do this`;
      case 'cancelled':
        return 'Cancelled';
      default:
        return '';
    }
  })();
  // Without a headline of its own, the message is the headline.
  return {
    headline: headline || detail,
    detail: headline ? detail : '',
    code: error.code,
    // Which errors are worth a retry is the engine's rule (`ErrorCode::retryable`).
    retry: RETRYABLE_CODES.includes(error.code),
  };
}

// Whether the registry changed under the user (a tag moved, or an image gained a tag
// since its preview): the view should be read again and the user asked again.
export function isConflict(error: unknown): boolean {
  return error instanceof ApiError && error.code === 'conflict';
}

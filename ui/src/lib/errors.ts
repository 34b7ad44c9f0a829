// What an error means to a user, in one plain headline, with the engine's own message kept
// as the details: "Can't reach ghcr.io — you seem to be offline", not a stack of causes.
// The advice fits the registry: a registry on this machine or network may simply not be
// running; a public one is more likely out of reach. Each error offers the action that fixes
// it: Sign in for a refused sign-in, Retry where trying again can help.
import { ApiError } from './call';
import { RETRYABLE_CODES } from './bindings';

export type Explained = {
  headline: string;
  detail: string;
  code: string;
  retry: boolean;
  /** The registry to sign in to, when signing in is what fixes it. */
  signIn: string | null;
};

/** What a 404 was about (the engine's `missing`: "manifest HOST/REPO:TAG"), first letter
 * up; null when it did not say. */
function missing(what: string | null): string | null {
  return what ? what.charAt(0).toUpperCase() + what.slice(1) : null;
}

export function explain(error: unknown): Explained {
  const detail = error instanceof Error ? error.message : String(error);
  if (!(error instanceof ApiError)) return { headline: detail, detail: '', code: '', retry: true, signIn: null };
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
      case 'not_found': {
        const what = missing(error.missing);
        return what ? `${what} was not found on ${where}` : `Not found on ${where}`;
      }
      case 'registry': {
        // Our words first; the registry's own (often a stack trace or an HTML page) under Details.
        const code = error.status;
        return code !== null && code < 500 ? `${where} refused the request (HTTP ${code})` : `${where} failed to answer${code ? ` (HTTP ${code})` : ''}`;
      }
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
    // A host keeps its case; "the registry" starts a sentence.
    headline: headline ? headline.replace(/^the registry\b/, 'The registry') : detail,
    detail: headline ? detail : '',
    code: error.code,
    // Which errors are worth a retry is the engine's rule (`ErrorCode::retryable`); a refused
    // sign-in is fixed by signing in, not by asking again.
    retry: error.code !== 'unauthorized' && RETRYABLE_CODES.includes(error.code),
    signIn: error.code === 'unauthorized' ? (error.registry ?? '') : null,
  };
}

// Whether the registry changed under the user (a tag moved, or an image gained a tag
// since its preview): the view should be read again and the user asked again.
export function isConflict(error: unknown): boolean {
  return error instanceof ApiError && error.code === 'conflict';
}

/** The window-level event asking for the sign-in dialog of a registry (`detail`: its host,
 * or '' for the one in view): raised by an error panel, answered by the window. */
export const SIGN_IN_EVENT = 'portolan-sign-in';

/** Whether a package list failed only for want of an owner: Docker Hub, signed out, lists a
 * namespace's repositories and none was named (the engine's `input` error says "no Docker
 * Hub namespace named"). That is a question to ask, not an error to show. */
export function needsOwner(error: unknown): boolean {
  return error instanceof ApiError && error.code === 'input' && /\bnamespace named\b/.test(error.message);
}

import { MutationCache, QueryClient } from '@tanstack/react-query';
import { AppEvents } from '@grafana/data';
import { getAppEvents } from '@grafana/runtime';
import { RelayError, toRelayError } from '../api/relay';
import { relayErrorText } from '../components/RelayStatusDetails/relayErrorText';

declare module '@tanstack/react-query' {
  interface Register {
    defaultError: RelayError;
    /** Toasts for a mutation, said once here rather than in every page: texts already translated. */
    mutationMeta: { success?: string; error?: string };
  }
}

/** The toast text for a failed call: what the relay said, or what to do about the proxy. */
export function errorMessage(error: unknown): string {
  const relayError = toRelayError(error);
  return relayError.kind === 'http' && relayError.detail ? relayError.detail : relayErrorText(relayError);
}

export function createQueryClient(): QueryClient {
  const events = () => getAppEvents();
  return new QueryClient({
    defaultOptions: {
      queries: {
        refetchOnWindowFocus: false,
        // Role, token and routing errors do not heal by asking again.
        retry: (count, error) => count < 2 && (error.kind === 'network' || error.kind === 'unreachable'),
      },
    },
    mutationCache: new MutationCache({
      onSuccess: (_data, _variables, _context, mutation) => {
        if (mutation.meta?.success) {
          events().publish({ type: AppEvents.alertSuccess.name, payload: [mutation.meta.success] });
        }
      },
      onError: (error, _variables, _context, mutation) => {
        const detail = errorMessage(error);
        const payload = mutation.meta?.error ? [mutation.meta.error, detail] : [detail];
        events().publish({ type: AppEvents.alertError.name, payload });
      },
    }),
  });
}

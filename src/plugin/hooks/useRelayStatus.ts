import { useCallback, useEffect, useState } from 'react';
import { fetchRelayStatus, type RelayError, type RelayStatus, toRelayError } from '../api/relay';

export interface RelayStatusState {
  loading: boolean;
  status?: RelayStatus;
  error?: RelayError;
}

/**
 * Loads the relay status through Grafana's plugin proxy. `enabled: false` (relay not configured)
 * loads nothing. `reload()` fetches again; answers to superseded requests are dropped.
 */
export function useRelayStatus(enabled: boolean): RelayStatusState & { reload: () => void } {
  const [state, setState] = useState<RelayStatusState>({ loading: enabled });
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    if (!enabled) {
      return;
    }
    let current = true;
    fetchRelayStatus().then(
      (status) => {
        if (current) {
          setState({ loading: false, status });
        }
      },
      (error: unknown) => {
        if (current) {
          setState({ loading: false, error: toRelayError(error) });
        }
      }
    );
    return () => {
      current = false;
    };
  }, [enabled, generation]);

  const reload = useCallback(() => {
    setState((previous) => ({ ...previous, loading: true }));
    setGeneration((previous) => previous + 1);
  }, []);

  return { ...state, reload };
}

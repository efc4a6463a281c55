import { useCallback, useEffect, useState } from 'react';

import { EngineClient, engineForDataSource } from '../api';

/** The engine client of the app's configured Vigil data source (or the first one), with loading/error state. */
export function useEngine(datasourceUid?: string): { client?: EngineClient; error?: string } {
  const [state, setState] = useState<{ client?: EngineClient; error?: string }>({});
  useEffect(() => {
    let live = true;
    engineForDataSource(datasourceUid)
      .then((client) => live && setState({ client }))
      .catch((e: Error) => live && setState({ error: e.message }));
    return () => {
      live = false;
    };
  }, [datasourceUid]);
  return state;
}

/** Load something from the engine; `reload()` fetches again. */
export function useEngineData<T>(
  client: EngineClient | undefined,
  load: (c: EngineClient) => Promise<T>,
  deps: unknown[]
): { data?: T; error?: string; loading: boolean; reload: () => void } {
  const [state, setState] = useState<{ data?: T; error?: string; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  useEffect(() => {
    if (!client) return;
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    load(client)
      .then((data) => live && setState({ data, loading: false }))
      .catch((e: Error) => live && setState({ error: e.message, loading: false }));
    return () => {
      live = false;
    };
  }, [client, tick, ...deps]);
  return { ...state, reload };
}

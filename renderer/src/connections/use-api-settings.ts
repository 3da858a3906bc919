/** One system's per-connection API settings: read, change, apply a proposal, reset to defaults. */
import { useEffect, useState } from 'react';
import type { ApiSettings, ApiSettingValue } from '../../../common/bridge/connection-contract';
import type { BridgeError, SystemId } from '../../../common/errors';
import { bridge } from '../bridge/bridge';

export interface ApiSettingsState {
  settings: ApiSettings | null;
  busy: boolean;
  error: BridgeError | null;
  /** The last change that went through, for a short confirmation. */
  saved: string | null;
  /** Stores these values (those equal to the default are dropped) and rebuilds the client. */
  save(values: Record<string, ApiSettingValue>, what?: string): Promise<boolean>;
  /** Changes one setting, keeping the others as they are. */
  apply(key: string, value: ApiSettingValue, what: string): Promise<boolean>;
  reset(): Promise<boolean>;
}

/** The values that differ from their defaults: what main stores. */
export function changedValues(settings: ApiSettings): Record<string, ApiSettingValue> {
  return Object.fromEntries(settings.fields.filter((field) => field.value !== field.defaultValue).map((field) => [field.key, field.value]));
}

export function useApiSettings(system: SystemId): ApiSettingsState {
  const [settings, setSettings] = useState<ApiSettings | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<BridgeError | null>(null);
  const [saved, setSaved] = useState<string | null>(null);

  useEffect(() => {
    let alive = true;
    void bridge.getApiSettings({ system }).then((result) => {
      if (!alive) return;
      if (result.ok) setSettings(result.value);
      else setError(result.error);
    });
    return () => {
      alive = false;
    };
  }, [system]);

  const change = async (call: () => ReturnType<typeof bridge.setApiSettings>, what: string) => {
    setBusy(true);
    setError(null);
    setSaved(null);
    const result = await call();
    setBusy(false);
    if (result.ok) {
      setSettings(result.value);
      setSaved(what);
    } else {
      setError(result.error);
    }
    return result.ok;
  };

  return {
    settings,
    busy,
    error,
    saved,
    save: (values, what = 'API settings saved; the client now uses them.') => change(() => bridge.setApiSettings({ system, values }), what),
    apply: (key, value, what) => change(() => bridge.setApiSettings({ system, values: { ...(settings ? changedValues(settings) : {}), [key]: value } }), what),
    reset: () => change(() => bridge.resetApiSettings({ system }), 'API settings are back to the defaults.'),
  };
}

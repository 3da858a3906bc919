/**
 * The app settings through the bridge: main keeps the settings file, this fetches it once per
 * page, follows `appSettingsChanged` (another window changed something) and writes changes. What
 * is in effect lives in settings-snapshot.ts; main's answer always wins over the local mirror.
 */
import { useEffect, useSyncExternalStore } from 'react';
import type { AppSettings } from '../../../common/bridge/settings-contract';
import type { BridgeError } from '../../../common/errors';
import { bridge, onBridgeLinkState } from '../bridge/bridge';
import { adoptAppSettings, appSettings, subscribeAppSettings } from './settings-snapshot';

/** The event log's own "Local time" choice before it became an app setting. */
const OLD_EVENT_LOG_ZONE_KEY = 'corelog.eventLog.zone';

let loading: Promise<void> | null = null;
let following = false;

/** Fetches main's settings (once per page unless `again`) and follows later changes. */
export function loadAppSettings(again = false): Promise<void> {
  if (again) loading = null;
  loading ??= (async () => {
    if (!following) {
      following = true;
      bridge.on('appSettingsChanged', adoptAppSettings);
    }
    const result = await bridge.getAppSettings();
    if (!result.ok) {
      // Not reachable yet (browser mode still connecting): the next call tries again.
      loading = null;
      return;
    }
    adoptAppSettings(result.value);
    await adoptOldEventLogZone();
  })();
  return loading;
}

/** Changes some settings in main; the change shows here at once and in every other window. */
export async function changeAppSettings(patch: Partial<AppSettings>): Promise<BridgeError | null> {
  const before = appSettings();
  adoptAppSettings({ ...before, ...patch });
  const result = await bridge.setAppSettings(patch);
  if (result.ok) {
    adoptAppSettings(result.value);
    return null;
  }
  adoptAppSettings(before);
  return result.error;
}

/** The settings, re-rendering the component when they change. */
export function useAppSettings(): AppSettings {
  return useSyncExternalStore(subscribeAppSettings, appSettings);
}

/** A user who had ticked the event log's "Local time" keeps local time now that it is an app setting. */
async function adoptOldEventLogZone(): Promise<void> {
  const old = localStorage.getItem(OLD_EVENT_LOG_ZONE_KEY);
  if (old === null) return;
  if (old === 'local' && appSettings().timeZone === 'utc' && (await changeAppSettings({ timeZone: 'local' })) !== null) return;
  localStorage.removeItem(OLD_EVENT_LOG_ZONE_KEY);
}

/**
 * Keeps this page on main's settings: loads them now and again whenever the bridge comes back
 * (browser mode reconnecting), and re-renders the caller on every change, so a component tree
 * under it shows times and depths the new way at once.
 */
export function useAppSettingsFromMain(): AppSettings {
  useEffect(() => {
    void loadAppSettings();
    return onBridgeLinkState((state) => {
      if (state === 'open') void loadAppSettings(true);
    });
  }, []);
  return useAppSettings();
}

/** The one action that moves between the sample systems and the user's own (first screen, Connections). */
import type { ProfileName } from '../../../common/bridge/connection-contract';
import type { BridgeError } from '../../../common/errors';
import { bridge } from '../bridge/bridge';
import { adoptProfile, currentProfile, setProfileInfo, setSwitchingTo } from './profile';

/**
 * Reloads the page in `profile` after taking the screens down, so no sync engine of the old profile
 * runs on. Where this browser refuses to store the choice (blocked storage), it does not reload —
 * that would loop — and says so instead.
 */
export function reloadInto(profile: ProfileName): void {
  setSwitchingTo(profile);
  try {
    adoptProfile(profile);
  } catch {
    // checked just below
  }
  if (currentProfile() !== profile) {
    setSwitchingTo(null);
    throw new Error('This browser does not let Corelog keep its settings (site storage is blocked), so it cannot open the right data. Allow site data for this address and reload.');
  }
  window.location.reload();
}

/**
 * Switches to `profile`. The screens come down first, so the old profile's sync engines stop
 * before main changes systems; on success the page reloads in the new profile (answers null), on
 * failure the screens come back and the error is answered.
 */
export async function switchProfile(profile: ProfileName): Promise<BridgeError | null> {
  setSwitchingTo(profile);
  // Let React take the screens down (their effects stop the engines) before main switches.
  await new Promise((resolve) => setTimeout(resolve, 30));
  const result = await bridge.chooseProfile({ profile });
  if (!result.ok) {
    setSwitchingTo(null);
    return result.error;
  }
  setProfileInfo(result.value);
  if (result.value.active === currentProfile()) {
    setSwitchingTo(null);
    return null;
  }
  try {
    reloadInto(result.value.active);
  } catch (error) {
    return { kind: 'unavailable', message: (error as Error).message, retryable: false };
  }
  return null;
}

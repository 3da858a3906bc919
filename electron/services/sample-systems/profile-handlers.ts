import { Readable } from 'node:stream';
import type { ProfileInfo, ProfileName } from '../../../common/bridge/connection-contract';
import { CorelogError } from '../../../common/errors';
import type { ServiceContext, ServiceModule } from '../app-services';
import type { SampleSystems } from './sample-systems';

/** What the profile host (profile-host.ts) lends each profile's services. */
export interface ProfileControl {
  describe(): ProfileInfo;
  /** Switches to `profile` (starting or stopping the sample systems); resolves once the new profile's services run. */
  choose(profile: ProfileName): Promise<ProfileInfo>;
  /** The sample systems while the sample profile is in use, else null. */
  sampleSystems(): SampleSystems | null;
}

/** A service set made without the host (some tests): the real profile, already chosen, no switching. */
const FIXED_REAL: ProfileInfo = { active: 'real', chosen: true, canSwitch: false, notice: null, sample: null };

/** Bridge handlers for the first screen, the switch in Connections and the sample tray photo. */
export function createProfileModule({ options, stagedFiles }: ServiceContext): ServiceModule {
  const control = options.profile;
  return {
    handlers: {
      getProfile: async () => control?.describe() ?? FIXED_REAL,
      async chooseProfile({ profile }) {
        if (control) return control.choose(profile);
        if (profile === 'real') return FIXED_REAL;
        throw new CorelogError('unavailable', 'This copy of Corelog cannot run the sample systems.', { retryable: false });
      },
      async stageSampleTrayPhoto() {
        const sample = control?.sampleSystems();
        // A generated picture must never reach a real Imago.
        if (!sample) throw new CorelogError('validation', 'Sample tray photos are only for the sample systems.', { retryable: false });
        const photo = await sample.trayPhoto();
        const staged = await stagedFiles.saveStream(Readable.from([photo.bytes]), photo.name, photo.bytes.length);
        return { ref: staged.ref, name: staged.name, bytes: staged.bytes };
      },
    },
  };
}

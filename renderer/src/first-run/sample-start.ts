/**
 * The newcomer's path on the sample systems: the sample project and the sample hole are chosen
 * already, and a generated tray photo stands in for a camera, so the first event and the first
 * queued photo take a few clicks and no reading.
 */
import type { ProfileInfo } from '../../../common/bridge/connection-contract';
import { DEFAULT_FILENAME_PATTERN } from '../../../common/photos/filename-pattern';
import { bridge } from '../bridge/bridge';
import { currentProject, setCurrentProject } from '../event-log/current-project';
import { asBridgeError, intakeStaged, refreshCatalogue, refreshHoles } from '../photos/photo-records';
import { getSetting, holeId, photosDb, putSetting } from '../photos/photos-db';
import type { PhotoSelection } from '../photos/use-photo-selection';

export type SampleStart = NonNullable<ProfileInfo['sample']>['start'];

/** Half-second tries while the sample Imago signs in (it runs on this computer: well under a second). */
const SIGN_IN_WAIT_TRIES = 12;

/** Chooses the sample project and hole where nothing is chosen yet (a choice the user made is kept, unless `force`). */
export async function preselectSampleStart(start: SampleStart, force = false): Promise<void> {
  if (start.project && !currentProject()) setCurrentProject(start.project);
  await photosDb.transaction('rw', photosDb.settings, async () => {
    const selection = await getSetting<Partial<PhotoSelection> | null>('selection', null);
    if (selection?.workspaceName && !force) return;
    const chosen: PhotoSelection = {
      workspaceName: start.workspaceName,
      datasetName: start.datasetName,
      holeId: holeId(start.workspaceName, start.datasetName, start.holeName),
      imageryTypeName: start.imageryTypeName,
      intervalId: '',
      imageTypeName: start.imageTypeName,
    };
    await putSetting('selection', chosen);
  });
}

/**
 * Takes a generated tray photo of the sample hole's next interval in, as a draft for review on the
 * Photos screen (named `{hole}_{from}_{to}_{imageType}`, so it is bound already). Throws a plain
 * message when it cannot (the sample Imago is not reachable yet, say).
 */
export async function takeSampleTrayPhoto(start: SampleStart): Promise<void> {
  // Right after "Try it" the sample Imago may still be signing in: give it a few seconds, not an error.
  for (let attempt = 1; ; attempt++) {
    try {
      await refreshCatalogue();
      break;
    } catch (error) {
      if (attempt >= SIGN_IN_WAIT_TRIES || !['auth', 'offline', 'unavailable', 'timeout'].includes(asBridgeError(error).kind)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  await refreshHoles(start.workspaceName, start.datasetName);
  const catalogue = await photosDb.catalogue.get('imago');
  const imageryType = catalogue?.workspaces
    .find((w) => w.name === start.workspaceName)
    ?.datasets.find((d) => d.name === start.datasetName)
    ?.imageryTypes.find((t) => t.name === start.imageryTypeName);
  const staged = await bridge.stageSampleTrayPhoto();
  if (!staged.ok) throw Object.assign(new Error(staged.error.message), { bridgeError: staged.error });
  const { accepted } = await intakeStaged(
    [{ ok: true, ...staged.value }],
    {
      workspaceName: start.workspaceName,
      datasetName: start.datasetName,
      pattern: DEFAULT_FILENAME_PATTERN,
      imageryType,
      binding: { hole: start.holeName, imageryTypeName: start.imageryTypeName, imageTypeName: start.imageTypeName },
    },
    'picker',
  );
  if (accepted === 0) throw new Error('The sample tray photo was refused; the reason is listed on the Photos screen.');
  // The Photos screen shows the drafts of the hole it looks at: make that the sample hole.
  await preselectSampleStart(start, true);
}

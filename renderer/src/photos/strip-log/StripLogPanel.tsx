/**
 * The strip log on the Photos screen: the selected hole and imagery type, plus any other imagery
 * types of the dataset the user puts beside it (remembered per dataset). Selecting on the strip
 * is selecting for the interval form (the same stored selection), so the two stay in step.
 */
import { useLiveQuery } from 'dexie-react-hooks';
import { useState } from 'react';
import { displayText } from '../../../../common/display-text';
import { NAME_CHARACTERS, ShownText } from '../../ui/ShownText';
import { getSetting, photosDb, rememberSetting } from '../photos-db';
import type { ResolvedSelection } from '../use-photo-selection';
import { StripLog } from './StripLog';

const besideKey = (datasetId: string) => `stripLog.beside.${datasetId}`;

export function StripLogPanel({ view }: { view: ResolvedSelection }) {
  const { hole, dataset, imageryType, interval, select } = view;
  const stored = useLiveQuery(() => (dataset ? getSetting<string[]>(besideKey(dataset.id), []) : Promise.resolve([] as string[])), [dataset?.id], [] as string[]);
  // A tick shows at once; the stored choice (read back live) catches up a moment later.
  const [justChosen, setJustChosen] = useState<{ datasetId: string; ids: string[] } | null>(null);
  const beside = justChosen && justChosen.datasetId === dataset?.id ? justChosen.ids : stored;
  if (!hole || !dataset || !imageryType) return null;
  const others = dataset.imageryTypes.filter((t) => t.id !== imageryType.id);
  // In the dataset's order, so the groups keep their places whichever type the form is on.
  const shown = dataset.imageryTypes.filter((t) => t.id === imageryType.id || beside.includes(t.id)).map((t) => t.id);
  const choose = (ids: string[]) => {
    setJustChosen({ datasetId: dataset.id, ids });
    void rememberSetting(besideKey(dataset.id), ids);
  };
  const toggle = (id: string, on: boolean) => choose(on ? [...beside, id] : beside.filter((b) => b !== id));

  // An interval of a type shown beside switches the form to that type; the type left stays beside it.
  const selectOnStrip = async (intervalId: string) => {
    const chosen = await photosDb.intervals.get(intervalId);
    if (!chosen) return;
    if (chosen.imageryTypeName !== imageryType.name && !beside.includes(imageryType.id)) choose([...beside, imageryType.id]);
    select({ imageryTypeName: chosen.imageryTypeName, intervalId });
  };

  return (
    <div className="card strip-log-card" aria-labelledby="strip-log-title">
      <h2 id="strip-log-title">
        Strip log · <ShownText text={hole.name} />
      </h2>
      {others.length > 0 && (
        <p className="strip-panel-types">
          <span className="muted shown-text">Beside {displayText(imageryType.name, { maxCharacters: NAME_CHARACTERS })}:</span>
          {others.map((t) => (
            <label key={t.id} className="check">
              <input type="checkbox" checked={beside.includes(t.id)} onChange={(e) => toggle(t.id, e.target.checked)} /> <ShownText text={t.name} max={NAME_CHARACTERS} />
            </label>
          ))}
        </p>
      )}
      <StripLog
        holeId={hole.id}
        imageryTypeIds={shown}
        mode="screen"
        selectedIntervalId={interval?.id ?? null}
        onSelect={(intervalId) => void selectOnStrip(intervalId)}
      />
    </div>
  );
}

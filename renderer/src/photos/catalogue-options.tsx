/**
 * The `<option>` lists of the Imago catalogue's workspace, dataset and imagery-type pickers, one rendering for
 * every screen that picks a target (Photos, Archive import), so both name them the same way.
 */
import type { CatalogueDataset, CatalogueWorkspace, PhotoCatalogue } from '../../../common/bridge/photo-contract';
import { displayText } from '../../../common/display-text';
import { NAME_CHARACTERS } from '../ui/ShownText';

/**
 * A name from Imago as an option shows it: by the one display rule (an override cannot turn the
 * text around, 100,000 characters cannot widen the select). The option's value stays the exact name.
 */
export function optionName(name: unknown): string {
  return displayText(name, { maxCharacters: NAME_CHARACTERS });
}

/** Workspaces as "folder › name", read-only ones marked (and disabled where writing is the point). */
export function WorkspaceOptions({ catalogue, disableReadonly = false }: { catalogue: PhotoCatalogue | null | undefined; disableReadonly?: boolean }) {
  return (
    <>
      {catalogue?.workspaces.map((w) => (
        <option key={w.id} value={w.name} disabled={disableReadonly && w.readonly}>
          {`${w.folder ? `${optionName(w.folder)} › ` : ''}${optionName(w.name)}${w.readonly ? ' (read-only)' : ''}`}
        </option>
      ))}
    </>
  );
}

/** Datasets with their length units (depths are shown and typed in them). */
export function DatasetOptions({ workspace }: { workspace: CatalogueWorkspace | null | undefined }) {
  return (
    <>
      {workspace?.datasets.map((d) => (
        <option key={d.id} value={d.name}>
          {`${optionName(d.name)} (${optionName(d.lengthUnits)})`}
        </option>
      ))}
    </>
  );
}

/** A dataset's imagery types, by name. */
export function ImageryTypeOptions({ dataset }: { dataset: CatalogueDataset | null | undefined }) {
  return (
    <>
      {dataset?.imageryTypes.map((t) => (
        <option key={t.id} value={t.name}>
          {optionName(t.name)}
        </option>
      ))}
    </>
  );
}

/**
 * The demo site: a Western Australian gold project with one writable and one readonly
 * (archive) workspace, diamond and RC drilling datasets, and real tray photos per interval.
 */
import { createHash, randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import type { AttributeDataType, Imagery, ImageryType, ImagoWorld, StoredImage } from './state';
import type { ImagoStore } from './store';
import { drawTrayPicture } from './tray-picture';

export const DEMO_USERNAME = 'demo';
export const DEMO_PASSWORD = 'demo';

const attributeDefinition = (name: string, types: [string, AttributeDataType][]) => ({
  id: randomUUID(),
  name,
  attributeTypes: types.map(([typeName, dataType]) => ({ id: randomUUID(), name: typeName, dataType })),
});

/**
 * The rules an attribute type of the seeded imagery types gets under `attributeRules: 'inline'`
 * (a guess at how a server could send them; no Imago page shows any).
 */
export function attributeRuleFields(name: string): { required?: boolean; minimum?: number; maximum?: number; values?: string[] } {
  switch (name) {
    case 'Lithology':
      return { required: true, values: ['Basalt', 'Dolerite', 'Gabbro', 'Quartz vein', 'Saprolite', 'Saprock'] };
    case 'RQD %':
      return { minimum: 0, maximum: 100 };
    case 'StartBox':
    case 'EndBox':
      return { minimum: 1 };
    default:
      return {};
  }
}

const imageType = (name: string) => ({ id: randomUUID(), name, dataType: 'image' as const, sourceType: 'O', baseImageTypeName: null });

/**
 * The imagery types every dataset gets: "Core Trays" and "Chips". New datasets made through
 * `POST /dataset` get the same set, since the API has no way to define imagery types.
 */
export function standardImageryTypes(datasetId: string): ImageryType[] {
  const geology = (): [string, AttributeDataType][] => [
    ['Lithology', 'string'],
    ['Lithology colour', 'colour'],
    ['Geologist', 'string'],
    ['Logged', 'date'],
    ['Comments', 'note'],
  ];
  const labels = () => [{ id: randomUUID(), name: 'Status', labelTypes: ['To do', 'Done', 'Needs review'].map((name) => ({ id: randomUUID(), name })) }];
  return [
    {
      id: randomUUID(),
      datasetId,
      name: 'Core Trays',
      contentType: 'coretray',
      geometryType: 'trace',
      coordinateType: 'geographic',
      enableAutoCrop: true,
      imageTypes: [imageType('Wet'), imageType('Dry')],
      attributeDefinitions: [
        attributeDefinition('Core Tray Box Numbers', [
          ['StartBox', 'number'],
          ['EndBox', 'number'],
        ]),
        attributeDefinition('Geotechnical', [['RQD %', 'number']]),
        attributeDefinition('Geology', geology()),
      ],
      labelDefinitions: labels(),
      featureDefinitions: [
        {
          id: randomUUID(),
          name: 'Linearization',
          featureTypes: [{ id: randomUUID(), name: 'boundary', colour: '#F00', shapeType: 'quadrilateral' }],
        },
        {
          id: randomUUID(),
          name: 'Structures',
          featureTypes: [
            { id: randomUUID(), name: 'Vein', colour: '#0AF', shapeType: 'polyline' },
            { id: randomUUID(), name: 'Fault', colour: '#F80', shapeType: 'polyline' },
          ],
        },
      ],
    },
    {
      id: randomUUID(),
      datasetId,
      name: 'Chips',
      contentType: 'chiptray',
      geometryType: 'trace',
      coordinateType: 'geographic',
      enableAutoCrop: false,
      imageTypes: [imageType('Dry'), imageType('Wet')],
      attributeDefinitions: [attributeDefinition('Chip Tray Numbers', [['TrayNumber', 'number']]), attributeDefinition('Geology', geology())],
      labelDefinitions: labels(),
      featureDefinitions: [],
    },
  ];
}

interface SeedInterval {
  from: number;
  to: number;
  lithology: string;
  colour: string;
  rqd?: number;
  imageTypes: string[];
}

interface SeedHole {
  name: string;
  dataset: string;
  imageryType: 'Core Trays' | 'Chips';
  geologist: string;
  logged: string;
  format: 'jpeg' | 'png';
  intervals: SeedInterval[];
}

const HOLES: SeedHole[] = [
  {
    name: 'FF-DD-0012',
    dataset: 'Diamond Drilling',
    imageryType: 'Core Trays',
    geologist: 'A. Nguyen',
    logged: '2024-03-11',
    format: 'jpeg',
    intervals: [
      { from: 102.0, to: 106.8, lithology: 'Basalt', colour: '#4A5A3C', rqd: 82, imageTypes: ['Wet', 'Dry'] },
      { from: 106.8, to: 111.5, lithology: 'Basalt', colour: '#4A5A3C', rqd: 76, imageTypes: ['Wet', 'Dry'] },
      { from: 111.5, to: 116.3, lithology: 'Quartz vein', colour: '#E8E4D8', rqd: 64, imageTypes: ['Wet', 'Dry'] },
      { from: 116.3, to: 121.0, lithology: 'Dolerite', colour: '#3B4248', rqd: 91, imageTypes: ['Wet', 'Dry'] },
    ],
  },
  {
    name: 'FF-DD-0013',
    dataset: 'Diamond Drilling',
    imageryType: 'Core Trays',
    geologist: 'R. Clarke',
    logged: '2024-03-14',
    format: 'jpeg',
    intervals: [
      { from: 0.0, to: 4.6, lithology: 'Saprolite', colour: '#B5834F', rqd: 12, imageTypes: ['Wet'] },
      { from: 4.6, to: 9.3, lithology: 'Saprock', colour: '#9C7A55', rqd: 35, imageTypes: ['Wet'] },
      { from: 9.3, to: 14.1, lithology: 'Basalt', colour: '#4A5A3C', rqd: 70, imageTypes: ['Wet'] },
    ],
  },
  {
    name: 'FF-RC-0101',
    dataset: 'Drilling Chips',
    imageryType: 'Chips',
    geologist: 'A. Nguyen',
    logged: '2024-02-27',
    format: 'jpeg',
    intervals: [
      { from: 0, to: 20, lithology: 'Laterite', colour: '#8B3A1E', imageTypes: ['Dry'] },
      { from: 20, to: 40, lithology: 'Mottled clay', colour: '#C49A6C', imageTypes: ['Dry'] },
    ],
  },
  {
    // Same collection name as in the writable workspace: real sites re-log holes, and this is
    // what makes `datasetName`/`workspaceName` necessary on /image.
    name: 'FF-DD-0013',
    dataset: '1998 Historic Core',
    imageryType: 'Core Trays',
    geologist: 'J. Hargreaves',
    logged: '1998-09-02',
    format: 'png',
    intervals: [{ from: 0, to: 15, lithology: 'Saprolite', colour: '#B5834F', rqd: 8, imageTypes: ['Dry'] }],
  },
];

/** Fills an empty store with the demo site, drawing and saving its tray photos. */
export async function seedDemoSite(store: ImagoStore, nowMs: number): Promise<void> {
  const world: ImagoWorld = store.world;
  const now = new Date(nowMs).toISOString();
  const created = new Date(nowMs - 120 * 86_400_000).toISOString();
  world.accounts.push({ uid: randomUUID(), username: DEMO_USERNAME, password: DEMO_PASSWORD });

  const live = { id: randomUUID(), name: 'Firefly Resource Development', readonly: false, workspaceFolder: 'Western Australia' };
  const archive = { id: randomUUID(), name: 'Firefly Legacy Archive', readonly: true };
  world.workspaces.push(live, archive);
  const datasets = [
    { id: randomUUID(), workspaceId: live.id, name: 'Diamond Drilling', lengthUnits: 'metres', createdOn: created },
    { id: randomUUID(), workspaceId: live.id, name: 'Drilling Chips', lengthUnits: 'metres', createdOn: created },
    { id: randomUUID(), workspaceId: archive.id, name: '1998 Historic Core', lengthUnits: 'feet', createdOn: created },
  ];
  world.datasets.push(...datasets);
  for (const dataset of datasets) world.imageryTypes.push(...standardImageryTypes(dataset.id));

  const drawings: Promise<StoredImage>[] = [];
  for (const hole of HOLES) {
    const dataset = datasets.find((d) => d.name === hole.dataset)!;
    const collection = { id: randomUUID(), datasetId: dataset.id, name: hole.name, createdOn: created };
    world.collections.push(collection);
    const imageryType = world.imageryTypes.find((t) => t.datasetId === dataset.id && t.name === hole.imageryType)!;
    hole.intervals.forEach((interval, index) => {
      const imagery: Imagery = {
        id: randomUUID(),
        collectionId: collection.id,
        imageryTypeId: imageryType.id,
        name: null,
        startDepth: interval.from,
        endDepth: interval.to,
        x: null,
        y: null,
        z: null,
        updatedAt: now,
        attributes: seedAttributes(hole, interval, index),
        features: {},
      };
      world.imageries.push(imagery);
      for (const typeName of interval.imageTypes) {
        const type = imageryType.imageTypes.find((t) => t.name === typeName)!;
        drawings.push(
          seedImage(store, imagery, type.id, {
            kind: imageryType.contentType === 'chiptray' ? 'chiptray' : 'coretray',
            label: `${hole.name}  ${unitsLabel(interval.from, interval.to, dataset.lengthUnits)}  ${typeName}`,
            wet: typeName === 'Wet',
            format: hole.format,
          }, now),
        );
      }
    });
  }
  // Pushed after all drawings finish, in seed order, so the table order does not depend on timing.
  store.world.images.push(...(await Promise.all(drawings)));
  store.save();
}

/** The dataset `addFeetDataset` adds. */
export const FEET_DATASET = { workspaceName: 'Firefly Resource Development', datasetName: 'Geotech Core (feet)' } as const;

/**
 * Adds a writable, empty dataset kept in feet (`FEET_DATASET`) with the standard imagery types,
 * for tests that enter depths in feet (the seeded feet dataset is in the readonly archive). Not
 * part of the demo site, so the seeded counts other tests rely on stay as they are.
 */
export function addFeetDataset(emulator: { world: ImagoWorld }, nowMs: number): void {
  const { world } = emulator;
  const workspace = world.workspaces.find((w) => w.name === FEET_DATASET.workspaceName);
  if (!workspace || world.datasets.some((d) => d.workspaceId === workspace.id && d.name === FEET_DATASET.datasetName)) return;
  const dataset = { id: randomUUID(), workspaceId: workspace.id, name: FEET_DATASET.datasetName, lengthUnits: 'feet', createdOn: new Date(nowMs).toISOString() };
  world.datasets.push(dataset);
  world.imageryTypes.push(...standardImageryTypes(dataset.id));
}

function unitsLabel(from: number, to: number, units: string): string {
  const unit = units === 'feet' ? 'ft' : 'm';
  return `${from.toFixed(1)}–${to.toFixed(1)} ${unit}`;
}

function seedAttributes(hole: SeedHole, interval: SeedInterval, index: number): Imagery['attributes'] {
  const geology = { Lithology: interval.lithology, 'Lithology colour': interval.colour, Geologist: hole.geologist, Logged: hole.logged, Comments: `${interval.lithology}, logged from wet photo.` };
  if (hole.imageryType === 'Chips') return { 'Chip Tray Numbers': { TrayNumber: index + 1 }, Geology: geology };
  const attributes: Imagery['attributes'] = {
    'Core Tray Box Numbers': { StartBox: index * 2 + 1, EndBox: index * 2 + 2 },
    Geology: geology,
  };
  if (interval.rqd !== undefined) attributes.Geotechnical = { 'RQD %': interval.rqd };
  return attributes;
}

async function seedImage(store: ImagoStore, imagery: Imagery, imageTypeId: string, picture: Parameters<typeof drawTrayPicture>[0], now: string): Promise<StoredImage> {
  const bytes = await drawTrayPicture(picture);
  const id = randomUUID();
  const ext = picture.format === 'png' ? 'png' : 'jpg';
  const image: StoredImage = {
    id,
    imageryId: imagery.id,
    imageTypeId,
    file: `${id}.${ext}`,
    mimeType: picture.format === 'png' ? 'image/png' : 'image/jpeg',
    width: 1600,
    height: 700,
    size: bytes.length,
    checksum: createHash('sha256').update(bytes).digest('hex'),
    uploadedOn: now,
    uploadedBy: 'ImagoLive',
    updatedAt: now,
    deleted: false,
  };
  await writeFile(store.imagePath(image), bytes);
  return image;
}

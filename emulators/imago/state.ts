/**
 * The emulator's world: accounts, sessions and the workspace → dataset → collection → imagery →
 * image tree, kept as flat JSON-friendly tables so it can be saved with JsonStateFile. Image
 * bytes live next to it as files, never in this object.
 */
export type AttributeDataType = 'number' | 'string' | 'note' | 'date' | 'colour';
export type GeometryType = 'none' | 'point' | 'trace';

export interface Account {
  uid: string;
  username: string;
  password: string;
}

export interface Session {
  token: string;
  uid: string;
  issuedAt: number;
  expiresAt: number;
}

export interface Workspace {
  id: string;
  name: string;
  readonly: boolean;
  workspaceFolder?: string;
}

export interface ImageTypeDef {
  id: string;
  name: string;
  dataType: 'image';
  sourceType: string;
  baseImageTypeName: string | null;
}

export interface AttributeDefinition {
  id: string;
  name: string;
  attributeTypes: { id: string; name: string; dataType: AttributeDataType }[];
}

export interface LabelDefinition {
  id: string;
  name: string;
  labelTypes: { id: string; name: string }[];
}

export interface FeatureDefinition {
  id: string;
  name: string;
  featureTypes: { id: string; name: string; colour: string; shapeType: string }[];
}

export interface ImageryType {
  id: string;
  datasetId: string;
  name: string;
  contentType: string;
  geometryType: GeometryType;
  coordinateType: string;
  enableAutoCrop: boolean;
  imageTypes: ImageTypeDef[];
  attributeDefinitions: AttributeDefinition[];
  labelDefinitions: LabelDefinition[];
  featureDefinitions: FeatureDefinition[];
}

export interface Dataset {
  id: string;
  workspaceId: string;
  name: string;
  lengthUnits: string;
  createdOn: string;
}

export interface Collection {
  id: string;
  datasetId: string;
  name: string;
  createdOn: string;
}

export interface FeaturePoint {
  x: number;
  y: number;
  pen?: number;
}

/** Features of one feature type, per image type: `{ [imageTypeName]: features[] }`. */
export type FeatureValues = Record<string, Record<string, Record<string, { points: FeaturePoint[] }[]>>>;

export interface Imagery {
  id: string;
  collectionId: string;
  imageryTypeId: string;
  name: string | null;
  startDepth: number | null;
  endDepth: number | null;
  x: number | null;
  y: number | null;
  z: number | null;
  updatedAt: string;
  /** `{ [attributeDefinitionName]: { [attributeTypeName]: value } }` */
  /** Objects and lists only with the `structuredAttributeValues` switch (values another tool wrote). */
  attributes: Record<string, Record<string, string | number | AttributeObject>>;
  /** `{ [featureDefinitionName]: { [featureTypeName]: { [imageTypeName]: features } } }` */
  features: FeatureValues;
}

export interface StoredImage {
  id: string;
  imageryId: string;
  imageTypeId: string;
  /** File name under the images directory. */
  file: string;
  mimeType: string;
  width: number;
  height: number;
  size: number;
  checksum: string;
  uploadedOn: string;
  uploadedBy: string;
  updatedAt: string;
  deleted: boolean;
}

export interface ImagoWorld {
  version: 1;
  accounts: Account[];
  sessions: Session[];
  workspaces: Workspace[];
  datasets: Dataset[];
  imageryTypes: ImageryType[];
  collections: Collection[];
  imageries: Imagery[];
  images: StoredImage[];
}

export const emptyWorld = (): ImagoWorld => ({
  version: 1,
  accounts: [],
  sessions: [],
  workspaces: [],
  datasets: [],
  imageryTypes: [],
  collections: [],
  imageries: [],
  images: [],
});

/** Counts for `GET /__admin/imago/state`. */
export function summarise(world: ImagoWorld) {
  return {
    accounts: world.accounts.length,
    sessions: world.sessions.length,
    workspaces: world.workspaces.length,
    datasets: world.datasets.length,
    imageryTypes: world.imageryTypes.length,
    collections: world.collections.length,
    imageries: world.imageries.length,
    images: world.images.filter((i) => !i.deleted).length,
    deletedImages: world.images.filter((i) => i.deleted).length,
  };
}

/** An attribute value none of the documented data types covers: an object or a list, held as sent. */
export type AttributeObject = { [key: string]: unknown } | unknown[];

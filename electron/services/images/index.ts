export { inspectPhoto, type PhotoInspection } from './inspect-photo';
export { preparePhotoForUpload, type PreparedPhoto } from './prepare-photo';
export { PhotoStore, hashFile, type PutResult, type StoredPhoto } from './photo-store';
export {
  DEFAULT_INTAKE_CONCURRENCY,
  PhotoPipeline,
  type IntakeProgress,
  type IntakeResult,
  type IntakenPhoto,
  type PhotoPipelineOptions,
} from './photo-pipeline';
export { IMAGO_MAX_PROGRESSIVE_PIXELS, IMAGO_MAX_SIDE, MAX_INPUT_PIXELS, type UploadMimeType } from './upload-rules';

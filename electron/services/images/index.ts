export { inspectPhoto, type PhotoInspection } from './inspect-photo';
export { preparePhotoForUpload, type PreparedPhoto } from './prepare-photo';
export { renderStoredPreview } from './photo-preview';
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
export { IN_PROCESS_DECODE_BUDGET, IN_PROCESS_JOB_LIMIT, SERVICE_PROCESS_MEMORY_CEILING } from './decode-placement';
export { configureDecodeWorker, type WorkerHandle, type WorkerLauncher, type WorkerLaunchSpec } from './decode-worker-client';

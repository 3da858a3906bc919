/** Asking main for one of Imago's photos of an interval (from its disk cache when it has it, so offline too). */
import { bridge } from '../bridge/bridge';
import type { Hole, ImageryInterval, RemoteImageRef } from './photos-db';

/** `image` of `interval` (which must have its Imago id) scaled to `width` pixels. */
export function fetchIntervalImage(hole: Hole, interval: ImageryInterval, image: RemoteImageRef, width: number) {
  return bridge.fetchImagoImage({
    workspaceName: hole.workspaceName,
    datasetName: hole.datasetName,
    collectionName: hole.name,
    imageryTypeName: interval.imageryTypeName,
    imageTypeName: image.imageTypeName,
    imageryId: interval.remoteId!,
    imageId: image.id,
    width,
  });
}

/**
 * Images that Imago names only by image-type id (the [OLD] form: `imageTypeId`, no
 * `imageTypeName`) get their name from the user context, which lists each image type's id. Asked
 * for only when such an image is there, so a documented server costs no extra request.
 */
import type { ImageryInterval, ImagoContext } from '../imago/imago-client';

export async function nameImageTypes(intervals: ImageryInterval[], context: () => Promise<ImagoContext>): Promise<ImageryInterval[]> {
  if (!intervals.some((interval) => interval.images.some((image) => image.imageTypeName === undefined))) return intervals;
  const names = new Map<string, string>();
  for (const workspace of (await context()).workspaces)
    for (const dataset of workspace.datasets)
      for (const imageryType of dataset.imageryTypes) for (const imageType of imageryType.imageTypes) if (imageType.id !== undefined) names.set(imageType.id, imageType.name);
  return intervals.map((interval) => ({
    ...interval,
    images: interval.images.map((image) => (image.imageTypeName === undefined && image.imageTypeId !== undefined && names.has(image.imageTypeId) ? { ...image, imageTypeName: names.get(image.imageTypeId)! } : image)),
  }));
}

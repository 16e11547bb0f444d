import { imageLabel } from '../lib/format.js';

export interface MirroredImage {
  repository: string;
  reference: string;
  pushedAt: string;
  sizeBytes: number;
}

export interface ImageSource {
  list(): Promise<MirroredImage[]>;
}

/** GET /api/images: newest first, optionally filtered by repository prefix. */
export async function listImages(source: ImageSource, prefix?: string) {
  const images = await source.list();
  return images
    .filter((i) => !prefix || i.repository.startsWith(prefix))
    .sort((a, b) => b.pushedAt.localeCompare(a.pushedAt) || a.repository.localeCompare(b.repository))
    .map((i) => ({ ...i, label: imageLabel(i.repository, i.reference) }));
}

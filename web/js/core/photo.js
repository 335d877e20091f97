// Photos of defects and accessories: a camera JPEG of 4–12 MB is shrunk on the tablet to at most 2048 px on its
// longest side at JPEG quality 0.8 (a few hundred kB), so it fits the blob limit and uploads on shop Wi-Fi.

import { sha256Hex } from './canonical.js';

const LONGEST = 2048;
const QUALITY = 0.8;

/** Shrink an image File/Blob; resolves to {blob, type, sha256}. Unreadable images throw. */
export async function compressPhoto(file) {
  const bitmap = await createImageBitmap(file);
  const scale = Math.min(1, LONGEST / Math.max(bitmap.width, bitmap.height));
  const width = Math.max(1, Math.round(bitmap.width * scale));
  const height = Math.max(1, Math.round(bitmap.height * scale));
  let blob;
  if (typeof OffscreenCanvas !== 'undefined') {
    const canvas = new OffscreenCanvas(width, height);
    draw(canvas.getContext('2d'), bitmap, width, height);
    blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: QUALITY });
  } else {
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    draw(canvas.getContext('2d'), bitmap, width, height);
    blob = await new Promise((resolve) => { canvas.toBlob(resolve, 'image/jpeg', QUALITY); });
  }
  bitmap.close();
  return { blob, type: 'image/jpeg', sha256: await sha256Hex(blob) };
}

function draw(context, bitmap, width, height) {
  context.fillStyle = '#fff'; // a transparent PNG would turn black in a JPEG
  context.fillRect(0, 0, width, height);
  context.drawImage(bitmap, 0, 0, width, height);
}

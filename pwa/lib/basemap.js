// The part of the campaign's basemap a phone keeps for offline maps: fetched once for a box (a turf's area) while
// there is signal, kept in IndexedDB as a Blob, and read back with no network by the map (pwa/ui/map.js reads it
// through pmtiles' FileSource). Light: it loads neither MapLibre nor pmtiles.
import { basemapExtract } from './api.js';
import { keptBasemap, saveBasemap } from './db.js';

/**
 * Fetch the extract covering ``bbox`` and keep it under ``key`` (replacing what was kept there); its Blob.
 * Throws the ApiError of the fetch (404: the campaign has no basemap; 422: the box is too large or elsewhere).
 * @param {number} campaignId
 * @param {string} key what it is kept for, e.g. a turf's id
 * @param {number[]} bbox west, south, east, north in degrees
 * @returns {Promise<Blob>}
 */
export async function keepBasemap(campaignId, key, bbox) {
  const blob = await basemapExtract(campaignId, bbox);
  await saveBasemap({ campaign_id: campaignId, key, bbox, blob });
  return blob;
}

/**
 * The extract kept under ``key``, offline; null when none was kept.
 * @returns {Promise<Blob | null>}
 */
export async function basemapFor(campaignId, key) {
  return (await keptBasemap(campaignId, key))?.blob ?? null;
}

// The console's turf map (screens/turf-map.js): the campaign's doors as dots (blue: free to cut, grey: in a turf),
// each live turf's outline coloured by its progress, and the outline being drawn. Heavy, since it brings MapLibre:
// the screen imports it only once its data is in, `await import('../ui/turf-map.js')`, so no other console screen
// (nor the Turfs screen) carries MapLibre. The screen holds the state (the points drawn, the turf picked); this
// module draws it and reports clicks.
import { FONT, RangeSource, baseMap, streetsData } from '../../ui/map.js';
import { basemapBytes } from '../../lib/api.js';

/** Turf colours by progress (doors knocked over doors): not started, under way, every door knocked. */
export const PROGRESS_COLORS = { none: '#7c3aed', some: '#b45309', all: '#047857' };
const FREE = '#1d4ed8';
const TAKEN = '#6b7280';
const DRAFT = '#be123c';
const CLOSE_PX = 12; // a click this near the first point closes the outline
const SAME_PX = 5; // a click this near the last point adds nothing (the second click of a double-click)

/** @typedef {[number, number]} LonLat */
/**
 * @typedef {object} MapTurf
 * @property {number} id
 * @property {string} name
 * @property {any} outline GeoJSON geometry, or null
 * @property {number} share doors knocked over doors, 0 to 1
 */
/** @typedef {{latitude: number, longitude: number, street: string, doors: number, free: number}} Building */

/** Every [lon, lat] of a Polygon's or MultiPolygon's coordinates. @returns {LonLat[]} */
const positions = (c) => (typeof c[0] === 'number' ? [c] : c.flatMap(positions));

/** @param {number} share */
export function progressBand(share) {
  return share <= 0 ? 'none' : share >= 1 ? 'all' : 'some';
}

const collection = (features) => /** @type {any} */ ({ type: 'FeatureCollection', features });

function buildingsData(buildings) {
  return collection(buildings.map((b) => ({ type: 'Feature', properties: { free: b.free, doors: b.doors },
    geometry: { type: 'Point', coordinates: [b.longitude, b.latitude] } })));
}

function turfsData(turfs) {
  return collection(turfs.filter((turf) => turf.outline).map((turf) => ({ type: 'Feature', id: turf.id,
    properties: { id: turf.id, name: turf.name, band: progressBand(turf.share) }, geometry: turf.outline })));
}

/** The outline drawn so far: its points, its line (closed or not) and, from three points, its area. */
function draftData(points, closed) {
  const features = points.map((point, index) => ({ type: 'Feature', properties: { first: index === 0 },
    geometry: { type: 'Point', coordinates: point } }));
  if (points.length > 1) {
    features.push({ type: 'Feature', properties: {}, geometry: { type: 'LineString',
      coordinates: closed ? [...points, points[0]] : points } });
  }
  if (points.length > 2) {
    features.push({ type: 'Feature', properties: {}, geometry: { type: 'Polygon',
      coordinates: [[...points, points[0]]] } });
  }
  return collection(features);
}

/**
 * Draw the turf map into ``element`` (which must have a size).
 * @param {HTMLElement} element
 * @param {{campaignId: number, basemap: {kind: 'vector' | 'raster'} | null, language: string, label: string,
 *   buildings: Building[], turfs: MapTurf[], onTurf: (id: number) => void, onPoint: (point: LonLat) => void,
 *   onClose: () => void}} options basemap: the API's metadata of the campaign's basemap, or null for none
 */
export async function showTurfMap(element, { campaignId, basemap, language, label, buildings, turfs, onTurf,
  onPoint, onClose }) {
  const source = basemap ? new RangeSource(`campaign-${campaignId}-basemap`,
    (offset, length) => basemapBytes(campaignId, offset, length)) : null;
  const places = buildings.map((b) => ({ lat: b.latitude, lon: b.longitude }));
  const { map, close } = await baseMap(element, { basemap: source, kind: basemap?.kind, language, places, label });
  map.addSource('streets', { type: 'geojson', data: streetsData(basemap ? [] : buildings.map((b) => ({
    id: '', lat: b.latitude, lon: b.longitude, label: b.street }))) });
  map.addSource('turfs', { type: 'geojson', data: turfsData(turfs) });
  map.addSource('buildings', { type: 'geojson', data: buildingsData(buildings) });
  map.addSource('draft', { type: 'geojson', data: draftData([], false) });
  const band = /** @type {any} */ (['match', ['get', 'band'], 'none', PROGRESS_COLORS.none, 'some',
    PROGRESS_COLORS.some, PROGRESS_COLORS.all]);
  map.addLayer({ id: 'kin-turfs-fill', type: 'fill', source: 'turfs', paint: { 'fill-color': band,
    'fill-opacity': ['case', ['boolean', ['feature-state', 'picked'], false], 0.35, 0.18] } });
  map.addLayer({ id: 'kin-turfs-line', type: 'line', source: 'turfs', paint: { 'line-color': band,
    'line-width': ['case', ['boolean', ['feature-state', 'picked'], false], 4, 2] } });
  map.addLayer({ id: 'kin-streets', type: 'symbol', source: 'streets', layout: { 'text-field': ['get', 'name'],
    'text-font': FONT, 'text-size': 13, 'text-allow-overlap': false },
  paint: { 'text-color': '#374151', 'text-halo-color': '#ffffff', 'text-halo-width': 2 } });
  map.addLayer({ id: 'kin-buildings', type: 'circle', source: 'buildings', paint: {
    'circle-radius': ['interpolate', ['linear'], ['zoom'], 12, 3, 18, 8],
    'circle-color': ['case', ['>', ['get', 'free'], 0], FREE, TAKEN],
    'circle-stroke-color': '#ffffff', 'circle-stroke-width': 1.5 } });
  map.addLayer({ id: 'kin-turfs-label', type: 'symbol', source: 'turfs', layout: { 'text-field': ['get', 'name'],
    'text-font': FONT, 'text-size': 13 },
  paint: { 'text-color': '#111827', 'text-halo-color': '#ffffff', 'text-halo-width': 2 } });
  map.addLayer({ id: 'kin-draft-fill', type: 'fill', source: 'draft', filter: ['==', ['geometry-type'], 'Polygon'],
    paint: { 'fill-color': DRAFT, 'fill-opacity': 0.12 } });
  map.addLayer({ id: 'kin-draft-line', type: 'line', source: 'draft', filter: ['==', ['geometry-type'], 'LineString'],
    paint: { 'line-color': DRAFT, 'line-width': 3, 'line-dasharray': [2, 1] } });
  map.addLayer({ id: 'kin-draft-points', type: 'circle', source: 'draft', filter: ['==', ['geometry-type'], 'Point'],
    paint: { 'circle-radius': ['case', ['get', 'first'], 8, 5], 'circle-color': '#ffffff',
      'circle-stroke-color': DRAFT, 'circle-stroke-width': 3 } });

  let drawing = false;
  let draft = { points: /** @type {LonLat[]} */ ([]), closed: false };
  let picked = null;
  const near = (point, lonLat, px) => {
    const at = map.project(lonLat);
    return Math.hypot(at.x - point.x, at.y - point.y) <= px;
  };
  map.on('click', (event) => {
    if (!drawing) {
      const [turf] = map.queryRenderedFeatures(event.point, { layers: ['kin-turfs-fill'] });
      if (turf) onTurf(Number(turf.properties.id));
      return;
    }
    const { points, closed } = draft;
    if (closed) return;
    if (points.length >= 3 && near(event.point, points[0], CLOSE_PX)) onClose();
    else if (!points.length || !near(event.point, points[points.length - 1], SAME_PX)) {
      onPoint([event.lngLat.lng, event.lngLat.lat]);
    }
  });
  map.on('dblclick', (event) => {
    if (!drawing) return;
    event.preventDefault();
    if (draft.points.length >= 3 && !draft.closed) onClose();
  });
  map.on('mousemove', (event) => {
    const over = !drawing && map.queryRenderedFeatures(event.point, { layers: ['kin-turfs-fill'] }).length > 0;
    map.getCanvas().style.cursor = drawing ? 'crosshair' : over ? 'pointer' : '';
  });

  const set = (id, data) => /** @type {import('maplibre-gl').GeoJSONSource} */ (map.getSource(id)).setData(data);
  return {
    map,
    /** Drawing mode: clicks add points and a double-click no longer zooms. */
    setDrawing(on) {
      drawing = on;
      if (on) map.doubleClickZoom.disable();
      else map.doubleClickZoom.enable();
      map.getCanvas().style.cursor = on ? 'crosshair' : '';
    },
    /** @param {LonLat[]} points @param {boolean} closed */
    setDraft(points, closed) {
      draft = { points, closed };
      set('draft', draftData(points, closed));
    },
    /** @param {MapTurf[]} next @param {Building[]} nextBuildings */
    setData(next, nextBuildings) {
      set('turfs', turfsData(next));
      set('buildings', buildingsData(nextBuildings));
      if (picked != null) map.setFeatureState({ source: 'turfs', id: picked }, { picked: true });
    },
    /** Mark a turf and bring it into view, unless told (null: none). @param {MapTurf | null} turf */
    pick(turf, fit = true) {
      if (picked != null) map.setFeatureState({ source: 'turfs', id: picked }, { picked: false });
      picked = turf?.outline ? turf.id : null;
      if (picked == null) return;
      map.setFeatureState({ source: 'turfs', id: picked }, { picked: true });
      if (!fit) return;
      const points = positions(turf.outline.coordinates);
      const lons = points.map(([lon]) => lon);
      const lats = points.map(([, lat]) => lat);
      map.fitBounds([Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)],
        { padding: 60, maxZoom: 18 });
    },
    /** Where the cross in the middle of the map points: the keyboard's way to add a point. @returns {LonLat} */
    centre() {
      const { lng, lat } = map.getCenter();
      return [lng, lat];
    },
    /** @param {string} text */
    setLabel(text) {
      map.getCanvas().setAttribute('aria-label', text);
    },
    close,
  };
}

// A map of doors, with no paid provider and nothing fetched from the internet: MapLibre GL JS over the campaign's
// PMTiles basemap read from a Blob (kept in IndexedDB by pwa/lib/basemap.js, so it works offline), or, without
// one, the doors as dots with their streets' names on a plain background. Heavy (MapLibre is about 250 KB
// gzipped): import it only when a map is shown, `const { showMap } = await import('../ui/map.js')`; the build
// makes it a chunk of its own (static/map.js), which the service worker precaches for offline use.
//
// Text is drawn with the phone's own fonts: the styles have no `glyphs` URL, and MapLibre then renders labels
// locally (maplibre-gl-js#4564). The place of the volunteer is asked for only when they tap "Show where I am", is
// followed only while the map is open (MapLibre's GeolocateControl clears its watch when the map is removed) and is
// never sent anywhere: it stays in this page's memory.
import * as maplibregl from 'maplibre-gl';
import { layers, namedFlavor } from '@protomaps/basemaps';
import { FileSource, PMTiles, Protocol } from 'pmtiles';
import { t } from '../lib/i18n.js';

// a screen that shows a map keeps its basemap offline with these: one import for both
export { basemapFor, keepBasemap } from '../lib/basemap.js';

export const ATTRIBUTION = '© <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors';
const STATUS_COLORS = { todo: '#1d4ed8', done: '#047857', not_home: '#b45309', refused: '#be123c' };
const OTHER_COLOR = '#6b7280';
const BACKGROUND = '#f3f1ea';
export const FONT = ['sans-serif']; // a local font: there is no glyphs URL to name another
let stylesheet = null;
let protocol = null;
let archives = 0;

/** MapLibre's stylesheet and its worker, from our own origin (the CSP allows no other), once per page. */
function setUp() {
  stylesheet ??= new Promise((resolve) => {
    const link = Object.assign(document.createElement('link'), { rel: 'stylesheet', href: '/maplibre-gl.css' });
    link.addEventListener('load', resolve);
    link.addEventListener('error', resolve); // the map still draws; only its controls are unstyled
    document.head.append(link);
  });
  if (!protocol) {
    maplibregl.setWorkerUrl('/maplibre-gl-worker.js');
    protocol = new Protocol();
    maplibregl.addProtocol('pmtiles', protocol.tile);
  }
  return stylesheet;
}

/**
 * @typedef {object} Door
 * @property {string} id
 * @property {number} lat
 * @property {number} lon
 * @property {string} label e.g. "102 Mill Street": the street's name is what follows the number
 * @property {string} [status] todo, done, not_home, refused... (others are drawn grey)
 */

/**
 * @typedef {object} MapHandle
 * @property {maplibregl.Map} map MapLibre's map, for tests and for callers that need more
 * @property {(doors: Door[]) => void} setDoors draw other doors (or new statuses) without a new map
 * @property {() => void} close remove the map, its listeners and any location watch
 */

/**
 * A pmtiles Source reading an archive through a function of (offset, length) → bytes: the console reads the
 * campaign's whole basemap in place, by Range requests that carry the bearer token (pwa/lib/api.js basemapBytes).
 */
export class RangeSource {
  /** @param {string} key @param {(offset: number, length: number) => Promise<ArrayBuffer>} read */
  constructor(key, read) {
    this.key = key;
    this.read = read;
  }

  getKey() {
    return this.key;
  }

  async getBytes(offset, length) {
    return { data: await this.read(offset, length) };
  }
}

/**
 * @typedef {object} BaseMap
 * @property {maplibregl.Map} map
 * @property {{archive: PMTiles, key: string, header: any} | null} source the basemap, when there is one
 * @property {() => void} close remove the map and forget its archive
 */

/**
 * A map in ``element`` over the basemap (a Blob kept on the phone, or a RangeSource) or a plain background,
 * with zoom buttons; resolves once its style is loaded, for the caller to add its own layers.
 * @param {HTMLElement} element
 * @param {{basemap: Blob | RangeSource | null, kind?: 'vector' | 'raster', language?: string,
 *   places?: {lat: number, lon: number}[], label?: string}} options places: what the map opens on
 * @returns {Promise<BaseMap>}
 */
export async function baseMap(element, { basemap, kind = 'vector', language = 'en', places = [],
  label = t('map.label') }) {
  await setUp();
  let source = null;
  if (basemap) {
    // a name per archive: the protocol finds it by its source's key
    const key = basemap instanceof Blob ? `kin-basemap-${++archives}` : `${basemap.getKey()}-${++archives}`;
    const archive = new PMTiles(basemap instanceof Blob ? new FileSource(new File([basemap], key))
      : new RangeSource(key, basemap.read));
    protocol.add(archive);
    source = { archive, key, header: await archive.getHeader() };
  }
  const map = new maplibregl.Map({
    container: element,
    style: source ? basemapStyle(source, kind, language) : plainStyle(),
    bounds: boundsOf(places, source?.header),
    fitBoundsOptions: { padding: 40, maxZoom: 18 },
    attributionControl: { compact: false },
    maxZoom: 19,
    locale: { 'GeolocateControl.FindMyLocation': t('map.whereIAm'),
      'GeolocateControl.LocationNotAvailable': t('map.whereUnknown') },
  });
  map.getCanvas().setAttribute('aria-label', label);
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
  await map.once('load');
  let closed = false;
  return { map, source, close() {
    if (closed) return;
    closed = true;
    map.remove(); // with it the controls: GeolocateControl clears its position watch
    if (source) protocol.tiles.delete(source.key);
  } };
}

/**
 * Draw a map of ``doors`` into ``element`` (which must have a size) and resolve once its style is loaded.
 * @param {HTMLElement} element
 * @param {{basemap: Blob | null, kind?: 'vector' | 'raster', doors: Door[], onDoor?: (id: string) => void,
 *   language?: string}} options kind is the basemap's (the API's metadata says it); vector by default
 * @returns {Promise<MapHandle>}
 */
export async function showMap(element, { basemap, kind = 'vector', doors, onDoor = () => {}, language = 'en' }) {
  const { map, source, close } = await baseMap(element, { basemap, kind, language, places: doors });
  // asks for the place only when tapped (no trigger() here); its watch ends with map.remove()
  map.addControl(new maplibregl.GeolocateControl({ trackUserLocation: true, showAccuracyCircle: true,
    positionOptions: { enableHighAccuracy: true } }), 'top-right');
  map.addSource('doors', { type: 'geojson', data: doorsData(doors) });
  map.addSource('streets', { type: 'geojson', data: streetsData(source ? [] : doors) });
  map.addLayer({ id: 'streets', type: 'symbol', source: 'streets', layout: { 'text-field': ['get', 'name'],
    'text-font': FONT, 'text-size': 14, 'text-allow-overlap': false },
  paint: { 'text-color': '#374151', 'text-halo-color': '#ffffff', 'text-halo-width': 2 } });
  map.addLayer({ id: 'doors', type: 'circle', source: 'doors', paint: {
    'circle-radius': ['interpolate', ['linear'], ['zoom'], 12, 4, 18, 10],
    'circle-color': /** @type {any} */ (['match', ['get', 'status'], ...Object.entries(STATUS_COLORS).flat(),
      OTHER_COLOR]),
    'circle-stroke-color': '#ffffff', 'circle-stroke-width': 2 } });
  const tapped = (event) => {
    const id = event.features?.[0]?.properties?.id;
    if (id !== undefined) onDoor(String(id));
  };
  map.on('click', 'doors', tapped);
  map.on('mouseenter', 'doors', () => { map.getCanvas().style.cursor = 'pointer'; });
  map.on('mouseleave', 'doors', () => { map.getCanvas().style.cursor = ''; });
  return {
    map,
    setDoors(next) {
      /** @type {maplibregl.GeoJSONSource} */ (map.getSource('doors')).setData(doorsData(next));
      if (!source) /** @type {maplibregl.GeoJSONSource} */ (map.getSource('streets')).setData(streetsData(next));
    },
    close,
  };
}

/**
 * The Protomaps basemap's own style over the archive (vector), or its images (raster); OSM attribution on both.
 * @returns {maplibregl.StyleSpecification}
 */
function basemapStyle({ key, header }, kind, language) {
  const url = `pmtiles://${key}`;
  if (kind === 'raster') {
    return /** @type {maplibregl.StyleSpecification} */ ({ version: 8, sources: { basemap: { type: 'raster', url, tileSize: 256, attribution: ATTRIBUTION } },
      layers: [{ id: 'background', type: 'background', paint: { 'background-color': BACKGROUND } },
        { id: 'basemap', type: 'raster', source: 'basemap' }] });
  }
  // the style's labels name fonts only a glyphs server has: the phone's own sans-serif draws them instead; and a
  // street's name shows from zoom 14, where a turf's map opens, not only from 15
  const styled = layers('basemap', namedFlavor('light'), { lang: language }).map((layer) => {
    if (layer.type !== 'symbol' || !layer.layout?.['text-field']) return layer;
    const streets = layer['source-layer'] === 'roads' && (layer.minzoom ?? 0) > 14 ? { minzoom: 14 } : {};
    return { ...layer, ...streets, layout: { ...layer.layout, 'text-font': FONT } };
  });
  // no sprite to draw icons from: points of interest keep their names only
  const drawn = styled.filter((layer) => !('layout' in layer && layer.layout && 'icon-image' in layer.layout));
  return /** @type {maplibregl.StyleSpecification} */ ({ version: 8, sources: { basemap: { type: 'vector', url,
    minzoom: header.minZoom, maxzoom: header.maxZoom, attribution: ATTRIBUTION } }, layers: drawn });
}

/** @returns {maplibregl.StyleSpecification} */
function plainStyle() {
  return { version: 8, sources: {}, layers: [{ id: 'background', type: 'background',
    paint: { 'background-color': BACKGROUND } }] };
}

/** @param {Door[]} doors */
function doorsData(doors) {
  return { type: 'FeatureCollection', features: doors.filter(placed).map((door) => ({ type: 'Feature',
    properties: { id: door.id, status: door.status ?? 'todo', label: door.label },
    geometry: { type: 'Point', coordinates: [door.lon, door.lat] } })) };
}

/** Without a basemap: each street's name once, at the middle of its doors (the label's words after the number). */
export function streetsData(doors) {
  const streets = new Map();
  for (const door of doors.filter(placed)) {
    const name = streetOf(door.label);
    if (!name) continue;
    const street = streets.get(name) ?? { lon: 0, lat: 0, count: 0 };
    street.lon += door.lon;
    street.lat += door.lat;
    street.count += 1;
    streets.set(name, street);
  }
  return { type: 'FeatureCollection', features: [...streets].map(([name, { lon, lat, count }]) => ({
    type: 'Feature', properties: { name }, geometry: { type: 'Point', coordinates: [lon / count, lat / count] } })) };
}

/** "102 Mill Street", "12 1/2 Oak Ave", "12-B Elm St, Apt 3" → the street; the label itself when no number leads. */
export function streetOf(label = '') {
  const first = label.split(',')[0].trim();
  return first.replace(/^\d+[-\w]*(\s+\d+\/\d+)?\s+/, '').trim();
}

function placed(door) {
  return Number.isFinite(door.lat) && Number.isFinite(door.lon);
}

/** What the map opens on: the doors (with a margin), else the basemap's own area, else the whole world. */
function boundsOf(doors, header) {
  const at = doors.filter(placed);
  if (at.length) {
    const lons = at.map((d) => d.lon);
    const lats = at.map((d) => d.lat);
    const pad = 0.0005;
    return /** @type {[number, number, number, number]} */ ([Math.min(...lons) - pad, Math.min(...lats) - pad,
      Math.max(...lons) + pad, Math.max(...lats) + pad]);
  }
  if (header) return /** @type {[number, number, number, number]} */ ([header.minLon, header.minLat, header.maxLon,
    header.maxLat]);
  return /** @type {[number, number, number, number]} */ ([-170, -60, 170, 75]);
}

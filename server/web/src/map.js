// The MapLibre map and the helpers every view uses to put GeoJSON on it.
import maplibregl from 'maplibre-gl';

const KIND_COLOURS = ['match', ['get', 'kind'],
  'park', '#cfe8c4', 'cemetery', '#d9e4d0', 'school', '#f4e3c1', 'hospital', '#f6d3d3', 'railway', '#ddd',
  'commercial', '#efe0ee', 'retail', '#efe0ee', '#f2efe9'];

export function createMap(container) {
  const map = new maplibregl.Map({
    container,
    style: { version: 8, sources: {}, layers: [{ id: 'background', type: 'background', paint: { 'background-color': '#e8eef2' } }] },
    center: [7.4246, 43.7384],
    zoom: 14,
    attributionControl: { compact: false, customAttribution: '© OpenStreetMap contributors, ODbL' },
    fadeDuration: 0,
  });
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
  map.addControl(new maplibregl.ScaleControl(), 'bottom-right');
  return map;
}

// addRaster draws the configured raster basemap under everything else.
export function addRaster(map, basemap) {
  map.addSource('base-raster', { type: 'raster', tiles: [basemap.tiles], tileSize: 256, attribution: basemap.attribution || '' });
  map.addLayer({ id: 'base-raster', type: 'raster', source: 'base-raster' });
}

// addBasemap draws the store's blocks and roads, faint over a raster
// basemap: the service's own vector tiles (/tiles/{tileset}/{z}/{x}/{y}.mvt:
// blocks, buildings, roads), or, when the overlays are shifted to GCJ-02
// for a Chinese basemap, which tiles in WGS-84 cannot follow, the GeoJSON
// blocks and roads of the API shifted like every other overlay.
export function addBasemap(map, base) {
  const faint = map.getLayer('base-raster') ? 0.35 : 1;
  const roadWidth = ['interpolate', ['linear'], ['zoom'], 13, 0.5, 17, 3];
  if (base.geojson) {
    setData(map, 'base-blocks', base.geojson.blocks);
    setData(map, 'base-roads', base.geojson.roads);
    map.addLayer({ id: 'base-blocks', type: 'fill', source: 'base-blocks', paint: { 'fill-color': KIND_COLOURS, 'fill-outline-color': '#d8d2c8', 'fill-opacity': faint } });
    map.addLayer({ id: 'base-roads', type: 'line', source: 'base-roads', paint: { 'line-color': '#fff', 'line-width': roadWidth } });
    return;
  }
  const vector = (tileset, minzoom, maxzoom) => map.addSource('base-' + tileset, { type: 'vector', minzoom, maxzoom,
    tiles: [location.origin + '/tiles/' + tileset + '/{z}/{x}/{y}.mvt'] });
  vector('blocks', 12, 16);
  vector('buildings', 14, 17);
  vector('roads', 12, 16);
  map.addLayer({ id: 'base-blocks', type: 'fill', source: 'base-blocks', 'source-layer': 'blocks', paint: { 'fill-color': KIND_COLOURS, 'fill-outline-color': '#d8d2c8', 'fill-opacity': faint } });
  map.addLayer({ id: 'base-buildings', type: 'fill', source: 'base-buildings', 'source-layer': 'buildings', paint: { 'fill-color': '#dcd6cc', 'fill-opacity': 0.6 * faint } });
  map.addLayer({ id: 'base-roads', type: 'line', source: 'base-roads', 'source-layer': 'roads', paint: { 'line-color': '#fff', 'line-width': roadWidth } });
}

export function setData(map, id, data) {
  const src = map.getSource(id);
  if (src) src.setData(data);
  else map.addSource(id, { type: 'geojson', data, promoteId: 'id', maxzoom: 17 });
}

export function fitTo(map, fc) {
  const b = new maplibregl.LngLatBounds();
  for (const f of fc.features) for (const c of flat(f.geometry)) b.extend(c);
  if (!b.isEmpty()) map.fitBounds(b, { padding: 30, duration: 0 });
}

function flat(g) {
  if (!g) return [];
  if (g.type === 'Point') return [g.coordinates];
  if (g.type === 'LineString') return g.coordinates;
  if (g.type === 'Polygon' || g.type === 'MultiLineString') return g.coordinates.flat();
  if (g.type === 'MultiPolygon') return g.coordinates.flat(2);
  return [];
}

// label puts an HTML label (grid codes need no glyph server) at lngLat.
export function label(map, lngLat, text, cls) {
  const el = document.createElement('div');
  el.className = 'label ' + (cls || '');
  el.textContent = text;
  return new maplibregl.Marker({ element: el }).setLngLat(lngLat).addTo(map);
}

export function marker(map, lngLat, cls) {
  const el = document.createElement('div');
  el.className = cls;
  return new maplibregl.Marker({ element: el }).setLngLat(lngLat).addTo(map);
}

export function popup(map, lngLat, html) {
  return new maplibregl.Popup({ maxWidth: '320px' }).setLngLat(lngLat).setHTML(html).addTo(map);
}

// idle resolves once the map has drawn everything it was given.
export function idle(map) {
  return new Promise((resolve) => map.once('idle', resolve));
}

// centre of a polygon's outer ring's bounding box, for labels.
export function centre(geometry) {
  const pts = flat(geometry);
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const [x, y] of pts) { x0 = Math.min(x0, x); y0 = Math.min(y0, y); x1 = Math.max(x1, x); y1 = Math.max(y1, y); }
  return [(x0 + x1) / 2, (y0 + y1) / 2];
}

// The public and viewer view: the grids with their codes and the
// incidents' Open311 public fields. No worker data is requested.
import { t } from './i18n.js';
import { setData, fitTo } from './map.js';
import { section, esc, STATUS_COLOURS } from './ui.js';
import { showPublishedGrids } from './grids.js';

export async function publicView(ctx) {
  const { api, map, panel } = ctx;
  const requested = api.publicRequests();
  if (api.token) {
    const shown = await showPublishedGrids(ctx);
    if (shown) section(panel, t('grids'), '<p>' + esc(shown.plan.name) + ': ' + shown.grids.features.length + '</p>');
  } else {
    section(panel, t('grids'), '<p>' + t('publicHint') + '</p>');
  }
  const requests = await requested;
  const fc = { type: 'FeatureCollection', features: requests.filter((r) => r.long !== undefined).map((r) => ({
    type: 'Feature', id: r.service_request_id, geometry: { type: 'Point', coordinates: [r.long, r.lat] },
    properties: { id: r.service_request_id, status: r.status, service: r.service_name, requested: r.requested_datetime, agency: r.agency_responsible } })) };
  setData(map, 'public-requests', fc);
  if (!api.token) fitTo(map, fc);
  map.addLayer({ id: 'public-requests', type: 'circle', source: 'public-requests',
    paint: { 'circle-radius': 6, 'circle-color': STATUS_COLOURS, 'circle-stroke-color': '#fff', 'circle-stroke-width': 1.5 } });
  const counts = {};
  for (const f of fc.features) counts[f.properties.status] = (counts[f.properties.status] || 0) + 1;
  section(panel, t('incidents'), '<ul>' + Object.entries(counts).map(([s, n]) => '<li>' + esc(s) + ': ' + n + '</li>').join('') + '</ul>');
  map.on('click', 'public-requests', (e) => {
    const p = e.features[0].properties;
    ctx.popup(e.lngLat, '<b>' + esc(p.service) + '</b><br>' + esc(p.status) + ' · ' + esc(p.agency) + '<br>' + esc(p.requested));
  });
}

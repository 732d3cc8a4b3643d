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
  if (ctx.anonymousReports) reporting(ctx); // only when the service takes reports without a key
  map.on('click', 'public-requests', (e) => {
    const p = e.features[0].properties;
    ctx.popup(e.lngLat, '<b>' + esc(p.service) + '</b><br>' + esc(p.status) + ' · ' + esc(p.agency) + '<br>' + esc(p.requested));
  });
}

// reporting lets anyone report an incident: press the button, click the
// place on the map, pick the category, describe it, send (Open311 POST).
// The page offers it when the service takes anonymous reports
// ([open311] anonymous = true).
async function reporting(ctx) {
  const { api, map, panel } = ctx;
  const services = await api.services();
  const box = section(panel, t('report'), '<button id="report">' + t('reportHint') + '</button><form id="report-form" hidden>' +
    '<select id="report-service">' + services.map((s) => '<option value="' + esc(s.service_code) + '">' + esc(s.service_name) + '</option>').join('') + '</select>' +
    '<textarea id="report-text" rows="2" placeholder="' + t('describe') + '"></textarea><button>' + t('send') + '</button></form><p id="report-status"></p>');
  const form = box.querySelector('#report-form');
  let at = null;
  box.querySelector('#report').onclick = () => {
    map.getCanvas().style.cursor = 'crosshair';
    map.once('click', (e) => {
      map.getCanvas().style.cursor = '';
      at = [e.lngLat.lng, e.lngLat.lat];
      form.hidden = false;
      box.querySelector('#report-status').textContent = t('reportAt') + ' ' + at.map((v) => v.toFixed(5)).join(', ');
    });
  };
  form.onsubmit = async (e) => {
    e.preventDefault();
    try {
      const r = await api.report(box.querySelector('#report-service').value, box.querySelector('#report-text').value, at);
      form.hidden = true;
      box.querySelector('#report-status').textContent = t('reported') + ': ' + r.service_request_id;
      const fc = map.getSource('public-requests').serialize().data;
      fc.features.push({ type: 'Feature', id: r.service_request_id, geometry: { type: 'Point', coordinates: at },
        properties: { id: r.service_request_id, status: 'open', service: box.querySelector('#report-service').selectedOptions[0].text } });
      map.getSource('public-requests').setData(fc);
    } catch (err) {
      ctx.error(err);
    }
  };
}

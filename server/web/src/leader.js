// The grid leader's view: the grid, a worker's day replayed, the grid's
// patrol coverage, key places overdue, incidents and live positions. A
// worker sees the same of itself only: its day, the incidents, its
// position (the access policy keeps coverage and key places to leaders).
import { t } from './i18n.js';
import { setData, fitTo, marker } from './map.js';
import { section, esc, STATUS_COLOURS } from './ui.js';
import { showPublishedGrids } from './grids.js';
import { Replay, clock, duration } from './trace.js';

const ZONE = 'Asia/Shanghai';

// yesterday is the last whole day in the service's zone (the demo's
// simulated patrol day).
function yesterday() {
  const d = new Date(Date.now() - 86400000);
  return d.toLocaleDateString('sv-SE', { timeZone: ZONE });
}

export async function leaderView(ctx) {
  const { api, map, panel, me } = ctx;
  await showPublishedGrids(ctx, me.grid);
  const workers = await api.workers();
  const traceBox = section(panel, t('trace'),
    '<label>' + t('workerLbl') + ' <select id="worker">' +
    workers.filter((w) => w.role !== 'leader').map((w) => '<option>' + esc(w.id) + '</option>').join('') + '</select></label> ' +
    '<label>' + t('date') + ' <input id="date" type="date" value="' + yesterday() + '"></label> ' +
    '<button id="load">' + t('load') + '</button><div id="trace"></div>');
  const load = () => loadTrace(ctx, traceBox.querySelector('#worker').value, traceBox.querySelector('#date').value);
  traceBox.querySelector('#load').onclick = load;
  const grid = me.grid || (workers[0] && workers[0].grids[0]);
  const leads = me.role !== 'worker';
  await Promise.all([load(), leads && grid ? coverage(ctx, grid) : null, leads ? overdue(ctx) : null, incidents(ctx)]);
  live(ctx);
}

async function loadTrace(ctx, worker, date) {
  const { api, map } = ctx;
  const box = document.getElementById('trace');
  if (ctx.replay) ctx.replay.stop();
  const day = await api.trajectory(worker, date);
  const line = day.features.find((f) => f.properties.kind === 'line');
  setData(map, 'trace', day);
  if (!map.getLayer('trace-line')) {
    map.addLayer({ id: 'trace-line', type: 'line', source: 'trace', filter: ['==', ['get', 'kind'], 'line'], paint: { 'line-color': '#d6336c', 'line-width': 2.5 } });
    map.addLayer({ id: 'trace-gaps', type: 'line', source: 'trace', filter: ['==', ['get', 'kind'], 'gap'], paint: { 'line-color': '#212529', 'line-width': 2, 'line-dasharray': [2, 2] } });
    map.addLayer({ id: 'trace-stops', type: 'circle', source: 'trace', filter: ['==', ['get', 'kind'], 'stop'],
      paint: { 'circle-radius': ['interpolate', ['linear'], ['get', 'duration_s'], 300, 4, 3600, 10], 'circle-color': '#f08c00', 'circle-stroke-color': '#fff', 'circle-stroke-width': 1 } });
  }
  const r = day.report;
  const stops = day.features.filter((f) => f.properties.kind === 'stop');
  box.innerHTML = '<p>' + t('distance') + ' ' + (r.distance_m / 1000).toFixed(2) + ' km · ' + t('moving') + ' ' + duration(r.moving_s) +
    ' · ' + t('stops') + ' ' + stops.length + ' · ' + t('gaps') + ' ' + (r.gaps || []).length + '</p>' +
    '<ol class="stops">' + stops.slice(0, 8).map((s) => '<li>' + clock(Date.parse(s.properties.start), ZONE) + ' · ' + duration(s.properties.duration_s) + '</li>').join('') + '</ol>';
  if (!line) return;
  fitTo(map, day);
  const replay = new Replay(line.geometry.coordinates, line.properties.coordinateProperties.times);
  const m = marker(map, replay.at(replay.start), 'walker');
  const ctl = document.createElement('div');
  ctl.className = 'replay';
  ctl.innerHTML = '<button id="play">' + t('play') + '</button> <input id="slider" type="range" min="' + replay.start + '" max="' + replay.end + '" step="1000" value="' + replay.start + '">' +
    ' <span id="clock"></span> <label>' + t('speed') + ' <select id="speed"><option value="60">60×</option><option value="600" selected>600×</option><option value="3600">3600×</option></select></label>';
  box.prepend(ctl);
  const slider = ctl.querySelector('#slider'), play = ctl.querySelector('#play'), speed = ctl.querySelector('#speed'), clk = ctl.querySelector('#clock');
  let playing = false, last = 0, raf = 0;
  const show = (ms) => { m.setLngLat(replay.at(ms)); clk.textContent = clock(ms, ZONE); };
  const step = (now) => {
    if (!playing) return;
    const v = Math.min(replay.end, Number(slider.value) + (now - last) * Number(speed.value));
    last = now;
    slider.value = v;
    show(v);
    if (v >= replay.end) { playing = false; play.textContent = t('play'); return; }
    raf = requestAnimationFrame(step);
  };
  play.onclick = () => {
    playing = !playing;
    play.textContent = playing ? t('pause') : t('play');
    if (playing) { last = performance.now(); raf = requestAnimationFrame(step); }
  };
  slider.oninput = () => show(Number(slider.value));
  show(replay.start);
  ctx.replay = { marker: m, replay, stop: () => { playing = false; cancelAnimationFrame(raf); m.remove(); } };
}

async function coverage(ctx, grid) {
  const { api, map, panel } = ctx;
  const [gaps, heat] = await Promise.all([api.coverage(grid), api.coverage(grid, 'heat')]);
  setData(map, 'cov-heat', heat);
  setData(map, 'cov-gaps', gaps);
  map.addLayer({ id: 'cov-heat', type: 'fill', source: 'cov-heat', paint: {
    'fill-color': ['interpolate', ['linear'], ['get', 'passes'], 1, '#ffe8cc', 5, '#ff922b', 20, '#d9480f'], 'fill-opacity': 0.55 } }, 'grids-line');
  map.addLayer({ id: 'cov-gaps', type: 'fill', source: 'cov-gaps', paint: { 'fill-color': '#e03131', 'fill-opacity': 0.3 } }, 'grids-line');
  const c = gaps.report.coverage;
  const never = t('never');
  section(panel, t('coverage') + ' · ' + grid,
    '<p>' + t('covered') + ' ' + (100 * (c.share || 0)).toFixed(0) + '% · ' + t('gapArea') + ' ' + Math.round(c.gap_area_m2 || 0) + ' m²</p>' +
    '<table><tr><th>' + t('block') + '</th><th>%</th><th>' + t('lastVisit') + '</th></tr>' +
    gaps.report.blocks.map((b) => '<tr><td>' + esc(b.id) + '</td><td>' + Math.round(100 * b.share) + '</td><td>' +
      (b.last_visited ? esc(new Date(b.last_visited).toLocaleString('zh-CN', { timeZone: ZONE, hour12: false })) : never) + '</td></tr>').join('') + '</table>');
}

async function overdue(ctx) {
  const { api, map, panel } = ctx;
  const o = await api.overdue();
  const fc = { type: 'FeatureCollection', features: o.grids.flatMap((g) => g.places.map((p) => ({ type: 'Feature', id: p.id,
    geometry: { type: 'Point', coordinates: p.location }, properties: { id: p.id, category: p.category, days: p.overdue_s / 86400 } }))) };
  setData(map, 'overdue', fc);
  map.addLayer({ id: 'overdue', type: 'circle', source: 'overdue', paint: { 'circle-radius': 7,
    'circle-color': ['interpolate', ['linear'], ['get', 'days'], 0, '#fab005', 7, '#f76707', 30, '#c92a2a'], 'circle-stroke-color': '#000', 'circle-stroke-width': 1 } });
  section(panel, t('overdue'), '<ul>' + fc.features.map((f) => '<li>' + esc(f.properties.category) + ': ' + f.properties.days.toFixed(1) + ' ' + t('days') + '</li>').join('') + '</ul>');
}

async function incidents(ctx) {
  const { api, map, panel } = ctx;
  const fc = await api.incidents();
  setData(map, 'incidents', fc);
  map.addLayer({ id: 'incidents', type: 'circle', source: 'incidents', paint: { 'circle-radius': 6, 'circle-color': STATUS_COLOURS, 'circle-stroke-color': '#fff', 'circle-stroke-width': 1.5 } });
  const counts = {};
  for (const f of fc.features) counts[f.properties.status] = (counts[f.properties.status] || 0) + 1;
  section(panel, t('incidents'), '<ul>' + Object.entries(counts).map(([s, n]) => '<li><span class="dot ' + esc(s) + '"></span>' + esc(s) + ': ' + n + '</li>').join('') + '</ul>');
  map.on('click', 'incidents', async (e) => {
    const inc = await api.incident(e.features[0].id);
    const p = inc.properties;
    ctx.popup(e.lngLat, '<b>' + esc(inc.id) + '</b> ' + esc(p.category) + ' · ' + esc(p.status) + '<h3>' + t('timeline') + '</h3><ol>' +
      p.events.map((ev) => '<li>' + esc(new Date(ev.time).toLocaleString('zh-CN', { timeZone: ZONE, hour12: false })) + ' ' + esc(ev.to) + ' (' + esc(ev.actor) + ')</li>').join('') + '</ol>');
  });
}

function live(ctx) {
  const { api, map, panel } = ctx;
  const box = section(panel, t('live'), '<p id="live">0 ' + t('workersLive') + '</p>');
  const now = new Map();
  const fc = () => ({ type: 'FeatureCollection', features: [...now.values()] });
  setData(map, 'live', fc());
  map.addLayer({ id: 'live', type: 'circle', source: 'live', paint: { 'circle-radius': 5, 'circle-color': '#0ca678', 'circle-stroke-color': '#fff', 'circle-stroke-width': 2 } });
  let pending = false;
  api.positions((f) => {
    now.set(f.properties.worker, f);
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      map.getSource('live').setData(fc());
      box.querySelector('#live').textContent = now.size + ' ' + t('workersLive');
    });
  }, ctx.abort.signal).catch((err) => { if (err.name !== 'AbortError') ctx.error(err); });
}

// 一图, the map page: sign in with a token, then the view of the token's
// role (access policy of the service): leaders review patrols, planners
// edit plans, everyone sees the grids and the public incidents.
import 'maplibre-gl/dist/maplibre-gl.css';
import './style.css';
import { Api, ApiError, savedToken, saveToken } from './api.js';
import { t, toggleLanguage } from './i18n.js';
import { createMap, addBasemap, addRaster, popup, idle } from './map.js';
import { esc } from './ui.js';
import { publicView } from './public.js';
import { leaderView } from './leader.js';
import { plannerView } from './planner.js';

const map = createMap('map');
window.wanggeMap = map;
const loaded = new Promise((resolve) => map.on('load', resolve));
let basemap = null;
let ctx = null;
let config = null;

function bar(me) {
  const el = document.getElementById('bar');
  const who = me ? t(me.role) + (me.grid ? ' · ' + esc(me.grid) : '') : t('public');
  el.innerHTML = '<h1>' + t('title') + '</h1><span id="who" data-role="' + esc(me ? me.role : 'public') + '">' + who + '</span>' +
    (me ? '<button id="signout">' + t('signOut') + '</button>'
      : '<form id="signin"><input id="token" type="password" autocomplete="off" placeholder="' + t('token') + '"><button>' + t('signIn') + '</button></form>') +
    '<button id="lang">' + t('lang') + '</button>';
  el.querySelector('#lang').onclick = () => { toggleLanguage(); start(); };
  if (me) el.querySelector('#signout').onclick = () => { saveToken(''); start(); };
  else el.querySelector('#signin').onsubmit = (e) => { e.preventDefault(); saveToken(el.querySelector('#token').value.trim()); start(); };
}

function showError(err) {
  const p = document.createElement('p');
  p.className = 'error';
  p.textContent = err instanceof ApiError ? err.status + ': ' + err.message : String(err.message || err);
  document.getElementById('panel').prepend(p);
}

async function start() {
  if (ctx) {
    ctx.abort.abort();
    (ctx.labels || []).forEach((m) => m.remove());
    if (ctx.replay) ctx.replay.stop();
  }
  document.documentElement.dataset.ready = '';
  const panel = document.getElementById('panel');
  panel.innerHTML = '';
  let api = new Api(savedToken());
  config ??= api.config();
  api.useBasemap((await config).basemap);
  let me = null;
  // In parallel with the sign-in and the map's start; GeoJSON (a GCJ-02
  // basemap) needs a token, vector tiles do not.
  if (!basemap && (api.token || !api.gcj02)) basemap = api.basemap().catch(() => null);
  if (api.token) {
    try {
      me = await api.me();
    } catch (err) {
      saveToken('');
      api = new Api('');
      api.useBasemap((await config).basemap);
      basemap = null;
      showError(err);
    }
  }
  bar(me);
  await loaded;
  const raster = (await config).basemap;
  if (raster && !map.getSource('base-raster')) addRaster(map, raster);
  for (const l of map.getStyle().layers) if (l.id !== 'background' && !l.id.startsWith('base-')) map.removeLayer(l.id);
  for (const s of Object.keys(map.getStyle().sources)) if (!s.startsWith('base-')) map.removeSource(s);
  // The planner's blocks as GeoJSON, read once when first asked for.
  let blockData = null;
  const blocks = () => (blockData ??= api.blocks());
  const base = basemap && (await basemap);
  if (base && !map.getSource('base-blocks')) addBasemap(map, base);
  ctx = { api, map, panel, me, blocks, anonymousReports: !!(await config).anonymous_reports, abort: new AbortController(), popup: (ll, html) => popup(map, ll, html), error: showError, reload: start };
  try {
    if (me && ['leader', 'admin', 'worker'].includes(me.role)) await leaderView(ctx);
    else if (me && me.role === 'planner') await plannerView(ctx);
    else await publicView(ctx);
  } catch (err) {
    showError(err);
  }
  await idle(map);
  document.documentElement.dataset.ready = '1';
}

start();

// The data layer of the map page: every request the page makes goes
// through here, so that moving the basemap to the service's vector tiles
// (/tiles, issue 10) changes this file only. The token lives in sessionStorage,
// is sent in the Authorization header only, and is never put in a URL or
// logged.

import { toGCJ02, fromGCJ02, shiftGeometry } from './gcj02.js';

const TOKEN_KEY = 'wangge.token';
const API = '/api/v1';

// UPLOAD_PARAMS are the partition parameters POST /plans/upload takes.
const UPLOAD_PARAMS = ['weight', 'min', 'max', 'count', 'tolerance', 'gap', 'seed', 'dedicated', 'within', 'code_prefix'];

export class ApiError extends Error {
  constructor(status, detail) {
    super(detail);
    this.status = status;
  }
}

export function savedToken() {
  return sessionStorage.getItem(TOKEN_KEY) || '';
}

export function saveToken(token) {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

// shiftBody moves the geometries of a GeoJSON answer to GCJ-02.
function shiftBody(b) {
  if (b && b.type === 'FeatureCollection') b.features.forEach((f) => shiftGeometry(f.geometry));
  else if (b && b.type === 'Feature') shiftGeometry(b.geometry);
  return b;
}

export class Api {
  constructor(token) {
    this.token = token;
    this.gcj02 = false; // shift every answer for a GCJ-02 basemap (useBasemap)
  }

  // config is how the service configured the page (its basemap).
  config() { return fetch('/web/config.json').then((r) => r.json()); }

  // useBasemap makes every later answer land on basemap's coordinates.
  useBasemap(basemap) { this.gcj02 = !!basemap && basemap.crs === 'gcj02'; }

  headers(extra) {
    const h = Object.assign({ Accept: 'application/json, application/geo+json' }, extra);
    if (this.token) h.Authorization = 'Bearer ' + this.token;
    return h;
  }

  // request sends body as JSON and answers the JSON back, its geometries
  // shifted for a GCJ-02 basemap unless raw.
  async request(method, path, body, raw) {
    const init = { method, headers: this.headers(body ? { 'Content-Type': 'application/json' } : {}) };
    if (body) init.body = JSON.stringify(body);
    const res = await fetch(path, init);
    if (!res.ok) {
      let detail = res.statusText;
      try {
        const p = await res.json();
        detail = p.detail || p.title || detail;
      } catch {
        // not problem+json: keep the status text
      }
      throw new ApiError(res.status, detail);
    }
    if (res.status === 204) return null;
    const answer = await res.json();
    return this.gcj02 && !raw ? shiftBody(answer) : answer;
  }

  get(path) {
    return this.request('GET', path);
  }

  // all follows the next links of a paged FeatureCollection. Each
  // feature's id is also put in its properties, where MapLibre's promoteId
  // finds string ids.
  async all(path) {
    const out = { type: 'FeatureCollection', features: [] };
    let next = path + (path.includes('?') ? '&' : '?') + 'limit=10000';
    while (next) {
      const page = await this.get(next);
      for (const f of page.features) {
        f.properties.id ??= f.id;
        out.features.push(f);
      }
      const link = (page.links || []).find((l) => l.rel === 'next');
      next = link ? link.href : null;
    }
    return out;
  }

  me() { return this.get(API + '/me'); }
  plans() { return this.get(API + '/plans').then((b) => b.plans); }
  planGrids(id) { return this.get(API + '/plans/' + encodeURIComponent(id) + '/grids'); }
  blocks() { return this.all(API + '/blocks'); }
  roads() { return this.all(API + '/roads'); }
  incidents() { return this.all(API + '/incidents'); }
  incident(id) { return this.get(API + '/incidents/' + encodeURIComponent(id)); }
  workers() { return this.get(API + '/workers').then((b) => b.workers); }
  async overdue() {
    const o = await this.get(API + '/visits/overdue');
    if (this.gcj02) for (const g of o.grids) for (const p of g.places) p.location = toGCJ02(p.location);
    return o;
  }
  trajectory(worker, date) {
    return this.get(API + '/workers/' + encodeURIComponent(worker) + '/trajectory?date=' + encodeURIComponent(date));
  }
  coverage(grid, layer) {
    return this.get(API + '/grids/' + encodeURIComponent(grid) + '/coverage' + (layer ? '?layer=' + layer : ''));
  }
  async publicRequests() {
    const rs = await this.get('/open311/v2/requests.json');
    if (this.gcj02) for (const r of rs) if (r.long !== undefined) [r.long, r.lat] = toGCJ02([r.long, r.lat]);
    return rs;
  }

  services() { return this.get('/open311/v2/services.json'); }

  // report files a public report (Open311 GeoReport v2) at lngLat, a
  // point picked on the map (in the basemap's coordinates).
  async report(serviceCode, description, lngLat) {
    const [long, lat] = this.gcj02 ? fromGCJ02(lngLat) : lngLat;
    const form = new URLSearchParams({ service_code: serviceCode, description, lat: String(lat), long: String(long) });
    const res = await fetch('/open311/v2/requests.json', { method: 'POST', body: form });
    const body = await res.json();
    if (!res.ok) throw new ApiError(res.status, body.map((e) => e.description).join('; '));
    return body[0];
  }

  // Planner: the plan-editing routes. A published (or superseded) plan
  // is not edited in place: its grids are uploaded as a new draft first
  // (uploadDraft); every edit of a draft is stored by the server as a new
  // version and answered with the diff, the metric deltas and the
  // problems added and removed.
  drawPlan(params) { return this.request('POST', API + '/plans', params); }
  async uploadDraft(plan, name) {
    const grids = await this.request('GET', API + '/plans/' + encodeURIComponent(plan.id) + '/grids', null, true);
    const q = new URLSearchParams();
    if (name) q.set('name', name);
    for (const [k, v] of Object.entries(plan.params || {})) {
      const key = k === 'code-prefix' ? 'code_prefix' : k;
      if (UPLOAD_PARAMS.includes(key)) q.set(key, v);
    }
    // The grids go back as the server wrote them (WGS-84), whatever the basemap.
    return this.request('POST', API + '/plans/upload?' + q, grids);
  }
  edit(id, op) { return this.request('POST', API + '/plans/' + encodeURIComponent(id) + '/edits', op); }
  undo(id) { return this.request('POST', API + '/plans/' + encodeURIComponent(id) + '/undo'); }
  versions(id) { return this.get(API + '/plans/' + encodeURIComponent(id) + '/versions'); }
  diff(id, to) { return this.get(API + '/plans/' + encodeURIComponent(id) + '/diff' + (to ? '?to=' + encodeURIComponent(to) : '')); }
  publish(id, force) { return this.request('POST', API + '/plans/' + encodeURIComponent(id) + '/publish' + (force ? '?force=true' : '')); }

  // positions reads the server-sent events of /positions with fetch (so
  // the token goes in a header, which EventSource cannot do) and calls
  // onFeature with each position until signal aborts.
  async positions(onFeature, signal) {
    const res = await fetch(API + '/positions', { headers: this.headers({ Accept: 'text/event-stream' }), signal });
    if (!res.ok) throw new ApiError(res.status, res.statusText);
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buf = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buf += value;
      let end;
      while ((end = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, end);
        buf = buf.slice(end + 2);
        const data = block.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
        if (data) onFeature(this.gcj02 ? shiftBody(JSON.parse(data)) : JSON.parse(data));
      }
    }
  }

  // basemap is the background of every view: the service's vector tiles
  // (map.js addBasemap), or, for a GCJ-02 basemap, the blocks and roads
  // as GeoJSON to be shifted like every overlay.
  async basemap() {
    if (!this.gcj02) return { tiles: true };
    const [blocks, roads] = await Promise.all([this.blocks(), this.roads()]);
    return { geojson: { blocks, roads } };
  }
}

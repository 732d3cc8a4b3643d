// The data layer of the map page: every request the page makes goes
// through here, so that moving the basemap to the service's vector tiles
// (/tiles, issue 10) or the planner's edits to the plan-editing routes
// (issue 11) changes this file only. The token lives in sessionStorage,
// is sent in the Authorization header only, and is never put in a URL or
// logged.

const TOKEN_KEY = 'wangge.token';
const API = '/api/v1';

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

export class Api {
  constructor(token) {
    this.token = token;
  }

  headers(extra) {
    const h = Object.assign({ Accept: 'application/json, application/geo+json' }, extra);
    if (this.token) h.Authorization = 'Bearer ' + this.token;
    return h;
  }

  async request(method, path, body) {
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
    return res.status === 204 ? null : res.json();
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
  overdue() { return this.get(API + '/visits/overdue'); }
  trajectory(worker, date) {
    return this.get(API + '/workers/' + encodeURIComponent(worker) + '/trajectory?date=' + encodeURIComponent(date));
  }
  coverage(grid, layer) {
    return this.get(API + '/grids/' + encodeURIComponent(grid) + '/coverage' + (layer ? '?layer=' + layer : ''));
  }
  publicRequests() { return this.get('/open311/v2/requests.json'); }

  // Planner. Today an edit is kept in the page (edit.js) and saved whole
  // as a new draft; with issue 11's routes each move goes to the server.
  drawPlan(params) { return this.request('POST', API + '/plans', params); }
  saveDraft(base, name, grids) { return this.request('POST', API + '/plans/' + encodeURIComponent(base) + '/edits', { name, grids }); }
  publish(id) { return this.request('POST', API + '/plans/' + encodeURIComponent(id) + '/publish'); }

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
        if (data) onFeature(JSON.parse(data));
      }
    }
  }

  // basemap is the background of every view. Today it is drawn from the
  // API's blocks and roads as GeoJSON; when the service serves vector
  // tiles it becomes one vector source of /tiles/{tileset}/{z}/{x}/{y}.mvt.
  async basemap() {
    const [blocks, roads] = await Promise.all([this.blocks(), this.roads()]);
    return { blocks, roads };
  }
}

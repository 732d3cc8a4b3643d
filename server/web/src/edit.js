// The page's copy of the draft the planner edits: which grid holds each
// block, locks, an undo history mirroring the server's versions, the
// neighbouring grids a block may go to, and the figures of the two grids
// of a move (deviation of a basic grid's households from the mean,
// compactness as the share of its convex hull it fills, contiguity over
// the blocks' neighbour graph). The server stores every edit
// (/api/v1/plans/{id}/edits) and answers the plan-wide deltas and the
// problems the edit added and removed, which the page shows.
import { projector, rings, area, hullArea, bbox } from './geom.js';

// SNAP_M is how close two blocks' outlines must come to touch when the
// plan was drawn with no gap tolerance (partition's snap, with room for
// the page's flat projection).
const SNAP_M = 0.5;

export class PlanEdit {
  constructor(blocks, grids, params) {
    this.min = Number(params.min) || 0;
    this.max = Number(params.max) || Infinity;
    this.weight = params.weight || 'households';
    this.gap = Math.max(Number(params.gap) || 0, SNAP_M);
    const lat = blocks.features.length ? blocks.features[0].geometry.coordinates.flat(3)[1] : 0;
    const proj = projector(lat);
    this.block = new Map();
    for (const f of blocks.features) {
      const polys = rings(f.geometry).map((poly) => poly.map((ring) => ring.map(proj)));
      const pts = polys.flat(2);
      this.block.set(String(f.id), { w: Number(f.properties[this.weight]) || 0, area: area(polys), pts, rings: polys.flat(), box: bbox(pts) });
    }
    this.load(grids);
    this.published = new Map(this.grid);
    this.history = [];
    this.neighbours = this.graph();
  }

  // load takes the grids as the server stores them now (after a merge,
  // split or redraw, which the page does not compute itself).
  load(grids) {
    this.grid = new Map(); // block → grid
    this.kind = new Map(); // grid → kind
    for (const g of grids.features) {
      this.kind.set(String(g.id), g.properties.kind);
      for (const b of g.properties.blocks) this.grid.set(String(b), String(g.id));
    }
    this.locked = new Set(grids.features.filter((g) => g.properties.locked).map((g) => String(g.id)));
  }

  graph() {
    const ids = [...this.block.keys()];
    const nb = new Map(ids.map((id) => [id, new Set()]));
    for (let i = 0; i < ids.length; i++) {
      const a = this.block.get(ids[i]);
      for (let j = i + 1; j < ids.length; j++) {
        const b = this.block.get(ids[j]);
        const d = this.gap;
        if (a.box[0] > b.box[2] + d || b.box[0] > a.box[2] + d || a.box[1] > b.box[3] + d || b.box[1] > a.box[3] + d) continue;
        if (near(a, b, d) || near(b, a, d)) { nb.get(ids[i]).add(ids[j]); nb.get(ids[j]).add(ids[i]); }
      }
    }
    return nb;
  }

  // setPublished makes grids (the plan in force) what diff compares with.
  setPublished(grids) {
    this.published = new Map();
    for (const g of grids.features) for (const b of g.properties.blocks) this.published.set(String(b), String(g.id));
  }

  blocksOf(g) {
    return [...this.grid].filter(([, x]) => x === g).map(([b]) => b);
  }

  mean() {
    const w = new Map();
    for (const [b, g] of this.grid) if (this.kind.get(g) === 'basic') w.set(g, (w.get(g) || 0) + this.block.get(b).w);
    let s = 0;
    for (const v of w.values()) s += v;
    return w.size ? s / w.size : 0;
  }

  // figures of grid g: weight, deviation (% of the mean), compactness
  // (area / convex hull area), contiguous.
  figures(g, mean = this.mean()) {
    const bs = this.blocksOf(g);
    let w = 0, a = 0;
    const pts = [];
    for (const b of bs) {
      const k = this.block.get(b);
      w += k.w; a += k.area;
      for (const p of k.pts) pts.push(p);
    }
    const h = pts.length > 2 ? hullArea(pts) : 0;
    return {
      grid: g, blocks: bs.length, weight: w,
      deviation: this.kind.get(g) === 'basic' && mean ? (100 * (w - mean)) / mean : 0,
      compactness: h ? a / h : 0,
      contiguous: this.connected(bs),
    };
  }

  connected(bs) {
    if (bs.length < 2) return true;
    const inside = new Set(bs);
    const seen = new Set([bs[0]]);
    const stack = [bs[0]];
    while (stack.length) {
      for (const n of this.neighbours.get(stack.pop())) if (inside.has(n) && !seen.has(n)) { seen.add(n); stack.push(n); }
    }
    return seen.size === bs.length;
  }

  problems() {
    const out = new Set();
    const mean = this.mean();
    for (const g of this.kind.keys()) {
      const f = this.figures(g, mean);
      if (!f.blocks) continue;
      if (!f.contiguous) out.add(g + ' disconnected');
      if (this.kind.get(g) === 'basic' && f.weight < this.min) out.add(g + ' undersize');
      if (this.kind.get(g) === 'basic' && f.weight > this.max) out.add(g + ' oversize');
    }
    return out;
  }

  // neighbourGrids are the grids other than block b's own that touch it.
  neighbourGrids(b) {
    const own = this.grid.get(b);
    return [...new Set([...this.neighbours.get(b)].map((n) => this.grid.get(n)))].filter((g) => g && g !== own).sort();
  }

  // move gives block b to grid to and returns the figures of both grids
  // before and after and the problems the move added and removed.
  move(b, to) {
    const from = this.grid.get(b);
    if (!from || from === to) throw new Error('block ' + b + ' is already in ' + to);
    if (this.locked.has(from) || this.locked.has(to)) throw new Error('locked: ' + (this.locked.has(from) ? from : to));
    if (!this.neighbourGrids(b).includes(to)) throw new Error(to + ' does not touch block ' + b);
    const before = [this.figures(from), this.figures(to)];
    const p0 = this.problems();
    this.grid.set(b, to);
    this.history.push({ b, from, to });
    const after = [this.figures(from), this.figures(to)];
    const p1 = this.problems();
    return { block: b, from, to, before, after, added: [...p1].filter((p) => !p0.has(p)), removed: [...p0].filter((p) => !p1.has(p)) };
  }

  // undo takes back the last move or lock, as the server's undo does (a
  // merge, split or redraw is taken back by loading the server's grids).
  undo() {
    const last = this.history.pop();
    if (last && last.reload) return last;
    if (last && last.lock) this.flipLock(last.lock);
    else if (last) this.grid.set(last.b, last.from);
    return last;
  }

  toggleLock(g) {
    this.flipLock(g);
    this.history.push({ lock: g });
  }

  flipLock(g) {
    if (this.locked.has(g)) this.locked.delete(g);
    else this.locked.add(g);
  }

  // diff lists the blocks whose grid differs from the published plan's.
  diff() {
    return [...this.grid].filter(([b, g]) => this.published.get(b) !== g).map(([b, g]) => ({ block: b, from: this.published.get(b), to: g }));
  }
}

// near tells whether a vertex of block a lies within d of an edge of b.
function near(a, b, d) {
  for (const ring of b.rings) {
    for (let i = 1; i < ring.length; i++) {
      const p = ring[i - 1], q = ring[i];
      const x0 = Math.min(p[0], q[0]) - d, x1 = Math.max(p[0], q[0]) + d, y0 = Math.min(p[1], q[1]) - d, y1 = Math.max(p[1], q[1]) + d;
      for (const v of a.pts) if (v[0] >= x0 && v[0] <= x1 && v[1] >= y0 && v[1] <= y1 && segmentDistance(v, p, q) <= d) return true;
    }
  }
  return false;
}

function segmentDistance(v, p, q) {
  const dx = q[0] - p[0], dy = q[1] - p[1];
  const l = dx * dx + dy * dy;
  const f = l ? Math.max(0, Math.min(1, ((v[0] - p[0]) * dx + (v[1] - p[1]) * dy) / l)) : 0;
  return Math.hypot(v[0] - p[0] - f * dx, v[1] - p[1] - f * dy);
}

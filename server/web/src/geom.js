// Small planar geometry for the page: local metres around a latitude,
// ring areas, convex hulls, distances between outlines.

const R = 6371008.8;

export function projector(lat) {
  const kx = (Math.PI / 180) * R * Math.cos((lat * Math.PI) / 180);
  const ky = (Math.PI / 180) * R;
  return ([lon, lat2]) => [lon * kx, lat2 * ky];
}

export function rings(geometry) {
  if (geometry.type === 'Polygon') return [geometry.coordinates];
  if (geometry.type === 'MultiPolygon') return geometry.coordinates;
  return [];
}

function ringArea(ring) {
  let a = 0;
  for (let i = 1; i < ring.length; i++) a += ring[i - 1][0] * ring[i][1] - ring[i][0] * ring[i - 1][1];
  return a / 2;
}

// area of a polygon or multipolygon already in metres.
export function area(polys) {
  let a = 0;
  for (const poly of polys) poly.forEach((ring, i) => { a += (i === 0 ? 1 : -1) * Math.abs(ringArea(ring)); });
  return a;
}

// hull is the convex hull of points (monotone chain).
export function hull(points) {
  const p = points.slice().sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (p.length < 3) return p;
  const cross = (o, a, b) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const lower = [];
  for (const q of p) {
    while (lower.length >= 2 && cross(lower[lower.length - 2], lower[lower.length - 1], q) <= 0) lower.pop();
    lower.push(q);
  }
  const upper = [];
  for (let i = p.length - 1; i >= 0; i--) {
    while (upper.length >= 2 && cross(upper[upper.length - 2], upper[upper.length - 1], p[i]) <= 0) upper.pop();
    upper.push(p[i]);
  }
  const h = lower.slice(0, -1).concat(upper.slice(0, -1));
  h.push(h[0]);
  return h;
}

export function hullArea(points) {
  return Math.abs(ringArea(hull(points)));
}

// haversine distance in metres.
export function distance(a, b) {
  const r = Math.PI / 180;
  const h = Math.sin(((b[1] - a[1]) * r) / 2) ** 2 + Math.cos(a[1] * r) * Math.cos(b[1] * r) * Math.sin(((b[0] - a[0]) * r) / 2) ** 2;
  return 2 * R * Math.asin(Math.sqrt(h));
}

export function bbox(points) {
  const b = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [x, y] of points) {
    b[0] = Math.min(b[0], x); b[1] = Math.min(b[1], y);
    b[2] = Math.max(b[2], x); b[3] = Math.max(b[3], y);
  }
  return b;
}

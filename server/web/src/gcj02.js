// WGS-84 → GCJ-02, the offset Chinese basemaps (AMap/Gaode, Tencent) are
// drawn in: the same formulas as the service's geo.WGS84ToGCJ02 (checked
// against it by server/web's tests), so that overlays on such a basemap
// land where the basemap draws them. Outside China it changes nothing.
const A = 6378245.0; // Krasovsky 1940 semi-major axis, m
const E2 = 0.00669342162296594323; // Krasovsky 1940 eccentricity squared
const RAD = Math.PI / 180;

const wave = (x) => ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3;

function shiftLat(x, y) {
  let s = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  s += wave(x);
  s += ((20 * Math.sin(y * Math.PI) + 40 * Math.sin((y / 3) * Math.PI)) * 2) / 3;
  s += ((160 * Math.sin((y / 12) * Math.PI) + 320 * Math.sin((y / 30) * Math.PI)) * 2) / 3;
  return s;
}

function shiftLon(x, y) {
  let s = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  s += wave(x);
  s += ((20 * Math.sin(x * Math.PI) + 40 * Math.sin((x / 3) * Math.PI)) * 2) / 3;
  s += ((150 * Math.sin((x / 12) * Math.PI) + 300 * Math.sin((x / 30) * Math.PI)) * 2) / 3;
  return s;
}

export function toGCJ02([lon, lat]) {
  if (lon < 72.004 || lon > 137.8347 || lat < 0.8293 || lat > 55.8271) return [lon, lat];
  const x = lon - 105, y = lat - 35;
  const sin = Math.sin(lat * RAD), cos = Math.cos(lat * RAD);
  const magic = 1 - E2 * sin * sin;
  const sq = Math.sqrt(magic);
  return [lon + shiftLon(x, y) / ((A / sq) * cos * RAD), lat + shiftLat(x, y) / (((A * (1 - E2)) / (magic * sq)) * RAD)];
}

// shiftGeometry converts a GeoJSON geometry's coordinates in place.
export function shiftGeometry(g) {
  if (!g) return;
  const walk = (c) => (typeof c[0] === 'number' ? toGCJ02(c) : c.map(walk));
  g.coordinates = walk(g.coordinates);
}

// fromGCJ02 is the inverse of toGCJ02 (a point picked on a GCJ-02
// basemap, back to WGS-84), by fixed-point iteration to about 0.1 mm.
export function fromGCJ02(p) {
  let g = p;
  for (let i = 0; i < 30; i++) {
    const q = toGCJ02(g);
    const dx = q[0] - p[0], dy = q[1] - p[1];
    g = [g[0] - dx, g[1] - dy];
    if (Math.abs(dx) < 1e-9 && Math.abs(dy) < 1e-9) break;
  }
  return g;
}

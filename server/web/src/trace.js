// Replay of a worker's day: the position at a time along the line whose
// points carry times (coordinateProperties.times of the trajectory route).

export class Replay {
  constructor(coords, times) {
    this.coords = coords;
    this.t = times.map((s) => Date.parse(s));
    this.start = this.t[0];
    this.end = this.t[this.t.length - 1];
  }

  // at is the position at time ms, interpolated between the fixes around it.
  at(ms) {
    const t = this.t;
    if (ms <= t[0]) return this.coords[0];
    if (ms >= t[t.length - 1]) return this.coords[t.length - 1];
    let lo = 0, hi = t.length - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (t[mid] <= ms) lo = mid; else hi = mid;
    }
    const f = (ms - t[lo]) / (t[hi] - t[lo] || 1);
    const a = this.coords[lo], b = this.coords[hi];
    return [a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1])];
  }
}

export function clock(ms, zone) {
  return new Date(ms).toLocaleTimeString('zh-CN', { timeZone: zone, hour12: false });
}

export function duration(s) {
  const h = Math.floor(s / 3600), m = Math.round((s % 3600) / 60);
  return h ? h + ' h ' + m + ' min' : m + ' min';
}

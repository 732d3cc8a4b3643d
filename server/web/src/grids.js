// The published plan's grids with their codes: the view every role starts from.
import { setData, label, centre, fitTo } from './map.js';

export async function showPublishedGrids(ctx, highlight) {
  const { api, map } = ctx;
  const plan = (await api.plans()).find((p) => p.status === 'published');
  if (!plan) return null;
  const grids = await api.planGrids(plan.id);
  setData(map, 'grids', grids);
  map.addLayer({ id: 'grids-fill', type: 'fill', source: 'grids', paint: {
    'fill-color': ['match', ['get', 'kind'], 'dedicated', '#7048e8', '#1971c2'],
    'fill-opacity': highlight ? ['case', ['==', ['get', 'id'], highlight], 0.25, 0.04] : 0.1 } });
  map.addLayer({ id: 'grids-line', type: 'line', source: 'grids', paint: {
    'line-color': ['match', ['get', 'kind'], 'dedicated', '#7048e8', '#1971c2'],
    'line-width': highlight ? ['case', ['==', ['get', 'id'], highlight], 3, 1] : 1.2 } });
  fitTo(map, highlight ? { features: grids.features.filter((g) => g.id === highlight) } : grids);
  ctx.labels = grids.features.map((g) => label(map, centre(g.geometry), g.id, g.properties.kind));
  return { plan, grids };
}

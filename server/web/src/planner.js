// The planner's view: the plans; draw a plan with parameters; the grids of
// a plan coloured by deviation from the mean; click a block, give it to a
// neighbouring grid and see the figures change and the problems added or
// removed; lock; undo; diff against the published plan; save a draft;
// publish.
import { t } from './i18n.js';
import { setData, fitTo } from './map.js';
import { section, esc } from './ui.js';
import { PlanEdit } from './edit.js';

export async function plannerView(ctx) {
  const { api, panel } = ctx;
  const plans = await api.plans();
  const list = section(panel, t('plans'), '<ul id="plans">' + plans.map((p) =>
    '<li><a href="#" data-plan="' + esc(p.id) + '">' + esc(p.name) + '</a> · ' + t(p.status === 'published' ? 'published' : 'draft') + '</li>').join('') + '</ul>');
  list.querySelectorAll('[data-plan]').forEach((a) => { a.onclick = (e) => { e.preventDefault(); openPlan(ctx, a.dataset.plan); }; });
  const draw = section(panel, t('draw'),
    '<label>' + t('min') + ' <input id="p-min" type="number" value="150"></label> <label>' + t('max') + ' <input id="p-max" type="number" value="500"></label>' +
    ' <label>' + t('count') + ' <input id="p-count" type="number" min="1" placeholder="—"></label> <label>' + t('tolerance') + ' <input id="p-tol" type="number" step="0.01" value="0.1"></label>' +
    ' <label>' + t('dedicated') + ' <input id="p-ded" value="kind=school,hospital,police,marketplace"></label> <button id="p-draw">' + t('draw') + '</button>');
  draw.querySelector('#p-draw').onclick = () => guard(ctx, async () => {
    const v = (id) => Number(draw.querySelector(id).value);
    // Count mode when a count is given, bounds mode otherwise.
    const size = v('#p-count') > 0 ? { count: v('#p-count'), tolerance: v('#p-tol') } : { min: v('#p-min'), max: v('#p-max') };
    await api.drawPlan(Object.assign({ weight: 'households', dedicated: draw.querySelector('#p-ded').value }, size));
    ctx.reload();
  });
  ctx.editBox = section(panel, t('moveHint'), '<div id="edit"></div>');
  const published = plans.find((p) => p.status === 'published') || plans[0];
  if (published) await openPlan(ctx, published.id);
}

async function openPlan(ctx, id) {
  const { api, map } = ctx;
  const [plans, grids, blocks] = await Promise.all([api.plans(), api.planGrids(id), ctx.blocks()]);
  const plan = plans.find((p) => p.id === id);
  const ed = new PlanEdit(blocks, grids, plan.params);
  const pub = plans.find((p) => p.status === 'published');
  if (pub && pub.id !== id) ed.setPublished(await api.planGrids(pub.id));
  ctx.edit = { plan, ed, selected: null, last: null };
  setData(map, 'plan-grids', grids);
  if (!map.getLayer('plan-blocks')) {
    setData(map, 'plan-blocks', blocks);
    map.addLayer({ id: 'plan-blocks', type: 'fill', source: 'plan-blocks', paint: {
      'fill-color': ['interpolate', ['linear'], ['coalesce', ['feature-state', 'dev'], 0], -60, '#1864ab', -15, '#a5d8ff', 0, '#f8f9fa', 15, '#ffc9c9', 60, '#c92a2a'],
      'fill-opacity': ['case', ['boolean', ['feature-state', 'selected'], false], 0.95, ['boolean', ['feature-state', 'changed'], false], 0.9, 0.7],
      'fill-outline-color': '#868e96' } });
    map.addLayer({ id: 'plan-selected', type: 'line', source: 'plan-blocks', paint: {
      'line-color': ['case', ['boolean', ['feature-state', 'selected'], false], '#000', '#f08c00'],
      'line-width': ['case', ['boolean', ['feature-state', 'selected'], false], 3, ['boolean', ['feature-state', 'changed'], false], 2.5, 0] } });
    map.addLayer({ id: 'plan-grids', type: 'line', source: 'plan-grids', paint: { 'line-color': '#343a40', 'line-width': ['case', ['boolean', ['get', 'locked'], false], 3.5, 1.2] } });
    map.on('click', 'plan-blocks', (e) => select(ctx, String(e.features[0].id)));
  }
  fitTo(map, grids);
  paint(ctx);
  render(ctx);
}

function paint(ctx) {
  const { map } = ctx;
  const { ed, selected } = ctx.edit;
  const mean = ed.mean();
  const dev = new Map([...ed.kind.keys()].map((g) => [g, ed.figures(g, mean).deviation]));
  const changed = new Set(ctx.edit.showDiff ? ed.diff().map((d) => d.block) : []);
  for (const [b, g] of ed.grid) map.setFeatureState({ source: 'plan-blocks', id: b }, { dev: dev.get(g), selected: b === selected, changed: changed.has(b) });
}

function select(ctx, b) {
  ctx.edit.selected = b;
  paint(ctx);
  render(ctx);
}

function figuresRow(f) {
  return '<tr><td>' + esc(f.grid) + '</td><td>' + f.weight + '</td><td>' + f.deviation.toFixed(1) + '%</td><td>' + f.compactness.toFixed(3) +
    '</td><td>' + t(f.contiguous ? 'yes' : 'no') + '</td></tr>';
}

function render(ctx) {
  const box = ctx.editBox.querySelector('#edit');
  const { plan, ed, selected, last } = ctx.edit;
  let html = '<p><b>' + esc(plan.name) + '</b> · ' + t('mean') + ' ' + ed.mean().toFixed(0) + ' ' + t('households') + '</p>';
  if (selected) {
    const g = ed.grid.get(selected);
    html += '<p>' + t('block') + ' ' + esc(selected) + ' ∈ ' + esc(g) + ' <button class="lock" data-grid="' + esc(g) + '">' + t(ed.locked.has(g) ? 'unlock' : 'lock') + ' ' + esc(g) + '</button></p><p>' + t('moveTo') + ': ' +
      ed.neighbourGrids(selected).map((n) => '<button class="move" data-to="' + esc(n) + '"' + (ed.locked.has(n) || ed.locked.has(g) ? ' disabled' : '') + '>' + esc(n) + '</button>').join(' ') + '</p>';
  }
  if (last) {
    html += '<table id="metrics"><tr><th></th><th>' + t('households') + '</th><th>' + t('deviation') + '</th><th>' + t('compactness') + '</th><th>' + t('contiguity') + '</th></tr>' +
      last.before.map(figuresRow).join('').replace(/<tr>/g, '<tr class="before">') + last.after.map(figuresRow).join('') + '</table>' +
      '<p>' + t('problemsAdded') + ': <span id="added">' + (last.added.map(problem).join(', ') || t('none')) + '</span><br>' +
      t('problemsRemoved') + ': <span id="removed">' + (last.removed.map(problem).join(', ') || t('none')) + '</span></p>';
  }
  const diff = ed.diff();
  html += '<p><button id="undo"' + (ed.history.length ? '' : ' disabled') + '>' + t('undo') + '</button> <button id="diff">' + t('diff') + '</button> ' +
    '<button id="save"' + (diff.length ? '' : ' disabled') + '>' + t('save') + '</button> <button id="publish"' + (plan.status === 'published' ? ' disabled' : '') + '>' + t('publish') + '</button> ' +
    '<button disabled title="' + t('redrawWaits') + '">' + t('redraw') + '</button></p><p id="diffs">' + diff.length + ' ' + t('changed') + '</p><p id="status"></p>';
  box.innerHTML = html;
  box.querySelectorAll('.move').forEach((b) => { b.onclick = () => guard(ctx, () => { ctx.edit.last = ed.move(selected, b.dataset.to); paint(ctx); render(ctx); }); });
  box.querySelectorAll('.lock').forEach((b) => { b.onclick = () => { ed.toggleLock(b.dataset.grid); render(ctx); }; });
  box.querySelector('#undo').onclick = () => { ed.undo(); ctx.edit.last = null; paint(ctx); render(ctx); };
  box.querySelector('#diff').onclick = () => { ctx.edit.showDiff = !ctx.edit.showDiff; paint(ctx); };
  box.querySelector('#save').onclick = () => guard(ctx, async () => {
    const saved = await ctx.api.saveDraft(plan.id, '', ed.request());
    ctx.edit.plan = Object.assign({}, saved, { params: plan.params });
    ctx.edit.saved = saved.id;
    await openPlan(ctx, saved.id);
    document.getElementById('status').textContent = t('saved') + ': ' + saved.id;
  });
  box.querySelector('#publish').onclick = () => guard(ctx, async () => {
    await ctx.api.publish(plan.id);
    ctx.edit.plan.status = 'published';
    ed.published = new Map(ed.grid);
    render(ctx);
    document.getElementById('status').textContent = t('publishedOk') + ': ' + plan.id;
  });
}

// problem says "G002 oversize" in the page's language.
function problem(p) {
  const [grid, rule] = p.split(' ');
  return esc(grid) + ' ' + t(rule);
}

// guard runs an action of a button and shows its error in the panel.
async function guard(ctx, action) {
  try {
    await action();
  } catch (err) {
    ctx.error(err);
  }
}

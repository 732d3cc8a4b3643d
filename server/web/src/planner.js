// The planner's view: the plans; draw a plan with parameters; the grids of
// a plan coloured by deviation from the mean; click a block, give it to a
// neighbouring grid and see the figures change and the problems added or
// removed; lock; undo; diff against the published plan; publish. Every
// edit goes to the plan-editing routes (/api/v1/plans/{id}/edits, /undo,
// /diff, /versions, /publish) on a draft: a published plan's grids are
// uploaded as a new draft (/plans/upload) at the first edit. Merge (the
// selected block's grid into a neighbouring grid of its kind), split (the
// selected block's grid in two) and redraw (the grids chosen by
// shift-click or in "select grids" mode) are computed by the server: the
// page shows the answer's grid deltas and problems and reloads the grids.
import { t } from './i18n.js';
import { setData, fitTo } from './map.js';
import { section, esc } from './ui.js';
import { PlanEdit } from './edit.js';

export async function plannerView(ctx) {
  const { api, panel } = ctx;
  const plans = await api.plans();
  const list = section(panel, t('plans'), '<ul id="plans">' + plans.map((p) =>
    '<li><a href="#" data-plan="' + esc(p.id) + '">' + esc(p.name) + '</a> · ' + t(p.status) + '</li>').join('') + '</ul>');
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
  ctx.edit = { plan, ed, selected: null, last: null, region: new Set(), selecting: false, draft: plan.status === 'draft' ? id : null, pubId: pub ? pub.id : null };
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
    map.on('click', 'plan-blocks', (e) => {
      const b = String(e.features[0].id);
      if (ctx.edit.selecting || (e.originalEvent && e.originalEvent.shiftKey)) pick(ctx, ctx.edit.ed.grid.get(b));
      else select(ctx, b);
    });
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
  const changed = ctx.edit.showDiff ? ctx.edit.changed || new Set() : new Set();
  const region = ctx.edit.region;
  for (const [b, g] of ed.grid) map.setFeatureState({ source: 'plan-blocks', id: b }, { dev: dev.get(g), selected: b === selected || region.has(g), changed: changed.has(b) });
}

// pick adds grid g to the region to redraw, or takes it out.
function pick(ctx, g) {
  if (!g) return;
  const r = ctx.edit.region;
  if (r.has(g)) r.delete(g);
  else r.add(g);
  paint(ctx);
  render(ctx);
}

// reshape sends a merge, split or redraw (op) to the draft; the server
// computes the new grids, which the page loads, and answers the deltas
// and problems, which it shows.
async function reshape(ctx, op) {
  const id = await ensureDraft(ctx);
  const answer = await ctx.api.edit(id, op);
  const grids = await ctx.api.planGrids(id);
  const { ed } = ctx.edit;
  ed.load(grids);
  ed.history.push({ reload: true });
  setData(ctx.map, 'plan-grids', grids);
  ctx.edit.region = new Set();
  ctx.edit.selected = null;
  ctx.edit.last = { op, answer };
  paint(ctx); render(ctx);
}

function gridChanges(d) {
  const list = (xs) => (xs || []).map(esc).join(', ') || t('none');
  const sign = (v, n) => (v > 0 ? '+' : '') + v.toFixed(n);
  return '<p id="gridchanges">' + t('gridsAdded') + ': <span id="g-added">' + list(d.added) + '</span> · ' + t('gridsRemoved') + ': <span id="g-removed">' + list(d.removed) + '</span></p>' +
    ((d.changed || []).length ? '<table id="changed"><tr><th>' + t('gridsChanged') + '</th><th>' + t('weight') + '</th><th>Δ Polsby-Popper</th><th>' + t('dHull') + '</th></tr>' +
      d.changed.map((c) => '<tr><td>' + esc(c.id) + '</td><td>' + sign(c.weight, 0) + '</td><td>' + sign(c.polsby_popper, 3) + '</td><td>' + sign(c.hull_ratio, 3) + '</td></tr>').join('') + '</table>' : '');
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

function deltaRow(d) {
  const sign = (v, n) => (v > 0 ? '+' : '') + v.toFixed(n);
  return '<p id="deltas">' + t('dMaxDev') + ' ' + sign(d.max_deviation_pct, 1) + ' · ' + t('dPolsby') + ' ' + sign(d.mean_polsby_popper, 3) +
    ' · ' + t('dHull') + ' ' + sign(d.mean_hull_ratio, 3) + ' · ' + t('dMultipart') + ' ' + sign(d.multipart_grids, 0) + '</p>';
}

// ensureDraft gives the id of the draft the planner's edits go to: the
// plan itself when it is a draft, else a draft uploaded from its grids.
async function ensureDraft(ctx) {
  const e = ctx.edit;
  if (e.draft) return e.draft;
  const ans = await ctx.api.uploadDraft(e.plan, e.plan.name);
  e.draft = ans.plan.id;
  e.plan = Object.assign({ params: e.plan.params }, ans.plan);
  return e.draft;
}

function render(ctx) {
  const box = ctx.editBox.querySelector('#edit');
  const { plan, ed, selected, last, draft } = ctx.edit;
  let html = '<p><b>' + esc(plan.name) + '</b> · ' + t(plan.status) + (draft ? ' <span id="draft">' + esc(draft) + '</span>' : '') + ' · ' +
    t('mean') + ' ' + ed.mean().toFixed(0) + ' ' + t('households') + '</p>';
  if (selected) {
    const g = ed.grid.get(selected);
    html += '<p>' + t('block') + ' ' + esc(selected) + ' ∈ ' + esc(g) + ' <button class="lock" data-grid="' + esc(g) + '">' + t(ed.locked.has(g) ? 'unlock' : 'lock') + ' ' + esc(g) + '</button></p><p>' + t('moveTo') + ': ' +
      ed.neighbourGrids(selected).map((n) => '<button class="move" data-to="' + esc(n) + '"' + (ed.locked.has(n) || ed.locked.has(g) ? ' disabled' : '') + '>' + esc(n) + '</button>').join(' ') + '</p>';
    html += '<p>' + esc(g) + ' ' + t('mergeInto') + ': ' + ed.neighbourGrids(selected).filter((n) => ed.kind.get(n) === ed.kind.get(g)).map((n) =>
      '<button class="merge" data-grid="' + esc(g) + '" data-into="' + esc(n) + '"' + (ed.locked.has(n) || ed.locked.has(g) ? ' disabled' : '') + '>' + esc(n) + '</button>').join(' ') +
      ' <button id="split" data-grid="' + esc(g) + '"' + (ed.locked.has(g) || ed.blocksOf(g).length < 2 ? ' disabled' : '') + '>' + t('split') + ' ' + esc(g) + '</button></p>';
  }
  const region = [...ctx.edit.region].sort();
  html += '<p title="' + t('redrawHint') + '"><label><input type="checkbox" id="select-mode"' + (ctx.edit.selecting ? ' checked' : '') + '> ' + t('selectMode') + '</label> · ' +
    t('selected') + ': <span id="region">' + (region.map(esc).join(', ') || t('none')) + '</span> <button id="clear-region"' + (region.length ? '' : ' disabled') + '>' + t('clearSel') + '</button> ' +
    '<button id="redraw"' + (region.length && !region.some((g) => ed.locked.has(g)) ? '' : ' disabled') + '>' + t('redraw') + '</button></p>';
  if (last && last.op) {
    const pr = last.answer.problems;
    html += gridChanges(last.answer.diff) + deltaRow(last.answer.diff) +
      '<p>' + t('problemsAdded') + ': <span id="added">' + (pr.added.map(problem).join(', ') || t('none')) + '</span><br>' +
      t('problemsRemoved') + ': <span id="removed">' + (pr.removed.map(problem).join(', ') || t('none')) + '</span></p>';
  }
  if (last && !last.op) {
    const pr = last.answer.problems;
    html += '<table id="metrics"><tr><th></th><th>' + t('households') + '</th><th>' + t('deviation') + '</th><th>' + t('compactness') + '</th><th>' + t('contiguity') + '</th></tr>' +
      last.before.map(figuresRow).join('').replace(/<tr>/g, '<tr class="before">') + last.after.map(figuresRow).join('') + '</table>' + deltaRow(last.answer.diff) +
      '<p>' + t('problemsAdded') + ': <span id="added">' + (pr.added.map(problem).join(', ') || t('none')) + '</span><br>' +
      t('problemsRemoved') + ': <span id="removed">' + (pr.removed.map(problem).join(', ') || t('none')) + '</span></p>';
  }
  const diff = ed.diff();
  html += '<p><button id="undo"' + (ed.history.length ? '' : ' disabled') + '>' + t('undo') + '</button> <button id="diff">' + t('diff') + '</button> ' +
    '<button id="save"' + (draft ? '' : ' disabled') + '>' + t('save') + '</button> <button id="publish"' + (plan.status === 'published' ? ' disabled' : '') + '>' + t('publish') + '</button></p><p id="diffs">' + diff.length + ' ' + t('changed') + '</p><p id="status"></p>';
  box.innerHTML = html;
  const status = (s) => { document.getElementById('status').textContent = s; };
  box.querySelectorAll('.move').forEach((b) => { b.onclick = () => guard(ctx, async () => {
    const id = await ensureDraft(ctx);
    const local = ed.move(selected, b.dataset.to); // checks the move and gives the two grids' figures
    let answer;
    try {
      answer = await ctx.api.edit(id, { op: 'move', block: selected, to: b.dataset.to });
    } catch (err) {
      ed.undo();
      throw err;
    }
    ctx.edit.last = Object.assign(local, { answer });
    paint(ctx); render(ctx);
  }); });
  box.querySelectorAll('.merge').forEach((b) => { b.onclick = () => guard(ctx, () => reshape(ctx, { op: 'merge', grid: b.dataset.grid, into: b.dataset.into })); });
  const split = box.querySelector('#split');
  if (split) split.onclick = () => guard(ctx, () => reshape(ctx, { op: 'split', grid: split.dataset.grid, k: 2 }));
  box.querySelector('#redraw').onclick = () => guard(ctx, () => reshape(ctx, { op: 'redraw', grids: region }));
  box.querySelector('#select-mode').onchange = (e) => { ctx.edit.selecting = e.target.checked; };
  box.querySelector('#clear-region').onclick = () => { ctx.edit.region = new Set(); paint(ctx); render(ctx); };
  box.querySelectorAll('.lock').forEach((b) => { b.onclick = () => guard(ctx, async () => {
    const id = await ensureDraft(ctx);
    const g = b.dataset.grid;
    await ctx.api.edit(id, { op: ed.locked.has(g) ? 'unlock' : 'lock', grids: [g] });
    ed.toggleLock(g);
    render(ctx);
  }); });
  box.querySelector('#undo').onclick = () => guard(ctx, async () => {
    await ctx.api.undo(draft);
    if ((ed.undo() || {}).reload) {
      // A merge, split or redraw: the server's grids are the truth.
      const grids = await ctx.api.planGrids(draft);
      ed.load(grids);
      setData(ctx.map, 'plan-grids', grids);
      ctx.edit.region = new Set();
    }
    ctx.edit.last = null;
    paint(ctx); render(ctx);
  });
  box.querySelector('#diff').onclick = () => guard(ctx, async () => {
    ctx.edit.showDiff = !ctx.edit.showDiff;
    ctx.edit.changed = new Set();
    if (ctx.edit.showDiff && draft && ctx.edit.pubId && ctx.edit.pubId !== draft) {
      const d = await ctx.api.diff(draft, ctx.edit.pubId);
      ctx.edit.changed = new Set((d.diff.moved || []).map((m) => String(m.block)));
    }
    paint(ctx);
  });
  box.querySelector('#save').onclick = () => guard(ctx, async () => {
    // Every edit is stored as a version of the draft already; this says which.
    const v = await ctx.api.versions(draft);
    const list = v.versions || [];
    status(t('saved') + ': ' + draft + ' v' + (list.length ? list[list.length - 1].version : 1));
  });
  const publish = async (force) => {
    const id = draft || plan.id;
    await ctx.api.publish(id, force);
    ctx.edit.plan = Object.assign({}, ctx.edit.plan, { id, status: 'published' });
    ctx.edit.pubId = id;
    ctx.edit.draft = null;
    ed.published = new Map(ed.grid);
    ed.history = [];
    render(ctx);
    status(t('publishedOk') + ': ' + id);
  };
  box.querySelector('#publish').onclick = () => guard(ctx, async () => {
    try {
      await publish(false);
    } catch (err) {
      if (err.status !== 409) throw err;
      // Refused: the plan has errors. Say them and offer to publish anyway.
      status(t('refused') + ': ' + err.message);
      const f = document.createElement('button');
      f.id = 'force';
      f.textContent = t('force');
      f.onclick = () => guard(ctx, () => publish(true));
      document.getElementById('status').after(f);
    }
  });
}

// problem says "G002 out_of_bounds" (a problem of the server's
// validation) in the page's language.
function problem(p) {
  return esc([p.grid, p.block].filter(Boolean).join(' ')) + ' ' + t(p.rule);
}

// guard runs an action of a button and shows its error in the panel.
async function guard(ctx, action) {
  try {
    await action();
  } catch (err) {
    ctx.error(err);
  }
}

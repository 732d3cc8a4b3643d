// The page's words: Chinese by default, English by the switch.
const words = {
  title: ['网格 · 一图', 'wangge · one map'],
  token: ['令牌', 'Token'],
  signIn: ['登录', 'Sign in'],
  signOut: ['退出', 'Sign out'],
  lang: ['English', '中文'],
  public: ['公众', 'public'],
  admin: ['管理员', 'admin'], planner: ['规划员', 'planner'], leader: ['网格长', 'grid leader'],
  worker: ['网格员', 'grid worker'], viewer: ['访客', 'viewer'],
  grids: ['网格', 'Grids'], incidents: ['事件', 'Incidents'],
  publicHint: ['登录后可查看网格；未登录可查看公开事件。', 'Sign in to see the grids; the public incidents are shown without.'],
  trace: ['轨迹回放', 'Trace replay'], workerLbl: ['网格员', 'Worker'], date: ['日期', 'Date'], load: ['加载', 'Load'],
  play: ['播放', 'Play'], pause: ['暂停', 'Pause'], speed: ['速度', 'Speed'],
  distance: ['里程', 'Distance'], moving: ['移动时间', 'Moving time'], stops: ['停留点', 'Stops'], gaps: ['信号中断', 'Signal gaps'],
  coverage: ['巡查覆盖', 'Patrol coverage'], covered: ['已覆盖', 'Covered'], gapArea: ['盲区面积', 'Gap area'], lastVisit: ['最近到访', 'Last visit'],
  block: ['区块', 'Block'], never: ['从未', 'never'],
  overdue: ['重点场所逾期', 'Key places overdue'], days: ['天', 'days'],
  live: ['实时位置', 'Live positions'], workersLive: ['在线网格员', 'workers shown'],
  status: ['状态', 'Status'], timeline: ['处置过程', 'Timeline'],
  plans: ['规划方案', 'Plans'], published: ['已发布', 'published'], draft: ['草稿', 'draft'], superseded: ['已替代', 'superseded'],
  draw: ['绘制新方案', 'Draw a plan'], min: ['最少户数', 'Min households'], max: ['最多户数', 'Max households'],
  count: ['网格数', 'Grid count'], tolerance: ['容差', 'Tolerance'], dedicated: ['专属网格类型', 'Dedicated kinds'],
  deviation: ['偏离均值', 'Deviation from mean'], compactness: ['紧凑度', 'Compactness'], contiguity: ['连通', 'Contiguous'],
  moveHint: ['点击区块，再点相邻网格，把区块划给它。', 'Click a block, then a neighbouring grid to give it the block.'],
  moveTo: ['划给', 'Give to'], lock: ['锁定', 'Lock'], unlock: ['解锁', 'Unlock'], undo: ['撤销', 'Undo'],
  save: ['草稿版本', 'Draft version'], publish: ['发布', 'Publish'], diff: ['与发布方案对比', 'Diff vs published'],
  redraw: ['重划区域', 'Redraw region'], redrawHint: ['按住 Shift 点击区块（或开启“选择网格”）选定要重划的网格', 'Shift-click blocks (or turn on "Select grids") to choose the grids to redraw'],
  selectMode: ['选择网格', 'Select grids'], selected: ['已选网格', 'Grids selected'], clearSel: ['清除选择', 'Clear'],
  mergeInto: ['并入', 'Merge into'], split: ['一分为二', 'Split in two'],
  gridsAdded: ['新增网格', 'Grids added'], gridsRemoved: ['删除网格', 'Grids removed'], gridsChanged: ['变更网格', 'Grids changed'], weight: ['户数变化', 'Δ households'],
  problemsAdded: ['新增问题', 'Problems added'], problemsRemoved: ['消除问题', 'Problems removed'], none: ['无', 'none'],
  saved: ['草稿已保存', 'Draft saved'], refused: ['发布被拒', 'Publication refused'], force: ['仍然发布', 'Publish anyway'],
  dMaxDev: ['最大偏离变化(点)', 'Δ max deviation (pts)'], dPolsby: ['Δ Polsby-Popper', 'Δ Polsby-Popper'], dHull: ['Δ 凸包比', 'Δ hull ratio'], dMultipart: ['Δ 多块网格', 'Δ multipart grids'],
  out_of_bounds: ['超出范围', 'out of bounds'], exclave: ['飞地', 'exclave'], island: ['孤岛', 'island'], oversize_block: ['超大区块', 'oversize block'],
  crosses_parent: ['跨越上级', 'crosses parent'], missing: ['未分配', 'missing'], overlaps: ['重复分配', 'overlaps'], grid_count: ['网格数不符', 'grid count'], publishedOk: ['已发布', 'Published'], changed: ['变更区块', 'blocks changed'],
  mean: ['均值', 'mean'], households: ['户', 'households'], yes: ['是', 'yes'], no: ['否', 'no'],
  disconnected: ['不连通', 'disconnected'], undersize: ['过小', 'undersize'], oversize: ['过大', 'oversize'],
  report: ['报告事件', 'Report an incident'], reportHint: ['在地图上点选位置', 'Pick the place on the map'],
  describe: ['描述', 'Describe it'], send: ['提交', 'Send'], reportAt: ['位置', 'At'], reported: ['已受理', 'Received'],
};

let lang = sessionStorage.getItem('wangge.lang') === 'en' ? 1 : 0;

export function t(key) {
  const w = words[key];
  return w ? w[lang] : key;
}

export function language() {
  return lang ? 'en' : 'zh';
}

export function toggleLanguage() {
  lang = 1 - lang;
  sessionStorage.setItem('wangge.lang', language());
  document.documentElement.lang = lang ? 'en' : 'zh-CN';
}

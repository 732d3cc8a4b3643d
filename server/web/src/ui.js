// DOM helpers of the panel.
export function esc(s) {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

export function section(panel, title, html) {
  const s = document.createElement('section');
  s.innerHTML = '<h2>' + esc(title) + '</h2>' + (html || '');
  panel.appendChild(s);
  return s;
}

export const STATUS_COLOURS = ['match', ['get', 'status'],
  'reported', '#e8590c', 'discovered', '#e8590c', 'accepted', '#f59f00', 'handling', '#1c7ed6', 'escalated', '#c2255c',
  'resolved', '#37b24d', 'closed', '#868e96', 'open', '#e8590c', '#495057'];

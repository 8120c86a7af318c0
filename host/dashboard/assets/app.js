// aicore-proxy dashboard: polls GET /admin/stats and draws it. No libraries, no build step.
// Every value from the JSON reaches the page through textContent or DOM properties, never
// innerHTML: key names, model names and upstream error messages are not trusted.
'use strict';

(() => {
  const STATS_URL = '/admin/stats';
  const POLL_MS = 2000;
  const TIMEOUT_MS = 10000; // a hung request must not stop polling forever
  const STALE_MS = 3 * POLL_MS + 500;
  const KEY_NAME = 'aicore-admin-key';

  const $ = (sel) => document.querySelector(sel);
  const body = document.body;

  // ---------------------------------------------------------------- formatting

  const pad2 = (n) => String(n).padStart(2, '0');

  function clock(ms) {
    const d = new Date(ms);
    return `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
  }

  // Local date and time; the date only when it is not today.
  function when(ms) {
    const d = new Date(ms);
    const today = new Date();
    if (d.toDateString() === today.toDateString()) return clock(ms);
    return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${clock(ms)}`;
  }

  // "42 s", "12 min", "3 h 12 min", "2 d 4 h": two units at most, seconds only below a minute.
  function duration(s) {
    if (s == null || !isFinite(s)) return '—';
    s = Math.max(0, Math.floor(s));
    if (s < 60) return `${s} s`;
    const m = Math.floor(s / 60);
    if (m < 60) return `${m} min`;
    const h = Math.floor(m / 60);
    if (h < 24) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
    const d = Math.floor(h / 24);
    return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
  }

  const ago = (ms, nowMs) => `${duration((nowMs - ms) / 1000)} ago`;

  // Milliseconds: one decimal below 100 (12.5), whole numbers above.
  function ms(v) {
    if (v == null || !isFinite(v)) return null;
    return v < 100 ? String(Math.round(v * 10) / 10) : String(Math.round(v));
  }

  function rate(v) {
    if (v == null || !isFinite(v)) return null;
    if (v === 0) return '0';
    return v < 10 ? v.toFixed(2) : v.toFixed(1);
  }

  // Thousands are separated by spacing between <span>s rather than by a character, so the
  // cell's textContent stays the plain number (tests, copy and paste) while it reads "12 345".
  function digitGroups(str) {
    const m = /^(-?)(\d+)(.*)$/.exec(str);
    if (!m || m[2].length <= 3) return [document.createTextNode(str)];
    const int = m[2];
    const parts = [];
    let first = int.length % 3 || 3;
    parts.push(m[1] + int.slice(0, first));
    for (; first < int.length; first += 3) parts.push(int.slice(first, first + 3));
    parts[parts.length - 1] += m[3];
    const n = document.createElement('span'); // one wrapper per number: the CSS spaces .g + .g
    n.className = 'n';
    for (const p of parts) {
      const g = document.createElement('span');
      g.className = 'g';
      g.textContent = p;
      n.append(g);
    }
    return [n];
  }

  // ---------------------------------------------------------------- DOM helpers

  function h(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }

  function setText(sel, text) {
    const e = $(sel);
    if (e.textContent !== text) e.textContent = text;
  }

  function show(sel, on) {
    $(sel).hidden = !on;
  }

  // A cell is {col, text} | {col, num} | {col, sig, nodes: () => Node[]}, plus optional cls
  // and title. Cells are only rewritten when what they show changed, so a selection or a
  // hover survives the 2-second refresh.
  function fillCell(td, c) {
    if (c.col && td.dataset.col !== c.col) td.dataset.col = c.col;
    let sig;
    let make;
    if (c.nodes) {
      sig = 'n' + c.sig;
      make = c.nodes;
    } else if ('num' in c) {
      const s = c.num == null ? null : typeof c.num === 'number' ? String(c.num) : c.num;
      sig = 'd' + s;
      make = () => (s == null ? [h('span', 'none', '—')] : digitGroups(s));
    } else {
      const t = c.text == null || c.text === '' ? '—' : String(c.text);
      sig = 't' + t;
      make = () => [document.createTextNode(t)];
    }
    if (td._sig !== sig) {
      td.replaceChildren(...make());
      td._sig = sig;
    }
    let cls = c.cls || '';
    if ('num' in c && (c.num === 0 || c.num === '0')) cls += ' zero'; // zeros recede
    if (td.className !== cls) td.className = cls;
    const title = c.title || '';
    if (td.title !== title) td.title = title;
  }

  // Keyed update of a table body: rows are reused by key and reordered, not rebuilt.
  // rows: [{key, attrs, cls, cells}]. An empty list shows one row.empty with emptyText.
  function renderRows(table, rows, emptyText) {
    const tbody = table.tBodies[0];
    const first = !tbody._rows;
    const old = tbody._rows || new Map();
    const next = new Map();
    const ncols = table.tHead.rows[table.tHead.rows.length - 1].cells.length;
    if (!rows.length) {
      const tr = h('tr', 'empty');
      const td = h('td', null, emptyText);
      td.colSpan = ncols;
      tr.append(td);
      tbody.replaceChildren(tr);
      tbody._rows = next;
      return;
    }
    let i = 0;
    for (const r of rows) {
      let key = r.key;
      while (next.has(key)) key += '\u0000'; // duplicate keys must not share a <tr>
      let tr = old.get(key);
      if (!tr) {
        tr = document.createElement('tr');
        if (!first) tr.dataset.fresh = ''; // brief highlight of rows that just appeared
      }
      next.set(key, tr);
      for (const [k, v] of Object.entries(r.attrs || {})) {
        const s = String(v);
        if (tr.getAttribute(k) !== s) tr.setAttribute(k, s);
      }
      if (r.cls !== undefined) tr.classList.toggle(r.cls, true);
      r.cells.forEach((c, j) => fillCell(tr.cells[j] || tr.appendChild(h('td')), c));
      while (tr.cells.length > r.cells.length) tr.lastChild.remove();
      const at = tbody.rows[i];
      if (at !== tr) tbody.insertBefore(tr, at || null);
      i++;
    }
    while (tbody.rows.length > i) tbody.lastChild.remove();
    tbody._rows = next;
  }

  // Keep a list of child elements keyed like renderRows, for the cards and subaccounts.
  function renderKeyed(parent, items, keyOf, create, update) {
    const old = parent._items || new Map();
    const next = new Map();
    items.forEach((it, i) => {
      const key = keyOf(it);
      const node = old.get(key) || create(it);
      next.set(key, node);
      // Insert before updating: a canvas only has a size once it is in the document.
      if (parent.children[i] !== node) parent.insertBefore(node, parent.children[i] || null);
      update(node, it);
    });
    for (const [key, node] of old) if (!next.has(key)) node.remove();
    parent._items = next;
  }

  // ---------------------------------------------------------------- charts

  // Chart colours come from CSS custom properties (light and dark themes), read once per theme.
  const cssCache = new Map();
  function css(name) {
    if (!cssCache.has(name)) cssCache.set(name, getComputedStyle(document.documentElement).getPropertyValue(name).trim());
    return cssCache.get(name);
  }

  // A "nice" tick step (1, 2, 5 × 10^k) for about `count` intervals up to max.
  function niceStep(max, count) {
    const raw = max / count;
    const mag = Math.pow(10, Math.floor(Math.log10(raw)));
    const f = raw / mag;
    return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
  }

  const PAD = { L: 46, R: 8, T: 6, B: 18 }; // plot area inside the canvas, CSS pixels

  const fmtRate = (v) => (v >= 10 ? String(Math.round(v)) : String(Math.round(v * 100) / 100));
  const fmtMsAxis = (v) => (v === 0 ? '0' : v >= 1000 ? `${Math.round(v / 100) / 10} s` : `${Math.round(v)} ms`);
  const fmtLatency = (v) => (v >= 1000 ? `${(v / 1000).toFixed(v >= 10000 ? 1 : 2)} s` : `${ms(v)} ms`);

  // spec: {t0, stepMs, n, series: [{label, values, color, kind: 'area'|'line'|'bars', dash}],
  //        fmt (axis labels), fmtValue (hover box), floor (y range when all is zero), idle (text then)}
  function drawChart(canvas, spec) {
    const w = canvas.clientWidth;
    const ht = canvas.clientHeight;
    if (!w || !ht) return;
    const dpr = window.devicePixelRatio || 1;
    if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(ht * dpr)) {
      canvas.width = Math.round(w * dpr);
      canvas.height = Math.round(ht * dpr);
    }
    const ctx = canvas.getContext('2d');
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, ht);

    const font = css('--chart-font') || '10px sans-serif';
    const textColor = css('--chart-text');
    const gridColor = css('--chart-grid');
    const { L, R, T, B } = PAD;
    const pw = w - L - R;
    const ph = ht - T - B;
    const { t0, stepMs, n } = spec;
    const span = n * stepMs;
    const xAt = (i) => L + ((i + 0.5) * stepMs / span) * pw;

    let max = 0;
    for (const s of spec.series) for (const v of s.values) if (v != null && v > max) max = v;
    const any = max > 0;
    if (!any) max = spec.floor;
    const step = niceStep(max, 3);
    const yMax = Math.ceil(max / step - 1e-9) * step;
    const yAt = (v) => T + ph - (v / yMax) * ph;

    ctx.font = font;
    ctx.lineWidth = 1;
    ctx.strokeStyle = gridColor;
    ctx.fillStyle = textColor;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (let v = 0; v <= yMax + step / 2; v += step) {
      const y = Math.round(yAt(v)) + 0.5;
      ctx.beginPath();
      ctx.moveTo(L, y);
      ctx.lineTo(L + pw, y);
      ctx.stroke();
      ctx.fillText(spec.fmt(v), L - 6, y);
    }
    // Time labels on whole 5-minute marks, local clock.
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    const mark = 5 * 60000;
    for (let t = Math.ceil(t0 / mark) * mark; t <= t0 + span; t += mark) {
      const x = L + ((t - t0) / span) * pw;
      if (x < L + 14 || x > L + pw - 14) continue;
      ctx.beginPath();
      ctx.moveTo(Math.round(x) + 0.5, T + ph);
      ctx.lineTo(Math.round(x) + 0.5, T + ph + 3);
      ctx.stroke();
      const d = new Date(t);
      ctx.fillText(`${pad2(d.getHours())}:${pad2(d.getMinutes())}`, x, T + ph + 5);
    }

    const barW = Math.max(1, (pw / n) * 0.7);
    for (const s of spec.series) {
      ctx.strokeStyle = s.color;
      ctx.fillStyle = s.color;
      if (s.kind === 'bars') {
        s.values.forEach((v, i) => {
          if (v > 0) ctx.fillRect(xAt(i) - barW / 2, yAt(v), barW, T + ph - yAt(v));
        });
        continue;
      }
      ctx.lineWidth = 1.6;
      ctx.lineJoin = 'round';
      ctx.setLineDash(s.dash ? [4, 3] : []);
      // Split at nulls: a step without requests has no percentile, and the line must show
      // the gap rather than invent a value.
      const runs = [];
      let run = null;
      s.values.forEach((v, i) => {
        if (v == null) run = null;
        else {
          if (!run) runs.push((run = []));
          run.push([xAt(i), yAt(v)]);
        }
      });
      for (const r of runs) {
        if (r.length === 1) {
          ctx.beginPath();
          ctx.arc(r[0][0], r[0][1], 2, 0, 2 * Math.PI);
          ctx.fill();
          continue;
        }
        ctx.beginPath();
        r.forEach(([x, y], k) => (k ? ctx.lineTo(x, y) : ctx.moveTo(x, y)));
        ctx.stroke();
        if (s.kind === 'area') {
          ctx.lineTo(r[r.length - 1][0], T + ph);
          ctx.lineTo(r[0][0], T + ph);
          ctx.closePath();
          ctx.globalAlpha = 0.14;
          ctx.fill();
          ctx.globalAlpha = 1;
        }
      }
      ctx.setLineDash([]);
    }

    if (!any) {
      const tw = ctx.measureText(spec.idle).width + 16;
      ctx.fillStyle = css('--chart-tip');
      ctx.fillRect(L + (pw - tw) / 2, T + ph / 2 - 9, tw, 18); // keep the gridline from crossing the text
      ctx.fillStyle = textColor;
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      ctx.fillText(spec.idle, L + pw / 2, T + ph / 2);
    }
    if (canvas._hover != null && canvas._hover < n) drawHover(ctx, spec, canvas._hover, xAt(canvas._hover), L, T, pw, ph);
    canvas.dataset.points = String(spec.series[0].values.filter((v) => v != null).length);
  }

  // Crosshair and a small box with the values of the hovered step, drawn on the canvas itself.
  function drawHover(ctx, spec, i, x, L, T, pw, ph) {
    ctx.strokeStyle = css('--chart-text');
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(Math.round(x) + 0.5, T);
    ctx.lineTo(Math.round(x) + 0.5, T + ph);
    ctx.stroke();
    const lines = [[null, clock(spec.t0 + i * spec.stepMs)]];
    for (const s of spec.series) {
      const v = s.values[i];
      lines.push([s.color, `${s.label} ${v == null ? '—' : spec.fmtValue(v)}`]);
    }
    ctx.textAlign = 'left';
    ctx.textBaseline = 'top';
    const lh = 13;
    const bw = Math.max(...lines.map(([, t]) => ctx.measureText(t).width)) + 22;
    const bh = lines.length * lh + 6;
    const bx = x + 8 + bw > L + pw ? x - 8 - bw : x + 8;
    ctx.fillStyle = css('--chart-tip');
    ctx.strokeStyle = css('--chart-grid');
    ctx.fillRect(bx, T + 2, bw, bh);
    ctx.strokeRect(bx + 0.5, T + 2.5, bw - 1, bh - 1);
    lines.forEach(([color, t], k) => {
      const y = T + 5 + k * lh;
      if (color) {
        ctx.fillStyle = color;
        ctx.fillRect(bx + 6, y + 3, 8, 6);
      }
      ctx.fillStyle = css('--chart-text-strong');
      ctx.fillText(t, bx + (color ? 18 : 6), y);
    });
  }

  // ---------------------------------------------------------------- sections

  let last = null; // last stats drawn, to redraw charts on resize or theme change

  function renderHeader(d) {
    const b = d.build || {};
    setText('#version', b.version ? `v${b.version}` : '');
    setText('#uptime', duration(b.uptime_s));
    setText('#listener', b.listener || '—');
    setText('#config-loaded', b.config_loaded_ms ? when(b.config_loaded_ms) : '—');
    $('#config-loaded').title = b.config_loaded_ms ? ago(b.config_loaded_ms, d.now_ms) : '';
    setText('#reloads', String(b.reloads ?? '—'));
    setText('#in-flight', String(d.traffic?.in_flight ?? '—'));
    setText('#open-streams', String(d.traffic?.open_streams ?? '—'));
    setText('#updated', `updated ${clock(d.now_ms)}`);
  }

  function renderModels(d) {
    const models = d.models || [];
    const off = d.build && d.build.metrics_enabled === false;
    show('#metrics-off', off);
    const w = d.window;
    setText('#window-info', w ? `last ${duration(w.points * w.step_s)} · ${w.step_s} s steps` : '');
    renderRows($('#models'), models.map((m) => {
      const lm = m.last_minute || {};
      return {
        key: m.model,
        attrs: { 'data-model': m.model },
        cells: [
          { col: 'model', text: m.model, cls: 'mono' },
          { col: 'requests', num: m.requests, cls: 'num' },
          { col: 'errors', num: m.errors, cls: m.errors ? 'num bad' : 'num' },
          { col: 'rps', num: rate(lm.rps), cls: 'num' },
          { col: 'p50', num: ms(lm.p50_ms), cls: 'num' },
          { col: 'p95', num: ms(lm.p95_ms), cls: 'num' },
          { col: 'p99', num: ms(lm.p99_ms), cls: 'num' },
          { col: 'ttfb', num: ms(lm.ttfb_p50_ms), cls: 'num' },
        ],
      };
    }), off ? 'metrics are disabled' : 'no traffic yet');

    const charts = $('#charts');
    charts.hidden = off || !w || !models.length;
    renderKeyed(charts, models, (m) => m.model, createCard, (card, m) => updateCard(card, m, d));
  }

  function legend(items) {
    const l = h('div', 'legend');
    for (const [cls, label] of items) {
      const i = h('span', 'key');
      i.append(h('span', `sw ${cls}`), label);
      l.append(i);
    }
    return l;
  }

  function createCard(m) {
    const card = h('article', 'card');
    card.dataset.model = m.model;
    const head = h('header', 'card-head');
    head.append(h('h3', 'mono', m.model), h('span', 'card-stats muted'));
    card.append(head);
    const blocks = [
      ['rps', 'Requests / s', [['sw-req', 'requests'], ['sw-err', 'errors']]],
      ['latency', 'Latency', [['sw-p50', 'p50'], ['sw-p95', 'p95'], ['sw-p99', 'p99'], ['sw-ttfb', 'TTFB p50']]],
    ];
    for (const [kind, title, keys] of blocks) {
      const block = h('div', 'chart');
      const top = h('div', 'chart-head');
      top.append(h('span', 'chart-title', title), legend(keys));
      const c = h('canvas');
      c.dataset.chart = kind;
      c.dataset.model = m.model;
      c.setAttribute('role', 'img');
      c.setAttribute('aria-label', `${title} of ${m.model}, last 15 minutes`);
      block.append(top, c);
      card.append(block);
    }
    // Hovering one chart shows the same step on both charts of the card.
    const canvases = card.querySelectorAll('canvas');
    for (const c of canvases) {
      c.addEventListener('mousemove', (ev) => {
        const spec = c._spec;
        if (!spec) return;
        const r = c.getBoundingClientRect();
        const pw = r.width - PAD.L - PAD.R;
        const i = Math.floor(((ev.clientX - r.left - PAD.L) / pw) * spec.n);
        const idx = i >= 0 && i < spec.n ? i : null;
        for (const o of canvases) {
          if (o._hover !== idx) {
            o._hover = idx;
            if (o._spec) drawChart(o, o._spec);
          }
        }
      });
      c.addEventListener('mouseleave', () => {
        for (const o of canvases) {
          o._hover = null;
          if (o._spec) drawChart(o, o._spec);
        }
      });
    }
    return card;
  }

  function updateCard(card, m, d) {
    const lm = m.last_minute || {};
    const parts = [`${rate(lm.rps) ?? '0'} rps`];
    if (lm.p95_ms != null) parts.push(`p95 ${fmtLatency(lm.p95_ms)}`);
    parts.push(`${m.errors || 0} errors`);
    const stats = card.querySelector('.card-stats');
    const text = parts.join(' · ');
    if (stats.textContent !== text) stats.textContent = text;
    card.classList.toggle('has-errors', (lm.errors || 0) > 0);

    const w = d.window;
    if (!w) return;
    const s = m.series || {};
    const stepMs = w.step_s * 1000;
    const n = w.points;
    // The last step is still filling: divide its count by the time elapsed in it, not by the
    // full step, or every chart would dip at its right edge.
    const lastStart = w.t0_ms + (n - 1) * stepMs;
    const partial = Math.min(w.step_s, Math.max(1, (d.now_ms - lastStart) / 1000));
    const perSec = (arr) => (arr || []).slice(0, n).map((v, i) => (v == null ? null : v / (i === n - 1 ? partial : w.step_s)));
    const base = { t0: w.t0_ms, stepMs, n };
    const specs = {
      rps: {
        ...base, floor: 1, fmt: fmtRate, idle: 'no requests in this window', fmtValue: (v) => `${fmtRate(v)}/s`,
        series: [
          { label: 'requests', values: perSec(s.requests), color: css('--c-req'), kind: 'area' },
          { label: 'errors', values: perSec(s.errors), color: css('--c-err'), kind: 'bars' },
        ],
      },
      latency: {
        ...base, floor: 10, fmt: fmtMsAxis, idle: 'no latency to show', fmtValue: fmtLatency,
        series: [
          { label: 'p50', values: (s.p50_ms || []).slice(0, n), color: css('--c-p50'), kind: 'line' },
          { label: 'p95', values: (s.p95_ms || []).slice(0, n), color: css('--c-p95'), kind: 'line' },
          { label: 'p99', values: (s.p99_ms || []).slice(0, n), color: css('--c-p99'), kind: 'line' },
          { label: 'TTFB p50', values: (s.ttfb_p50_ms || []).slice(0, n), color: css('--c-ttfb'), kind: 'line', dash: true },
        ],
      },
    };
    for (const c of card.querySelectorAll('canvas')) {
      c._spec = specs[c.dataset.chart];
      drawChart(c, c._spec);
    }
  }

  function tokenText(t) {
    if (!t) return ['none', 'not fetched yet'];
    if (t.state === 'valid') return ['ok', t.expires_in_s == null ? 'valid' : `valid, ${duration(t.expires_in_s)} left`];
    if (t.state === 'failing') return ['bad', `failing: ${t.last_error || 'unknown error'}`];
    if (t.state === 'none') return ['none', 'not fetched yet'];
    return ['none', String(t.state)];
  }

  function stateText(dep) {
    if (dep.state === 'cooling') return `cooling ${Math.max(1, Math.round(dep.cooling_s || 0))} s`;
    if (dep.state === 'half_open') return 'half-open';
    return String(dep.state || 'unknown');
  }

  const OUTCOMES = [['answered', 'answered', 'ok'], ['rate_limited', 'rate-limited', 'warn'], ['failed', 'failed', 'bad'], ['no_verdict', 'no verdict', 'none']];

  function errorList(errors, nowMs) {
    const ul = h('ul', 'errors');
    for (const e of errors) {
      const li = h('li');
      li.append(
        h('span', `code ${statusClass(e.status)}`, e.status ? String(e.status) : '—'),
        h('span', 'muted', ` ${String(e.outcome || '').replace(/_/g, '-')} · ${ago(e.time_ms, nowMs)} `),
        h('span', 'msg', e.message || ''),
      );
      li.title = e.message || '';
      ul.append(li);
    }
    return [ul];
  }

  function renderDeployments(d) {
    const subs = d.subaccounts || [];
    renderKeyed($('#subaccounts'), subs, (s) => s.name, () => {
      const li = h('li', 'sub');
      li.append(h('span', 'sub-name mono'), h('span', 'badge'), h('span', 'muted small'));
      return li;
    }, (li, s) => {
      const [kind, text] = tokenText(s.token);
      const [name, badge, count] = li.children;
      name.textContent = s.name;
      badge.className = `badge ${kind}`;
      badge.textContent = `token ${text}`;
      badge.title = badge.textContent;
      const n = (s.deployments || []).length;
      count.textContent = `${n} deployment${n === 1 ? '' : 's'}`;
    });

    const rows = [];
    for (const s of subs) {
      for (const dep of s.deployments || []) {
        const errors = dep.recent_errors || [];
        const oc = dep.outcomes || {};
        const kind = dep.state === 'healthy' ? 'ok' : dep.state === 'cooling' ? 'warn' : 'info';
        const st = stateText(dep);
        rows.push({
          key: `${s.name}\u0000${dep.id}`,
          attrs: { 'data-subaccount': s.name, 'data-deployment': dep.id, 'data-state': dep.state, title: `${s.name} / ${dep.id}` },
          cells: [
            { col: 'subaccount', text: s.name, cls: 'mono' },
            { col: 'deployment', text: dep.id, cls: 'mono' },
            {
              col: 'models',
              cls: 'mono small models',
              sig: (dep.models || []).join('\n'),
              nodes: () => (dep.models || []).map((m) => h('div', null, m)), // one per line, unbroken
            },
            { col: 'state', sig: st, nodes: () => [h('span', `badge ${kind}`, st)] },
            { col: 'attempts', num: dep.attempts, cls: 'num' },
            { col: 'share', text: `${((dep.share || 0) * 100).toFixed(1)} %`, cls: 'num' },
            {
              col: 'outcomes',
              sig: JSON.stringify(oc),
              cls: 'small',
              nodes: () => OUTCOMES.filter(([k]) => oc[k] || k === 'answered').map(([k, label, c]) => {
                const sp = h('span', `outcome ${oc[k] ? c : ''}`);
                sp.append(...digitGroups(String(oc[k] || 0)), ` ${label}`);
                return sp;
              }),
            },
            {
              col: 'errors',
              cls: 'small err-cell',
              sig: JSON.stringify(errors) + Math.floor(d.now_ms / 1000),
              nodes: () => (errors.length ? errorList(errors, d.now_ms) : [h('span', 'none', 'none')]),
            },
          ],
        });
      }
    }
    renderRows($('#deployments'), rows, 'no deployments');
  }

  const TOKEN_COLS = [['requests', 'requests'], ['input', 'input'], ['output', 'output'], ['cache_read', 'cache-read'], ['cache_write', 'cache-write']];

  function renderTokens(d) {
    const b = d.build || {};
    setText('#ledger-info', b.ledger === false
      ? 'usage ledger off: counted since the proxy started'
      : 'rebuilt from the usage ledger at start');
    renderRows($('#tokens'), (d.tokens || []).map((t) => {
      const cells = [
        { col: 'key', text: t.key, cls: 'mono' },
        { col: 'model', text: t.model, cls: 'mono' },
      ];
      for (const period of ['today', 'month']) {
        const p = t[period] || {};
        TOKEN_COLS.forEach(([field, col], i) => {
          cells.push({ col: `${period}-${col}`, num: p[field], cls: i === 0 ? 'num span-start' : 'num' });
        });
      }
      return { key: `${t.key}\u0000${t.model}`, attrs: { 'data-key': t.key, 'data-model': t.model }, cells };
    }), 'no token usage yet');

    const LIMITS = ['requests_per_minute', 'tokens_per_minute', 'tokens_per_day', 'tokens_per_month'];
    renderRows($('#quotas'), (d.quotas || []).map((q) => {
      const cells = [{ col: 'key', text: q.key, cls: 'mono' }];
      for (const name of LIMITS) {
        const limit = q.limits?.[name];
        const used = q.used?.[name] ?? 0;
        if (limit == null) {
          cells.push({ col: name, text: '—', cls: 'none', title: `no limit (used: ${used})` });
          continue;
        }
        const peers = q.used_by_peers?.[name];
        cells.push({
          col: name,
          sig: `${used}/${limit}/${peers}`,
          cls: 'quota',
          title: peers == null ? undefined : `all instances; ${peers} of it through the others`,
          nodes: () => {
            const line = h('div', 'quota-line');
            const pct = limit > 0 ? Math.round((used / limit) * 100) : 100;
            const txt = h('span', 'quota-text');
            txt.append(...digitGroups(String(used)), ' / ', ...digitGroups(String(limit)));
            line.append(txt, h('span', `quota-pct ${pct >= 90 ? 'bad' : pct >= 70 ? 'warn' : 'muted'}`, `${pct} %`));
            const meter = document.createElement('meter');
            meter.min = 0;
            meter.max = Math.max(limit, 1);
            meter.value = Math.min(used, meter.max);
            meter.low = meter.max * 0.7;
            meter.high = meter.max * 0.9;
            meter.optimum = 0;
            meter.textContent = `${pct} %`;
            return [line, meter];
          },
        });
      }
      return { key: q.key, attrs: { 'data-key': q.key }, cells };
    }), 'no quotas configured');
  }

  function statusClass(s) {
    if (!s) return 's-none';
    if (s < 300) return 's-2xx';
    if (s < 400) return 's-3xx';
    if (s < 500) return 's-4xx';
    return 's-5xx';
  }

  function renderRecent(d) {
    renderRows($('#recent'), (d.recent || []).map((r, i) => {
      const model = r.client_model && r.client_model !== r.model ? `${r.client_model} → ${r.model}` : r.model;
      const dep = r.deployment ? (r.subaccount ? `${r.subaccount} / ${r.deployment}` : r.deployment) : '—';
      const tin = r.input_tokens;
      const tout = r.output_tokens;
      return {
        key: r.request_id ? `${r.request_id}\u0000${r.time_ms}` : `${r.time_ms}\u0000${i}`,
        cls: 'request',
        attrs: { 'data-status': r.status ?? '' },
        cells: [
          { col: 'time', text: clock(r.time_ms), cls: 'mono', title: `${when(r.time_ms)} · ${r.request_id || ''}` },
          { col: 'key', text: r.key, cls: 'mono' },
          { col: 'model', text: model, cls: 'mono', title: r.dialect ? `dialect ${r.dialect}` : '' },
          { col: 'deployment', text: dep, cls: 'mono small' },
          {
            col: 'status',
            sig: `${r.status}/${r.attempts}`,
            cls: 'num',
            nodes: () => {
              const n = [h('span', `code ${statusClass(r.status)}`, r.status ? String(r.status) : '—')];
              if (r.attempts > 1) n.unshift(h('span', 'attempts', `×${r.attempts} `));
              return n;
            },
            title: r.attempts > 1 ? `${r.attempts} upstream attempts` : '',
          },
          { col: 'latency', num: ms(r.latency_ms), cls: 'num' },
          { col: 'ttfb', num: ms(r.ttfb_ms), cls: 'num' },
          {
            col: 'tokens',
            sig: `${tin}/${tout}`,
            cls: 'num',
            nodes: () => [
              ...(tin == null ? [h('span', 'none', '—')] : digitGroups(String(tin))),
              h('span', 'muted', ' / '),
              ...(tout == null ? [h('span', 'none', '—')] : digitGroups(String(tout))),
            ],
          },
          { col: 'stream', sig: String(!!r.stream), nodes: () => (r.stream ? [h('span', 'tag', 'stream')] : []) },
        ],
      };
    }), 'no requests yet');
  }

  function renderBuild(d) {
    const b = d.build || {};
    setText('#b-version', b.version || '—');
    setText('#b-started', b.started_ms ? when(b.started_ms) : '—');
    setText('#b-uptime', duration(b.uptime_s));
    setText('#b-metrics', b.metrics_enabled ? 'enabled' : 'disabled');
    setText('#b-ledger', b.ledger ? 'on' : 'off');
    renderRows($('#plugins'), (b.plugins || []).map((p) => ({
      key: p.name,
      attrs: { 'data-plugin': p.name },
      cells: [
        { col: 'name', text: p.name, cls: 'mono' },
        { col: 'version', text: p.version, cls: 'mono' },
        { col: 'abi', text: p.abi, cls: 'mono' },
        { col: 'interfaces', text: (p.interfaces || []).join(', '), cls: 'small' },
        { col: 'status', sig: p.status, nodes: () => [h('span', `badge ${p.status === 'loaded' ? 'ok' : 'bad'}`, p.status || '—')] },
        { col: 'file', text: p.file, cls: 'mono small muted' },
      ],
    })), 'no plugins loaded');
  }

  function render(d) {
    renderHeader(d);
    renderModels(d);
    renderDeployments(d);
    renderTokens(d);
    renderRecent(d);
    renderBuild(d);
  }

  // ---------------------------------------------------------------- polling and auth

  let timer = 0;
  let inFlight = false;
  let lastOkAt = 0;
  let polls = 0;

  function storedKey() {
    try {
      return sessionStorage.getItem(KEY_NAME);
    } catch {
      return null; // storage disabled: the form still works for this page
    }
  }

  function storeKey(k) {
    try {
      if (k == null) sessionStorage.removeItem(KEY_NAME);
      else sessionStorage.setItem(KEY_NAME, k);
    } catch {
      /* see storedKey */
    }
  }

  let memoryKey = null; // used when sessionStorage refuses

  function setStatus(kind, text) {
    const s = $('#status');
    s.dataset.kind = kind;
    if (s.textContent !== text) s.textContent = text;
  }

  function schedule(delay) {
    clearTimeout(timer);
    timer = setTimeout(poll, delay);
  }

  function showLogin(message) {
    clearTimeout(timer);
    show('#data', false);
    show('#notice', false);
    show('#login', true);
    setText('#login-msg', message);
    setStatus('error', 'error: admin key required');
    $('#admin-key').focus();
  }

  async function errorMessage(res) {
    try {
      const j = await res.json();
      if (j && j.error && j.error.message) return String(j.error.message);
    } catch {
      /* not JSON */
    }
    return `HTTP ${res.status}`;
  }

  // One request at a time: the next poll is scheduled only when this one has finished.
  async function poll() {
    if (inFlight) return;
    inFlight = true;
    const key = storedKey() ?? memoryKey;
    const headers = { Accept: 'application/json' };
    if (key) headers.Authorization = `Bearer ${key}`;
    const ctl = new AbortController();
    const kill = setTimeout(() => ctl.abort(), TIMEOUT_MS);
    let next = POLL_MS;
    try {
      const res = await fetch(STATS_URL, { cache: 'no-store', headers, signal: ctl.signal });
      if (res.status === 401) {
        if (key) {
          storeKey(null);
          memoryKey = null;
          showLogin('That key was not accepted. Enter an admin key.');
        } else {
          showLogin('This proxy only shows its statistics to holders of an admin key.');
        }
        next = 0; // wait for the form
        return;
      }
      if (res.status === 403) {
        const msg = await errorMessage(res);
        show('#login', false);
        show('#data', false);
        setText('#notice', msg);
        show('#notice', true);
        setStatus('error', `error: ${msg}`);
        return;
      }
      if (!res.ok) {
        setStatus('error', `error: ${await errorMessage(res)}`);
        return;
      }
      const data = await res.json();
      show('#login', false);
      show('#notice', false);
      show('#data', true);
      last = data;
      render(data);
      polls++;
      lastOkAt = Date.now();
      body.dataset.polls = String(polls);
      body.dataset.lastUpdate = String(data.now_ms);
      body.classList.remove('stale');
      setStatus('live', 'live');
    } catch (e) {
      const msg = e.name === 'AbortError' ? 'timed out' : e instanceof TypeError ? 'proxy unreachable' : e.message;
      setStatus('error', `error: ${msg}`);
      if (!(e instanceof TypeError) && e.name !== 'AbortError') console.error(e); // a bug in this page
    } finally {
      clearTimeout(kill);
      inFlight = false;
      if (next) schedule(next);
    }
  }

  $('#login').addEventListener('submit', (ev) => {
    ev.preventDefault(); // never a real submit: form-action 'none', and no key in a URL
    const input = $('#admin-key');
    const k = input.value.trim();
    if (!k) return;
    storeKey(k);
    memoryKey = k;
    input.value = '';
    show('#login', false);
    setStatus('wait', 'connecting');
    schedule(0);
  });

  // "stale" when no answer came for a few polls (a hung or slow proxy): dim the data and say
  // how old it is.
  setInterval(() => {
    if (!lastOkAt) return;
    const age = Date.now() - lastOkAt;
    const old = age > STALE_MS;
    body.classList.toggle('stale', old);
    if (!old) return;
    if ($('#status').dataset.kind === 'live') setStatus('stale', 'stale');
    if (last) setText('#updated', `updated ${clock(last.now_ms)} · ${duration(age / 1000)} ago`);
  }, 1000);

  // Canvases are sized in device pixels, so redraw them when the layout or theme changes.
  let redrawQueued = false;
  function redraw() {
    if (redrawQueued || !last) return;
    redrawQueued = true;
    requestAnimationFrame(() => {
      redrawQueued = false;
      renderModels(last);
    });
  }
  window.addEventListener('resize', redraw);
  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => {
    cssCache.clear();
    redraw();
  });

  poll();
})();

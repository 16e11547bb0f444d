/**
 * The report's browser code: plain DOM, no framework, no network. Every string from the data
 * reaches the page through textContent / attributes set by the DOM API, never innerHTML, so a
 * test named `<img src=x onerror=alert(1)>` is text. Tables are virtualised: only the rows in
 * view exist in the DOM.
 *
 * The tests are columns (encode.ts): typed arrays viewed in place in the decompressed parts, ids
 * as one string with offsets (an id is sliced only when a row shows it), messages and history
 * durations decoded only when a view needs them. No per-test object or string is built for the
 * Tests list, its sort (by the encoder's id order) or its filters (search runs over the big string).
 */
export const CLIENT_JS = String.raw`
(function () {
  'use strict';
  var D = JSON.parse(document.getElementById('seams-data').textContent);
  var N = D.tests.count;
  var T = { count: N };
  var STATUSES = ['', 'passed', 'failed', 'error', 'skipped', 'not-run', 'xfailed', 'xpassed'];
  var RANK = { failed: 0, error: 0, 'not-run': 1, xpassed: 2, skipped: 3, xfailed: 3, passed: 4, '': 5 };
  var HIST = { P: 'passed', F: 'failed', E: 'error', S: 'skipped', N: 'not-run', X: 'xfailed', U: 'xpassed', '.': 'absent', '-': 'none' };

  // ---------------------------------------------------------------- data parts
  var PARTS = {}, waiting = {};
  /** A --split chunk file calls this with its part. */
  window.seamsPart = function (name, b64) { var r = waiting[name]; if (r) { delete waiting[name]; r(b64); } };
  function partText(p) {
    if (!p.file) {
      var e = document.getElementById('seams-part-' + p.name);
      var t = e ? e.textContent : '';
      if (e) e.remove(); // the base64 text is not needed once decoded
      return Promise.resolve(t);
    }
    return new Promise(function (resolve, reject) {
      waiting[p.name] = resolve;
      var s = document.createElement('script');
      s.src = p.file;
      s.onerror = function () { reject(new Error('cannot load ' + p.file + ' (keep it beside index.html)')); };
      s.onload = function () { s.remove(); };
      document.head.appendChild(s);
    });
  }
  function fromBase64(s) {
    if (Uint8Array.fromBase64) return Uint8Array.fromBase64(s);
    var bin = atob(s), out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }
  function inflate(bytes) {
    return new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate-raw'))).arrayBuffer();
  }
  function unpack(buf, keepBytes) {
    var len = new DataView(buf).getUint32(0, true);
    var header = JSON.parse(new TextDecoder().decode(new Uint8Array(buf, 4, len)));
    var base = 4 + len, out = { header: header };
    header.sections.forEach(function (s) {
      var o = base + s.o;
      out[s.name] = s.t === 'u8' ? new Uint8Array(buf, o, s.n) : s.t === 'u16' ? new Uint16Array(buf, o, s.n) : s.t === 'u32' ? new Uint32Array(buf, o, s.n) : keepBytes ? new Uint8Array(buf, o, s.n) : new TextDecoder().decode(new Uint8Array(buf, o, s.n));
    });
    return out;
  }
  function offsets(counts) {
    var out = new Uint32Array(counts.length + 1);
    for (var i = 0; i < counts.length; i++) out[i + 1] = out[i] + counts[i];
    return out;
  }
  var ADOPT = {
    core: function (u) {
      T.strings = u.header.strings;
      ['repo', 'file', 'line', 'tier', 'runner', 'status', 'duration', 'markers', 'history', 'flaky', 'stale', 'known'].forEach(function (k) { T[k] = u[k]; });
    },
    // copies (slice) of the small columns, so the decompressed buffer, whose text is now a string, is freed
    ids: function (u) { T.ids = u.ids; T.idStart = offsets(u.idLen); T.idPre = u.idPre.slice(); T.byId = u.byId ? u.byId.slice() : null; },
    // messages stay UTF-8 bytes (one is decoded when shown): no string of every message
    msg: function (u) {
      T.msgBytes = u.messages; T.msgStart = offsets(u.messageBytes); T.message = u.message;
      T.hmStart = offsets(u.historyMessageCount); T.hmRun = u.historyMessageRun; T.hmText = u.historyMessage;
    },
    hist: function (u) { T.histStart = offsets(u.historyCount); T.histDur = u.historyDurations; },
  };
  function part(name) {
    if (!PARTS[name]) {
      var p = D.tests.parts.filter(function (x) { return x.name === name; })[0];
      PARTS[name] = partText(p).then(function (t) { return inflate(fromBase64(t)); }).then(function (buf) { ADOPT[name](unpack(buf, name === 'msg')); return true; });
    }
    return PARTS[name];
  }
  function parts(names) { return Promise.all(names.map(part)); }

  function S(k) { return T.strings[k]; }
  /** Per repository, the tiers its inventory has tests of (model.ts inventoryTiersOf). */
  var INV_TIERS = D.repos.map(function (r) { var o = {}; r.tiers.forEach(function (t) { if (t.tests > 0) o[t.tier] = true; }); return o; });
  /**
   * A row that counts in the figures (model.ts countedRow): a test of the inventory, or a result of
   * a tier the inventory has no test of (a history ingested without the repository counts whole).
   */
  function counted(i) { return T.known[i] === 1 || !INV_TIERS[T.repo[i]] || !INV_TIERS[T.repo[i]][S(T.tier[i])]; }
  function idOf(i) { var s = T.ids.slice(T.idStart[i], T.idStart[i + 1]); return T.idPre[i] ? D.files[T.file[i]] + s : s; }
  var UTF8 = new TextDecoder();
  function msgOf(k) { return k ? UTF8.decode(T.msgBytes.subarray(T.msgStart[k], T.msgStart[k + 1])) : ''; }
  function repoName(i) { return D.repos[T.repo[i]] ? D.repos[T.repo[i]].name : ''; }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function clear(n) { while (n.firstChild) n.removeChild(n.firstChild); return n; }
  function fmtMs(ms) {
    if (!ms) return '';
    if (ms < 1000) return Math.round(ms) + 'ms';
    var s = ms / 1000;
    if (s < 60) return (s < 10 ? s.toFixed(1) : Math.round(s)) + 's';
    var m = Math.floor(s / 60);
    return m + 'm ' + Math.round(s - m * 60) + 's';
  }
  function statusOf(i) { return STATUSES[T.status[i]] || ''; }
  /** Flaky by seams flaky's analysis (the same code, over the report's runs): a badge beside the status. */
  function isFlaky(i) { return T.flaky[i] !== 0; }
  function flakyBadge(i) { var b = el('span', 'badge st-flaky flaky-badge', 'flaky'); b.title = 'seams flaky: ' + S(T.flaky[i]); return b; }
  function runDate(iso) { return iso ? iso.replace('T', ' ').slice(0, 16) : ''; }
  /** What the status of a row does not say by itself: an older run's result, an id the scan does not know. */
  function testNotes(i) {
    var out = [];
    if (T.stale[i]) out.push('result from the run of ' + runDate(S(T.stale[i])) + ', not in the latest run');
    if (!T.known[i]) out.push('not in the current scan');
    return out.join(' · ');
  }
  function badge(status) { return el('span', 'badge st-' + (status || 'none'), status || 'never run'); }
  /** Failures first; a result from an older run (stale) after every current one: 12 classes, 0..11. */
  var RANK_OF_CODE = STATUSES.map(function (s) { return RANK[s] !== undefined ? RANK[s] : 5; });
  function rankOf(i) { var k = RANK_OF_CODE[T.status[i]]; if (k === 4 && T.flaky[i] !== 0) k = 2; return T.stale[i] ? 6 + k : k; }

  // ---------------------------------------------------------------- virtual table
  var ROW_H = 30;
  function VTable(host, columns, rows, onOpen) {
    var self = this;
    this.rows = rows;
    this.columns = columns;
    var head = el('div', 'vt-head');
    head.style.gridTemplateColumns = columns.map(function (c) { return c.w; }).join(' ');
    columns.forEach(function (c) { head.appendChild(el('div', 'vt-h', c.title)); });
    var count = el('div', 'vt-count');
    var view = el('div', 'vt-view');
    view.setAttribute('tabindex', '0');
    var spacer = el('div', 'vt-spacer');
    view.appendChild(spacer);
    host.appendChild(count);
    host.appendChild(head);
    host.appendChild(view);
    this.view = view;
    this.spacer = spacer;
    this.count = count;
    this.pool = [];
    this.onOpen = onOpen;
    var pending = false;
    view.addEventListener('scroll', function () {
      if (pending) return;
      pending = true;
      requestAnimationFrame(function () { pending = false; self.render(); });
    });
    view.addEventListener('click', function (ev) {
      var row = ev.target.closest ? ev.target.closest('.vt-row') : null;
      if (row && row.dataset.idx) onOpen(Number(row.dataset.idx));
    });
    this.setRows(rows);
  }
  VTable.prototype.setRows = function (rows) {
    this.rows = rows;
    this.spacer.style.height = rows.length * ROW_H + 'px';
    this.count.textContent = rows.length.toLocaleString() + (rows.length === 1 ? ' row' : ' rows');
    this.view.scrollTop = 0;
    this.render();
  };
  VTable.prototype.render = function () {
    var top = this.view.scrollTop;
    var h = this.view.clientHeight || 600;
    var first = Math.max(0, Math.floor(top / ROW_H) - 5);
    var last = Math.min(this.rows.length, Math.ceil((top + h) / ROW_H) + 5);
    var need = last - first;
    while (this.pool.length < need) {
      var r = el('div', 'vt-row');
      r.style.gridTemplateColumns = this.columns.map(function (c) { return c.w; }).join(' ');
      for (var c = 0; c < this.columns.length; c++) r.appendChild(el('div', 'vt-c'));
      this.spacer.appendChild(r);
      this.pool.push(r);
    }
    for (var k = 0; k < this.pool.length; k++) {
      var row = this.pool[k];
      if (k >= need) { row.style.display = 'none'; continue; }
      var idx = this.rows[first + k];
      row.style.display = '';
      row.style.transform = 'translateY(' + (first + k) * ROW_H + 'px)';
      if (row.dataset.idx === String(idx)) continue;
      row.dataset.idx = String(idx);
      for (var ci = 0; ci < this.columns.length; ci++) {
        var cell = clear(row.children[ci]);
        this.columns[ci].cell(idx, cell);
      }
    }
  };

  function histCells(h, cell) {
    var shown = [];
    for (var j = h.length - 1; j >= 0 && shown.length < 20; j--) if (h.charAt(j) !== '-') shown.unshift(j);
    for (var k = 0; k < shown.length; k++) {
      var ch = h.charAt(shown[k]);
      var s = el('i', 'h h-' + (HIST[ch] || 'none'));
      s.title = HIST[ch] || '';
      cell.appendChild(s);
    }
  }
  var TEST_COLUMNS = [
    { title: 'Status', w: '128px', cell: function (i, c) { c.appendChild(badge(statusOf(i))); if (isFlaky(i)) c.appendChild(flakyBadge(i)); } },
    { title: 'Test', w: 'minmax(200px,1fr)', cell: function (i, c) {
      var id = idOf(i);
      c.textContent = id; c.title = id; c.className = 'vt-c name';
      var notes = testNotes(i);
      if (notes) { c.appendChild(el('span', 'muted', ' · ' + notes)); c.title += ' · ' + notes; }
    } },
    { title: 'Tier', w: '100px', cell: function (i, c) { c.textContent = S(T.tier[i]); } },
    { title: 'Repo', w: '110px', cell: function (i, c) { c.textContent = repoName(i); } },
    { title: 'Duration', w: '80px', cell: function (i, c) { c.textContent = fmtMs(T.duration[i]); c.className = 'vt-c num'; } },
    { title: 'History', w: '150px', cell: function (i, c) { histCells(S(T.history[i]), c); } },
  ];

  // ---------------------------------------------------------------- views
  var main = document.getElementById('main');
  var views = {};
  function section(name) {
    var s = document.getElementById('view-' + name);
    if (!s) { s = el('section', 'view'); s.id = 'view-' + name; main.appendChild(s); }
    return s;
  }
  function missingNotes(host) {
    if (!D.missing.length) return;
    var box = el('div', 'notice');
    box.appendChild(el('strong', null, 'Not in this report: '));
    var ul = el('ul');
    D.missing.forEach(function (m) { ul.appendChild(el('li', null, m)); });
    box.appendChild(ul);
    host.appendChild(box);
  }

  views.overview = function (host) {
    missingNotes(host);
    var dt = document.getElementById('status-donuts');
    if (dt) { var dw = el('div', 'donuts'); dw.appendChild(dt.content.cloneNode(true)); host.appendChild(dw); }
    D.latestRun.forEach(function (r) {
      var card = el('div', 'card run-card');
      card.appendChild(el('h3', null, 'Latest ' + r.tiers.join(' + ') + ' run · ' + r.repo));
      card.appendChild(el('div', 'muted', r.startedAt.replace('T', ' ').slice(0, 16) + (r.commit ? ' · ' + r.commit.slice(0, 7) : '') + (r.branch ? ' · ' + r.branch : '') + ' · ' + r.tiers.join(', ') + ' · ' + fmtMs(r.durationMs)));
      var stats = el('div', 'stats');
      ['passed', 'failed', 'error', 'not-run', 'skipped', 'xfailed', 'xpassed', 'retried'].forEach(function (k) {
        var s = el('div', 'stat st-' + k);
        s.appendChild(el('b', null, String(r.counts[k] || 0)));
        s.appendChild(el('span', null, k));
        stats.appendChild(s);
      });
      card.appendChild(stats);
      var apart = r.unmatched - (r.unmatchedCounted || 0);
      if (r.unmatchedCounted) card.appendChild(el('p', 'muted unmatched-counted', r.unmatchedCounted.toLocaleString() + ' result' + (r.unmatchedCounted === 1 ? '' : 's') + ' of this run match no test the scan found, in tiers it found none of (a history ingested without the repository\'s sources): counted like the rest.'));
      if (apart > 0) card.appendChild(el('p', 'muted unmatched', apart.toLocaleString() + ' result' + (apart === 1 ? '' : 's') + ' of this run match no test of the repository\'s inventory: not counted here (Tests lists them apart).'));
      host.appendChild(card);
    });
    (D.flaky || []).forEach(function (f) {
      var card = el('div', 'card flaky-card');
      card.appendChild(el('h3', null, 'Flaky · ' + f.repo));
      var p = el('p', null);
      p.appendChild(el('b', 'flaky-count', String(f.count)));
      p.appendChild(document.createTextNode(' flaky test' + (f.count === 1 ? '' : 's') + ' over the latest ' + f.runs + ' run' + (f.runs === 1 ? '' : 's') + ' (as seams flaky --runs ' + f.runs + ')' + (f.infraFailureRuns ? '; ' + f.infraFailureRuns + ' infrastructure-failure runs ignored' : '')));
      card.appendChild(p);
      host.appendChild(card);
    });
    var grid = el('div', 'pyramids');
    D.repos.forEach(function (repo) {
      var card = el('div', 'card pyramid');
      card.appendChild(el('h3', null, repo.name));
      card.appendChild(el('div', 'muted', repo.total.tests.toLocaleString() + ' tests in ' + repo.total.files.toLocaleString() + ' files · ' + (repo.runners.join(', ') || 'no runner found')));
      var max = Math.max.apply(null, [1].concat(repo.tiers.map(function (t) { return t.tests; })));
      var tiers = repo.tiers.slice().reverse();
      tiers.forEach(function (t) {
        var row = el('div', 'tier-row');
        row.dataset.tier = t.tier;
        var bar = el('div', 'tier-bar tier-' + t.tier);
        bar.style.width = Math.max(12, Math.sqrt(t.tests / max) * 100) + '%';
        bar.appendChild(el('span', 'tier-name', t.tier));
        bar.appendChild(el('span', 'tier-count', t.tests.toLocaleString()));
        row.appendChild(bar);
        row.title = t.tier + ': ' + t.tests + ' tests in ' + t.files + ' files' + (t.skipped ? ', ' + t.skipped + ' skipped' : '');
        card.appendChild(row);
      });
      if (!tiers.length) card.appendChild(el('p', 'muted', 'no tests found'));
      grid.appendChild(card);
    });
    host.appendChild(grid);
    if (D.gate) {
      D.gate.forEach(function (g) {
        var card = el('div', 'card');
        card.appendChild(el('h3', null, 'Gate · ' + g.repo + ' · ' + (g.passed ? 'passed' : 'FAILED')));
        var rows = g.rules.map(function (r) { return [r.status, r.name, r.metric, r.value, r.threshold, r.message]; });
        card.appendChild(simpleTable(['', 'Rule', 'Metric', 'Value', 'Threshold', 'Detail'], rows, function (c, v, j) { if (j === 0) { clear(c).appendChild(badge(v === 'pass' ? 'passed' : v === 'warn' ? 'flaky' : 'failed')).textContent = v; } }));
        host.appendChild(card);
      });
    }
  };

  function simpleTable(header, rows, decorate) {
    var t = el('table', 'simple');
    var tr = el('tr');
    header.forEach(function (h) { tr.appendChild(el('th', null, h)); });
    var thead = el('thead'); thead.appendChild(tr); t.appendChild(thead);
    var tb = el('tbody');
    rows.forEach(function (r) {
      var row = el('tr');
      r.forEach(function (v, j) { var c = el('td', null, v); if (decorate) decorate(c, v, j); row.appendChild(c); });
      tb.appendChild(row);
    });
    t.appendChild(tb);
    return t;
  }

  function openTest(i) { location.hash = '#test/' + i; }
  var PYRAMID = ['unit', 'contract', 'integration', 'functional', 'system', 'e2e', 'smoke', 'golden', 'performance'];
  function byPyramid(a, b) {
    var ia = PYRAMID.indexOf(a), ib = PYRAMID.indexOf(b);
    if (ia < 0) ia = 99; if (ib < 0) ib = 99;
    return ia - ib || (a < b ? -1 : a > b ? 1 : 0);
  }

  /**
   * Rows (a Uint32Array) of rows whose id, file or markers contain text (lower case): a
   * case-insensitive regular expression run over the ids' one string (no lower-cased copy of it),
   * a hit counted for the row it lies in.
   */
  var LOWER = null;
  function quote(t) { return t.replace(/[.*+?^$\{}()|[\]\\]/g, '\\$&'); }
  function searchRows(rows, text) {
    if (!LOWER) LOWER = { files: D.files.map(function (f) { return f.toLowerCase(); }), strings: T.strings.map(function (x) { return x.toLowerCase(); }) };
    var hit = new Uint8Array(N), i, k;
    var fileHit = LOWER.files.map(function (f) { return f.indexOf(text) >= 0; });
    var strHit = LOWER.strings.map(function (x) { return x.indexOf(text) >= 0; });
    // a match across the file path and the rest of the id: files ending with the query's head
    var span = LOWER.files.map(function (f) {
      var ks = null;
      for (var k = 1; k < text.length; k++) if (f.length >= k && f.slice(f.length - k) === text.slice(0, k)) (ks = ks || []).push(k);
      return ks;
    });
    var anySpan = span.some(function (x) { return x; });
    var big = T.ids, st = T.idStart, re = new RegExp(quote(text), 'gi'), m, lo = 0;
    while ((m = re.exec(big))) {
      var at = m.index, l = lo, h = N;
      while (l < h) { var mid = (l + h) >>> 1; if (st[mid + 1] <= at) l = mid + 1; else h = mid; }
      if (at + m[0].length <= st[l + 1]) { hit[l] = 1; lo = l + 1; re.lastIndex = st[l + 1]; }
      else { lo = l; re.lastIndex = at + 1; }
    }
    var tails = {};
    var out = new Uint32Array(rows.length), n = 0;
    for (var r = 0; r < rows.length; r++) {
      i = rows[r];
      var ok = hit[i] === 1 || fileHit[T.file[i]] || strHit[T.markers[i]];
      if (!ok && anySpan && T.idPre[i] && span[T.file[i]]) {
        var ks = span[T.file[i]];
        for (k = 0; k < ks.length && !ok; k++) {
          var tail = tails[ks[k]] || (tails[ks[k]] = new RegExp(quote(text.slice(ks[k])), 'iy'));
          tail.lastIndex = st[i];
          var tm = tail.exec(big);
          ok = !!tm && st[i] + tm[0].length <= st[i + 1];
        }
      }
      if (ok) out[n++] = i;
    }
    return out.subarray(0, n);
  }
  function testsView(host, rows, withFilters) {
    var bar = el('div', 'filters');
    var q = el('input'); q.type = 'search'; q.placeholder = 'Filter tests by id, file or marker…'; q.id = 'filter';
    var tierSel = el('select'); tierSel.id = 'tier-filter';
    var stSel = el('select'); stSel.id = 'status-filter';
    var seen = new Uint8Array(T.strings.length);
    for (var r = 0; r < rows.length; r++) seen[T.tier[rows[r]]] = 1;
    var tiers = [];
    for (var k = 0; k < seen.length; k++) if (seen[k]) tiers.push(T.strings[k]);
    [['', 'all tiers']].concat(tiers.sort().map(function (t) { return [t, t]; })).forEach(function (o) { var op = el('option', null, o[1]); op.value = o[0]; tierSel.appendChild(op); });
    [['', 'any status'], ['failed', 'failed'], ['error', 'error'], ['not-run', 'not run (missing service)'], ['flaky', 'flaky (seams flaky)'], ['skipped', 'skipped'], ['xfailed', 'xfailed (expected failure)'], ['xpassed', 'xpassed'], ['passed', 'passed'], ['none', 'never run']].forEach(function (o) { var op = el('option', null, o[1]); op.value = o[0]; stSel.appendChild(op); });
    if (withFilters) { bar.appendChild(q); bar.appendChild(tierSel); bar.appendChild(stSel); host.appendChild(bar); }
    var box = el('div', 'vt');
    host.appendChild(box);
    var table = new VTable(box, TEST_COLUMNS, rows, openTest);
    function apply() {
      var text = q.value.trim().toLowerCase();
      var tier = tierSel.value, st = stSel.value;
      var tierCode = tier ? T.strings.indexOf(tier) : -1;
      var stCode = st === 'none' ? 0 : STATUSES.indexOf(st);
      var out = new Uint32Array(rows.length), n = 0;
      for (var r = 0; r < rows.length; r++) {
        var i = rows[r];
        if (tier && T.tier[i] !== tierCode) continue;
        if (st === 'flaky') { if (T.flaky[i] === 0) continue; }
        else if (st && T.status[i] !== stCode) continue;
        out[n++] = i;
      }
      var sel = out.subarray(0, n);
      table.setRows(text ? searchRows(sel, text) : sel);
    }
    var timer = 0;
    q.addEventListener('input', function () { clearTimeout(timer); timer = setTimeout(apply, 120); });
    tierSel.addEventListener('change', apply);
    stSel.addEventListener('change', apply);
    return table;
  }

  /** Rows passing filter, by rank then id: a counting sort of the encoder's id order (no string compared). */
  function sortedRows(filter) {
    var cls = new Uint8Array(N), count = new Uint32Array(13), i, j;
    for (i = 0; i < N; i++) { if (filter && !filter(i)) { cls[i] = 12; continue; } cls[i] = rankOf(i); count[cls[i]]++; }
    var start = new Uint32Array(13), total = 0;
    for (j = 0; j < 12; j++) { start[j] = total; total += count[j]; }
    var out = new Uint32Array(total), by = T.byId;
    for (j = 0; j < N; j++) { i = by ? by[j] : j; var c = cls[i]; if (c < 12) out[start[c]++] = i; }
    return out;
  }
  views.tests = function (host) {
    host.appendChild(el('h2', null, 'All tests'));
    var known = sortedRows(counted);
    var unknown = sortedRows(function (i) { return !counted(i); });
    host.appendChild(el('p', 'muted', 'The tests of the latest scan with their latest result, failures first; results from an older run come after the current ones. Click a test for its history.'));
    if (known.length || !unknown.length) { var g1 = el('div', 'group group-inventory'); host.appendChild(g1); testsView(g1, known, true); }
    if (unknown.length) {
      var g2 = el('div', 'group group-unmatched');
      g2.appendChild(el('h3', null, 'Not in this repository\'s inventory (' + unknown.length.toLocaleString() + ')'));
      g2.appendChild(el('p', 'muted', 'Results whose id matches no test of the scan in a tier the scan found tests of (renamed, removed, or an id the runner reports differently). They never count in pass rates, trends or gates.'));
      host.appendChild(g2);
      testsView(g2, unknown, !known.length);
    }
  };
  views.run = function (host) {
    host.appendChild(el('h2', null, 'Latest run'));
    if (!D.latestRun.length) { host.appendChild(el('p', 'notice', 'No runs recorded: run seams run or seams ingest to fill the history.')); return; }
    host.appendChild(el('p', 'muted', 'The results of the latest run of each tier set (' + D.latestRun.map(function (r) { return r.tiers.join(' + ') + ' ' + runDate(r.startedAt); }).join(', ') + '), failures first.'));
    var stale = 0;
    for (var i = 0; i < N; i++) if (T.status[i] !== 0 && T.stale[i] && counted(i)) stale++;
    if (stale) host.appendChild(el('p', 'muted', stale + ' older result' + (stale === 1 ? '' : 's') + ' of tests that were not in those runs ' + (stale === 1 ? 'is' : 'are') + ' left out; All tests shows ' + (stale === 1 ? 'it' : 'them') + ' with the run date.'));
    testsView(host, sortedRows(function (i) { return T.status[i] !== 0 && !T.stale[i] && counted(i); }), true);
  };
  /** The inventory's tests as file → class/describe → test, with counts per node; children built when a node opens. */
  function buildTree() {
    var root = { name: '', kids: {}, tests: [], n: 0, failed: 0, flaky: 0 };
    // the nodes from the root to a test's parent, by repo, file and the id up to its last
    // separator: computed once per class/describe, not per test (1M tests, ~20k classes)
    var chains = new Map();
    for (var i = 0; i < N; i++) {
      if (!counted(i)) continue;
      var raw = T.ids.slice(T.idStart[i], T.idStart[i + 1]);
      var cut = Math.max(raw.lastIndexOf('::'), raw.lastIndexOf(' > '));
      var key = T.repo[i] + '\u0000' + T.file[i] + '\u0000' + T.idPre[i] + (cut > 0 ? raw.slice(0, cut) : '');
      var chain = chains.get(key);
      if (!chain) {
        var file = D.files[T.file[i]] || '';
        var rest = raw;
        if (T.idPre[i]) rest = rest.replace(/^(::| > |#)/, '');
        else if (file && rest.indexOf(file) === 0) rest = rest.slice(file.length).replace(/^(::| > |#)/, '');
        var path = [(D.repos.length > 1 ? repoName(i) + ': ' : '') + (file || '(no file)')].concat(rest.split(/::| > /));
        path.pop(); // the test's own name is the leaf
        var node = root;
        chain = [];
        for (var p = 0; p < path.length; p++) {
          var k = path[p];
          var next = node.kids[k];
          if (!next) next = node.kids[k] = { name: k, kids: {}, tests: [], n: 0, failed: 0, flaky: 0 };
          node = next;
          chain.push(node);
        }
        chains.set(key, chain);
      }
      var bad = T.status[i] === 2 || T.status[i] === 3;
      var fl = isFlaky(i);
      root.n++; if (bad) root.failed++; if (fl) root.flaky++;
      for (var c = 0; c < chain.length; c++) { var nd = chain[c]; nd.n++; if (bad) nd.failed++; if (fl) nd.flaky++; }
      (chain.length ? chain[chain.length - 1] : root).tests.push(i);
    }
    return root;
  }
  function treeNode(node) {
    var d = el('details', 'tnode');
    var sm = el('summary');
    sm.appendChild(el('span', 'tname', node.name));
    sm.appendChild(el('span', 'tcount', ' ' + node.n + ' test' + (node.n === 1 ? '' : 's')));
    if (node.failed) sm.appendChild(el('span', 'tcount tfail', ' · ' + node.failed + ' failing'));
    if (node.flaky) sm.appendChild(el('span', 'tcount tflaky', ' · ' + node.flaky + ' flaky'));
    d.appendChild(sm);
    var filled = false;
    d.addEventListener('toggle', function () {
      if (!d.open || filled) return;
      filled = true;
      Object.keys(node.kids).sort().forEach(function (k) { d.appendChild(treeNode(node.kids[k])); });
      node.tests.forEach(function (i) {
        var leaf = el('div', 'tleaf');
        leaf.appendChild(badge(statusOf(i)));
        if (isFlaky(i)) leaf.appendChild(flakyBadge(i));
        var id = idOf(i);
        var a = el('a', null, ' ' + id.split(/::| > /).pop()); a.href = '#test/' + i; a.title = id;
        leaf.appendChild(a);
        d.appendChild(leaf);
      });
    });
    return d;
  }
  views.tree = function (host) {
    host.appendChild(el('h2', null, 'Tests by file'));
    var root = buildTree();
    host.appendChild(el('p', 'muted', root.n.toLocaleString() + ' tests of the inventory by file → class/describe → test; counts per node (failing: the latest result failed or errored).'));
    // the files in batches: the first shows at once, the rest follow (20,000 files at 1M tests)
    var keys = Object.keys(root.kids).sort(), at = 0;
    (function batch() {
      var f = document.createDocumentFragment();
      for (var end = Math.min(keys.length, at + 500); at < end; at++) f.appendChild(treeNode(root.kids[keys[at]]));
      host.appendChild(f);
      if (at < keys.length) setTimeout(batch, 0);
    })();
  };
  views.failures = function (host) {
    host.appendChild(el('h2', null, 'Failures by message'));
    var groups = D.failureGroups || [];
    if (!groups.length) { host.appendChild(el('p', 'muted', 'No current failures among the repository\'s tests.')); return; }
    host.appendChild(el('p', 'muted', 'Current failures of the inventory\'s tests, grouped by message with numbers, hex, paths and quoted text replaced. Click a test for its history.'));
    groups.forEach(function (g) {
      var d = el('details', 'card fgroup');
      var sm = el('summary');
      sm.appendChild(el('b', 'fcount', String(g.count)));
      sm.appendChild(el('code', 'fcat', ' ' + g.category));
      d.appendChild(sm);
      var ul = el('ul', 'ftests');
      g.rows.forEach(function (i) { var li = el('li'); var a = el('a', null, idOf(i)); a.href = '#test/' + i; li.appendChild(a); ul.appendChild(li); });
      if (g.count > g.rows.length) ul.appendChild(el('li', 'muted', '+' + (g.count - g.rows.length) + ' more'));
      d.appendChild(ul);
      host.appendChild(d);
    });
  };
  views.gaps = function (host) {
    host.appendChild(el('h2', null, 'Workflow gaps'));
    (D.reach || []).forEach(function (r) { host.appendChild(el('p', r.saturated ? 'notice reach-saturated' : 'muted reach', (D.repos.length > 1 ? r.repo + ': ' : '') + r.line)); });
    if (!D.gaps) { host.appendChild(el('p', 'notice', 'Gap analysis not available: configure workflows and components in seams.yaml.')); return; }
    if (!D.gaps.length) { host.appendChild(el('p', 'muted', 'No workflows configured.')); return; }
    var tiers = {}; D.gaps.forEach(function (g) { Object.keys(g.tiers).forEach(function (t) { tiers[t] = 1; }); });
    var tl = Object.keys(tiers).sort(byPyramid);
    host.appendChild(simpleTable(['Severity', 'Workflow', 'Priority', 'Chain'].concat(tl).concat(['Missing components', 'Repo']), D.gaps.map(function (g) {
      return [g.severity, g.title, g.priority, g.chain.join(' → ')].concat(tl.map(function (t) { return String(g.tiers[t] || 0); })).concat([g.missing.join(', '), g.repo]);
    }), function (c, v, j) { if (j === 0) c.className = 'sev sev-' + String(v).toLowerCase(); }));
  };
  /** An id as text with a <wbr> after each '/' and '::' so long ids wrap at their separators (no innerHTML). */
  function wrapId(text) {
    var f = document.createDocumentFragment();
    var parts = String(text).split(/(\/|::)/);
    for (var p = 0; p < parts.length; p++) {
      if (!parts[p]) continue;
      f.appendChild(document.createTextNode(parts[p]));
      if (parts[p] === '/' || parts[p] === '::') f.appendChild(document.createElement('wbr'));
    }
    return f;
  }
  views.trace = function (host) {
    host.appendChild(el('h2', null, 'Traceability'));
    if (!D.trace) { host.appendChild(el('p', 'notice', 'Traceability not available: no requirement sources found.')); return; }
    var tiers = {}; D.trace.forEach(function (g) { Object.keys(g.tiers).forEach(function (t) { tiers[t] = 1; }); });
    var tl = Object.keys(tiers).sort(byPyramid);
    var bar = el('div', 'filters');
    var q = el('input'); q.type = 'search'; q.placeholder = 'Filter requirements by id, title, status, test or source…'; q.id = 'trace-filter';
    bar.appendChild(q); host.appendChild(bar);
    var count = el('div', 'muted trace-count'); host.appendChild(count);
    var t = el('table', 'simple trace');
    var tr = el('tr');
    ['Requirement', 'Title', 'Status'].concat(tl).concat(['Tests', 'Source', 'Repo']).forEach(function (h) { tr.appendChild(el('th', null, h)); });
    var thead = el('thead'); thead.appendChild(tr); t.appendChild(thead);
    var tb = el('tbody'); t.appendChild(tb); host.appendChild(t);
    var rows = D.trace.map(function (r) {
      var row = el('tr');
      var c0 = el('td', 'tid'); c0.appendChild(wrapId(r.id)); row.appendChild(c0);
      row.appendChild(el('td', null, r.title));
      row.appendChild(el('td', 'tr-' + r.status, r.status));
      tl.forEach(function (x) { row.appendChild(el('td', 'num', String(r.tiers[x] || 0))); });
      var tc = el('td', 'tests-cell');
      r.tests.slice(0, 5).forEach(function (id) { var d = el('div', 'tid'); d.appendChild(wrapId(id)); tc.appendChild(d); });
      if (r.tests.length > 5) tc.appendChild(el('div', 'muted', '+' + (r.tests.length - 5) + ' more'));
      row.appendChild(tc);
      var src = el('td', 'tid'); src.appendChild(wrapId(r.source)); row.appendChild(src);
      row.appendChild(el('td', null, r.repo));
      tb.appendChild(row);
      return { row: row, text: [r.id, r.title, r.status, r.source, r.repo].concat(r.tests).join(' ').toLowerCase() };
    });
    function apply() {
      var text = q.value.trim().toLowerCase(), n = 0;
      rows.forEach(function (x) { var ok = !text || x.text.indexOf(text) >= 0; x.row.hidden = !ok; if (ok) n++; });
      count.textContent = n + ' of ' + rows.length + ' requirements';
    }
    q.addEventListener('input', apply);
    apply();
  };
  views.trends = function (host) {
    var tpl = document.getElementById('trend-charts');
    host.appendChild(el('h2', null, 'Trends'));
    if (!D.trends.length) { host.appendChild(el('p', 'notice', 'No runs recorded yet: trends appear after the first seams run.')); }
    if (tpl) host.appendChild(tpl.content.cloneNode(true));
  };
  views.test = function (host, arg) {
    var i = Number(arg);
    if (!(i >= 0 && i < N && Math.floor(i) === i)) { host.appendChild(el('p', 'notice', 'No such test.')); return; }
    var back = el('a', 'back', '← all tests'); back.href = '#tests'; host.appendChild(back);
    var h = el('h2', 'test-title', idOf(i)); host.appendChild(h);
    var dl = el('dl', 'facts');
    function fact(k, v) { if (v === '' || v === null || v === undefined) return; dl.appendChild(el('dt', null, k)); dl.appendChild(el('dd', null, v)); }
    if (isFlaky(i)) fact('Flaky', 'yes (seams flaky: ' + S(T.flaky[i]).replace(/,/g, ', ') + ')');
    fact('Latest result', (statusOf(i) || 'never run (in the recorded history)') + (T.stale[i] ? ' (from the run of ' + runDate(S(T.stale[i])) + '; the test was not in the latest run of its tier set)' : ''));
    if (!T.known[i]) fact('In the current scan', 'no: this id comes only from the recorded results (renamed, removed, or an id the runner reported differently)');
    fact('File', D.files[T.file[i]] + (T.line[i] ? ':' + T.line[i] : ''));
    fact('Tier', S(T.tier[i]));
    fact('Runner', S(T.runner[i]));
    fact('Repository', repoName(i));
    fact('Markers', S(T.markers[i]));
    fact('Duration', fmtMs(T.duration[i]));
    host.appendChild(dl);
    var message = msgOf(T.message[i]);
    if (message) { host.appendChild(el('h3', null, 'Message')); host.appendChild(el('pre', 'msg', message)); }
    host.appendChild(el('h3', null, 'History'));
    var runs = D.historyRuns[T.repo[i]] || [];
    var hist = S(T.history[i]);
    if (!runs.length || !hist) { host.appendChild(el('p', 'muted', 'No recorded results for this test.')); return; }
    host.appendChild(el('p', 'muted', 'Runs that selected this test (its tier and runner, from its first result on); "absent": the run had no result for it.'));
    var strip = el('div', 'strip');
    var durs = T.histDur.subarray(T.histStart[i], T.histStart[i + 1]), msgs = {}, di = 0, entries = [];
    for (var m = T.hmStart[i]; m < T.hmStart[i + 1]; m++) msgs[T.hmRun[m]] = msgOf(T.hmText[m]);
    for (var k = 0; k < runs.length; k++) {
      var ch = hist.charAt(k);
      if (ch === '-' || ch === '') continue;
      var st = HIST[ch] || 'none';
      var dur = ch === '.' ? null : durs[di++];
      entries.push([k, st, dur]);
      var s = el('i', 'h big h-' + st); s.title = runDate(runs[k].startedAt) + ' ' + st + (dur != null ? ' ' + fmtMs(dur) : ''); strip.appendChild(s);
    }
    host.appendChild(strip);
    var rows = [];
    for (var j = entries.length - 1; j >= 0; j--) {
      var e = entries[j], run = runs[e[0]];
      rows.push([run.startedAt.replace('T', ' ').slice(0, 19), run.commit ? run.commit.slice(0, 10) : '', e[1], e[2] != null ? fmtMs(e[2]) || '0ms' : '', msgs[e[0]] || '', run.id]);
    }
    host.appendChild(simpleTable(['Run started', 'Commit', 'Result', 'Duration', 'Message', 'Run id'], rows, function (c, v, jj) { if (jj === 2) { clear(c).appendChild(badge(v)); } if (jj === 4) c.className = 'hmsg'; }));
  };

  /** The parts each view reads (loaded on first need; Overview, Gaps, Traceability and Trends need none). */
  var NEEDS = { tests: ['core', 'ids'], run: ['core', 'ids'], tree: ['core', 'ids'], failures: ['core', 'ids'], test: ['core', 'ids', 'msg', 'hist'] };
  var built = {}, routed = 0;
  function route() {
    var hash = location.hash.replace(/^#/, '') || 'overview';
    var bits = hash.split('/');
    var name = views[bits[0]] ? bits[0] : 'overview';
    var key = name === 'test' ? hash : name;
    var sections = main.querySelectorAll('section.view');
    for (var s = 0; s < sections.length; s++) sections[s].hidden = true;
    if (name === 'test') { var old = document.getElementById('view-test'); if (old) old.remove(); }
    var host = section(name);
    host.hidden = false;
    var links = document.querySelectorAll('nav a');
    for (var l = 0; l < links.length; l++) links[l].classList.toggle('active', links[l].getAttribute('href') === '#' + name);
    if (name === 'test') window.scrollTo(0, 0);
    document.body.dataset.view = name;
    var my = ++routed;
    function build() {
      if (name === 'test' || !built[key]) { built[key] = true; clear(host); views[name](host, bits[1]); }
    }
    var need = NEEDS[name] || [];
    if (need.every(function (n) { return PARTS[n] && PARTS[n].done; })) { build(); return Promise.resolve(); }
    if (!host.firstChild) host.appendChild(el('p', 'muted loading', 'Loading ' + N.toLocaleString() + ' tests…'));
    return parts(need).then(function () {
      need.forEach(function (n) { PARTS[n].done = true; });
      if (my === routed || name !== 'test') build();
    }, function (err) {
      clear(host).appendChild(el('p', 'notice', 'This report\'s data could not be read: ' + (err && err.message ? err.message : String(err))));
    });
  }
  window.addEventListener('hashchange', route);
  // the Tests list's parts load at once (the first view shows while they decompress);
  // messages and history durations only when a test's page opens
  var first = route();
  parts(['core', 'ids']).then(function () { PARTS.core.done = PARTS.ids.done = true; }, function () {}).then(function () { return first; }).then(function () { document.body.dataset.ready = '1'; });
})();
`;

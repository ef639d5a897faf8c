// vpush dashboard: polls GET /api/v1/stats every second with the API key (Bearer), shows the cluster totals,
// one row per node and small SVG charts of the last two minutes. No build step, no libraries.
(function () {
  'use strict';
  var KEY = 'vpush.apiKey';
  var POINTS = 120;
  var SVG = 'http://www.w3.org/2000/svg';
  var timer = null;
  var previous = {};          // id -> {ts, accepted, delivered, acked, resent}
  var history = { connections: [], accepted: [], delivered: [], acked: [], p99: [], resent: [] };
  var updates = 0;

  function $(id) { return document.getElementById(id); }

  function fmt(n) {
    if (n === null || n === undefined) return 'n/a';
    if (typeof n === 'number' && !Number.isInteger(n)) return n < 10 ? n.toFixed(1) : String(Math.round(n));
    return String(n);
  }

  function status(text, cls) {
    var s = $('status');
    s.textContent = text;
    s.className = 'status ' + (cls || '');
  }

  // Per-second rates from two successive totals of the same node (or of the cluster).
  function rates(id, snap, ts) {
    var prev = previous[id];
    previous[id] = { ts: ts, accepted: snap.accepted, delivered: snap.delivered, acked: snap.acked, resent: snap.resent };
    if (!prev || ts <= prev.ts) return { accepted: 0, delivered: 0, acked: 0, resent: 0 };
    var dt = (ts - prev.ts) / 1000;
    function r(k) { return Math.max(0, (snap[k] - prev[k]) / dt); }
    return { accepted: r('accepted'), delivered: r('delivered'), acked: r('acked'), resent: r('resent') };
  }

  function push(series, v) {
    series.push(v);
    if (series.length > POINTS) series.shift();
  }

  function chart(svgId, seriesList) {
    var svg = $(svgId);
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    var max = 1;
    seriesList.forEach(function (s) { s.forEach(function (v) { if (v > max) max = v; }); });
    seriesList.forEach(function (s, i) {
      var line = document.createElementNS(SVG, 'polyline');
      var pts = s.map(function (v, x) {
        return (x * 240 / (POINTS - 1)).toFixed(1) + ',' + (78 - v / max * 68).toFixed(1);
      });
      line.setAttribute('points', pts.join(' '));
      line.setAttribute('class', 's' + i);
      svg.appendChild(line);
    });
    var label = document.createElementNS(SVG, 'text');
    label.setAttribute('x', '2');
    label.setAttribute('y', '9');
    label.textContent = 'max ' + fmt(max);
    svg.appendChild(label);
  }

  function cell(tr, text) {
    var td = document.createElement('td');
    td.textContent = text;
    tr.appendChild(td);
  }

  function render(data) {
    var c = data.cluster;
    var cr = rates('__cluster__', c, data.ts);
    $('c-connections').textContent = fmt(c.connections);
    $('c-accepted-rate').textContent = fmt(cr.accepted);
    $('c-delivered-rate').textContent = fmt(cr.delivered);
    $('c-acked-rate').textContent = fmt(cr.acked);
    $('c-latency').textContent = fmt(c.deliveryLatencyMs.p50) + ' / ' + fmt(c.deliveryLatencyMs.p99);
    $('c-resent').textContent = fmt(c.resent) + ' (' + fmt(c.givenUp) + ' given up)';
    $('c-inbox').textContent = fmt(c.inboxDroppedCap) + ' / ' + fmt(c.inboxExpired);
    $('c-dlq').textContent = fmt(c.dlq);
    $('c-lag').textContent = fmt(c.kafkaLag);

    push(history.connections, c.connections);
    push(history.accepted, cr.accepted);
    push(history.delivered, cr.delivered);
    push(history.acked, cr.acked);
    push(history.p99, c.deliveryLatencyMs.p99);
    push(history.resent, cr.resent);
    chart('chart-connections', [history.connections]);
    chart('chart-rates', [history.accepted, history.delivered, history.acked]);
    chart('chart-latency', [history.p99]);
    chart('chart-retries', [history.resent]);

    var body = $('nodes');
    while (body.firstChild) body.removeChild(body.firstChild);
    data.nodes.forEach(function (n) {
      var r = rates(n.id, n, n.ts || data.ts);
      var tr = document.createElement('tr');
      tr.setAttribute('data-node', n.id);
      [n.id, fmt(n.connections), fmt(r.accepted), fmt(r.delivered), fmt(r.acked),
        fmt(n.deliveryLatencyMs.p50), fmt(n.deliveryLatencyMs.p99), fmt(n.resent), fmt(n.givenUp),
        fmt(n.inboxDroppedCap) + ' / ' + fmt(n.inboxExpired), fmt(n.dlq), fmt(n.kafkaLag)].forEach(function (t) { cell(tr, t); });
      body.appendChild(tr);
    });

    updates++;
    document.body.setAttribute('data-updates', String(updates));
    status('updated ' + new Date(data.ts).toLocaleTimeString() + ' · ' + c.nodes + ' node(s)', 'ok');
    // For tests and embedders: one event per rendered refresh, with the JSON as it came.
    window.dispatchEvent(new CustomEvent('vpush:stats', { detail: data }));
  }

  function refresh() {
    var key = sessionStorage.getItem(KEY);
    if (!key) return stop('');
    fetch('/api/v1/stats', { headers: { 'Authorization': 'Bearer ' + key }, cache: 'no-store' })
      .then(function (res) {
        if (res.status === 401) {
          sessionStorage.removeItem(KEY);
          stop('the API key was refused');
          return null;
        }
        if (res.status === 403) {
          // A known key without the stats scope (a publish or admin key): asking again every second would not help.
          sessionStorage.removeItem(KEY);
          stop('this API key lacks the stats scope');
          return null;
        }
        if (!res.ok) throw new Error('HTTP ' + res.status);
        return res.json();
      })
      .then(function (data) { if (data) render(data); })
      .catch(function (e) { status('no data: ' + e.message, 'bad'); });
  }

  function start() {
    $('key-form').hidden = true;
    $('board').hidden = false;
    status('loading…');
    refresh();
    if (!timer) timer = setInterval(refresh, 1000);
  }

  function stop(message) {
    if (timer) clearInterval(timer);
    timer = null;
    $('board').hidden = true;
    $('key-form').hidden = false;
    $('key-error').textContent = message;
    status('not connected', message ? 'bad' : '');
    if (message) window.dispatchEvent(new CustomEvent('vpush:refused', { detail: message }));
  }

  $('key-form').addEventListener('submit', function (e) {
    e.preventDefault();
    sessionStorage.setItem(KEY, $('key').value.trim());
    $('key').value = '';
    start();
  });

  if (sessionStorage.getItem(KEY)) start();
})();

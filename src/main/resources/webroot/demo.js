// vpush demo client: the stock Vert.x event-bus bridge client (global EventBus) speaking the vpush protocol.
// Plain script, no build step. Reliability lives here: lastSeq persisted per user+clientId and sent on every
// register (so a reconnect resumes where this browser stopped), duplicates dropped but still acked.
(function () {
  'use strict';

  var $ = function (id) { return document.getElementById(id); };
  var MAX_ROWS = 200;

  var eb = null;          // the EventBus while connected or reconnecting
  var session = null;     // {user, clientId, device, token} of the current connection
  var lastSeq = 0;        // highest seq this browser has processed for session.user + session.clientId
  var ackedSeq = 0;       // highest seq acked on the current connection

  // ---- persistence -------------------------------------------------------------------------------------------

  function seqKey(user, clientId) { return 'vpush.lastSeq.' + user + '.' + clientId; }

  function storedSeq(user, clientId) {
    var v = localStorage.getItem(seqKey(user, clientId));
    return v === null ? null : Number(v);
  }

  function setLastSeq(seq) {
    lastSeq = seq;
    localStorage.setItem(seqKey(session.user, session.clientId), String(seq));
    $('last-seq').textContent = String(seq);
    updateButtons();
  }

  function clientId() {
    var id = localStorage.getItem('vpush.demo.clientId');
    if (!id) {
      id = 'web-' + Math.random().toString(36).slice(2, 10);
      localStorage.setItem('vpush.demo.clientId', id);
    }
    return id;
  }

  // ---- rendering ---------------------------------------------------------------------------------------------

  function log(kind, text) {
    var li = document.createElement('li');
    li.className = kind;
    var time = document.createElement('time');
    time.textContent = new Date().toLocaleTimeString();
    li.append(time, ' ', text);
    $('log').prepend(li);
  }

  function cell(row, text, cls) {
    var td = row.insertCell();
    td.textContent = text;
    if (cls) td.className = cls;
  }

  function showMessage(m, source) {
    var row = $('messages').insertRow(0);
    cell(row, String(m.seq), 'num');
    cell(row, m.id);
    cell(row, new Date(m.ts).toLocaleString());
    row.cells[2].title = new Date(m.ts).toISOString();
    cell(row, JSON.stringify(m.body), 'body');
    if (source === 'sync') row.className = 'synced';
    while ($('messages').rows.length > MAX_ROWS) $('messages').deleteRow(-1);
  }

  function setStatus(text, cls) {
    $('status').textContent = text;
    $('status').className = 'status ' + cls;
  }

  function updateButtons() {
    var open = eb !== null && eb.state === EventBus.OPEN;
    $('connect').disabled = eb !== null;
    $('disconnect').disabled = eb === null;
    $('sync').disabled = !open;
    $('ack').disabled = !open || $('auto-ack').checked || ackedSeq >= lastSeq;
    ['user', 'clientId', 'device', 'token'].forEach(function (id) { $(id).disabled = eb !== null; });
  }

  // ---- protocol ----------------------------------------------------------------------------------------------

  function ack(seq) {
    if (eb === null || eb.state !== EventBus.OPEN) return; // the lastSeq header of the next register covers it
    eb.send('vpush.ack', { seq: seq });
    ackedSeq = Math.max(ackedSeq, seq);
    updateButtons();
  }

  // Every message passes here, live or from a sync reply: process it once, ack it always.
  function handleMessage(m, source) {
    if (m.seq <= lastSeq) {
      log('dup', 'dropped seq ' + m.seq + ' (already processed), acked again');
      ack(m.seq);
      return;
    }
    showMessage(m, source);
    setLastSeq(m.seq);
    if ($('auto-ack').checked) ack(m.seq);
  }

  function handleControl(kind, body) {
    if (kind === 'registered') {
      setStatus('connected', 'open');
      log('control', 'registered on node ' + body.node + ', server lastSeq ' + body.lastSeq);
    } else if (kind === 'kicked') {
      // Another tab or device took this clientId over: reconnecting would only kick it back.
      eb.enableReconnect(false);
      log('control', 'kicked: clientId ' + session.clientId + ' connected elsewhere; not reconnecting');
    } else if (kind === 'reconnect') {
      log('control', 'server asks to reconnect (afterMs ' + body.afterMs + '); the client will reconnect');
    } else {
      log('control', 'control ' + kind + ' ' + JSON.stringify(body));
    }
  }

  function onStreamFrame(err, frame) {
    if (err) {
      log('err', 'err on the user stream: ' + err.failureType + ' (' + err.failureCode + ') ' + (err.message || ''));
      return;
    }
    var h = frame.headers || {};
    if (h.control) handleControl(h.control, frame.body || {});
    else handleMessage({ id: h.id, seq: Number(h.seq), ts: Number(h.ts), body: frame.body }, 'live');
  }

  // Runs on every open, the first and each reconnect: the stock client forgets its handlers when the socket
  // drops, so the user stream is registered again with the lastSeq processed so far.
  function register() {
    var headers = { token: session.token, clientId: session.clientId, device: session.device };
    if (storedSeq(session.user, session.clientId) !== null) headers.lastSeq = String(lastSeq);
    ackedSeq = lastSeq;
    eb.registerHandler('vpush.user.' + session.user, headers, onStreamFrame);
    log('info', 'register vpush.user.' + session.user + ' clientId ' + session.clientId +
      (headers.lastSeq ? ' lastSeq ' + headers.lastSeq : ' (no lastSeq: the server cursor decides)'));
    updateButtons();
  }

  function connect() {
    session = {
      user: $('user').value.trim(),
      clientId: $('clientId').value.trim(),
      device: $('device').value.trim() || 'web',
      token: $('token').value.trim()
    };
    localStorage.setItem('vpush.demo.clientId', session.clientId);
    lastSeq = storedSeq(session.user, session.clientId) || 0;
    $('last-seq').textContent = String(lastSeq);

    var bus = new EventBus('/eventbus');
    eb = bus;
    bus.enableReconnect(true);
    setStatus('connecting', 'connecting');
    bus.onopen = register;
    bus.onreconnect = function () { log('info', 'reconnected'); };
    bus.onerror = function (e) {
      log('err', 'err ' + e.failureType + ' (' + e.failureCode + ')' + (e.address ? ' on ' + e.address : '') +
        (e.message ? ': ' + e.message : ''));
    };
    bus.onclose = function (e) {
      var code = e && e.code ? ' code ' + e.code + (e.reason ? ' (' + e.reason + ')' : '') : '';
      // 4001 = bad token, 4003 = kicked: retrying would not help.
      if (e && (e.code === 4001 || e.code === 4003)) bus.enableReconnect(false);
      if (bus.reconnectEnabled) {
        setStatus('reconnecting', 'connecting');
        log('info', 'connection closed' + code + '; reconnecting');
      } else {
        log('info', 'connection closed' + code);
        if (eb === bus) eb = null;
        setStatus('disconnected', 'closed');
      }
      updateButtons();
    };
    updateButtons();
  }

  function disconnect() {
    if (eb === null) return;
    var bus = eb;
    if (bus.state === EventBus.OPEN || bus.state === EventBus.CONNECTING) {
      bus.close(); // also stops reconnecting; onclose finishes the job
    } else {
      bus.enableReconnect(false); // waiting for a reconnect: just stop it
      eb = null;
      setStatus('disconnected', 'closed');
      log('info', 'disconnected');
      updateButtons();
    }
  }

  function sync() {
    var since = lastSeq;
    eb.send('vpush.sync', { since: since, limit: 100 }, {}, function (err, reply) {
      if (err) {
        log('err', 'sync failed: ' + err.failureType + ' (' + err.failureCode + ')');
        return;
      }
      var r = reply.body;
      r.messages.forEach(function (m) { handleMessage(m, 'sync'); });
      log('info', 'sync since ' + since + ': ' + r.messages.length + ' message(s), server lastSeq ' + r.lastSeq +
        (r.more ? ', more: sync again' : '') + (r.gap ? ', gap: some messages expired, reload from the business' : ''));
    });
  }

  function getDevToken() {
    var user = $('user').value.trim();
    fetch('/dev/token?user=' + encodeURIComponent(user)).then(function (res) {
      if (res.status === 404) {
        $('dev-token').disabled = true;
        $('dev-token-note').hidden = false;
        $('dev-token-note').textContent = 'Dev tokens are off (production mode): paste a token issued by your backend.';
        return null;
      }
      if (!res.ok) throw new Error('HTTP ' + res.status);
      return res.json();
    }).then(function (json) {
      if (json) {
        $('token').value = json.token;
        log('info', 'dev token for ' + user);
      }
    }).catch(function (e) { log('err', 'dev token: ' + e.message); });
  }

  // ---- wiring ------------------------------------------------------------------------------------------------

  $('clientId').value = clientId();
  $('connect-form').addEventListener('submit', function (e) { e.preventDefault(); connect(); });
  $('disconnect').addEventListener('click', disconnect);
  $('sync').addEventListener('click', sync);
  $('ack').addEventListener('click', function () { ack(lastSeq); });
  $('auto-ack').addEventListener('change', function () {
    if ($('auto-ack').checked && lastSeq > ackedSeq) ack(lastSeq);
    updateButtons();
  });
  $('reset-seq').addEventListener('click', function () {
    var user = eb ? session.user : $('user').value.trim();
    var cid = eb ? session.clientId : $('clientId').value.trim();
    localStorage.removeItem(seqKey(user, cid));
    lastSeq = 0;
    $('last-seq').textContent = '0';
    log('info', 'forgot lastSeq of ' + user + '/' + cid + ' (applies to the next register)');
  });
  $('dev-token').addEventListener('click', getDevToken);
  $('clear-log').addEventListener('click', function () { $('log').textContent = ''; });
  ['user', 'clientId'].forEach(function (id) {
    $(id).addEventListener('input', function () {
      $('last-seq').textContent = String(storedSeq($('user').value.trim(), $('clientId').value.trim()) || 0);
    });
  });
  $('last-seq').textContent = String(storedSeq($('user').value.trim(), $('clientId').value.trim()) || 0);
  updateButtons();
})();

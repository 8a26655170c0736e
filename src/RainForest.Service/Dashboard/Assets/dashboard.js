// The RainForest dashboard. Plain JavaScript, no build step and no third-party code: the page reads the
// service's own API (same origin) and draws the CPU grid, memory bars and latency lines itself.
'use strict';

(() => {
  const TOKEN_KEY = 'rainforest.token';
  const MAX_EVENTS = 200;
  const BACKLOG = 50;
  // A policy's line shows this much history; older samples are dropped.
  const HISTORY_MS = 5 * 60 * 1000;
  const POLL_MS = 5000;
  // The latency line is read from /metrics this often: a slack policy's window is half a second.
  const POLICY_POLL_MS = 1000;
  // Tableau 10 without its grey, which the supervisor's CPUs use. A subOS keeps its colour for the life of the page.
  const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#b07aa1', '#76b7b2', '#9c755f', '#ff9da7', '#edc948'];
  const colours = new Map();
  const samplesByPolicy = new Map();
  // The newest journal entry shown: the event stream resumes after it (Last-Event-ID), so nothing is missed between
  // loading the backlog and connecting, nor while reconnecting.
  let lastJournalId = null;
  let backlogLoaded = false;

  // The token travels in the URL fragment (never sent to a server, kept out of logs), is kept for this tab
  // in sessionStorage and removed from the address bar; every API call sends it as a bearer token. Over the
  // Unix socket (an SSH tunnel of it) the service asks for none and the page sends none.
  function takeToken() {
    const match = /(?:^#|&)token=([^&]+)/.exec(location.hash);
    if (match) {
      sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(match[1]));
      window.history.replaceState(null, '', location.pathname + location.search);
    }
    return sessionStorage.getItem(TOKEN_KEY);
  }

  const token = takeToken();

  function headers(accept) {
    const h = { Accept: accept };
    if (token) {
      h.Authorization = 'Bearer ' + token;
    }
    return h;
  }

  class HttpError extends Error {
    constructor(status, message) {
      super(message);
      this.status = status;
    }
  }

  async function getJson(path) {
    const response = await fetch(path, { headers: headers('application/json'), cache: 'no-store' });
    if (!response.ok) {
      throw new HttpError(response.status, `${path}: ${response.status} ${await problemText(response)}`);
    }
    return response.json();
  }

  async function problemText(response) {
    try {
      const problem = await response.json();
      return problem.detail || problem.title || '';
    } catch {
      return response.statusText;
    }
  }

  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attributes || {})) {
      if (key === 'style') {
        Object.assign(node.style, value);
      } else if (key.startsWith('data-') || key === 'class' || key === 'title' || key === 'role' || key === 'id') {
        node.setAttribute(key, String(value));
      }
    }
    for (const child of children) {
      node.append(child);
    }
    return node;
  }

  function svg(tag, attributes) {
    const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
    for (const [key, value] of Object.entries(attributes || {})) {
      node.setAttribute(key, String(value));
    }
    return node;
  }

  // "0-3,8,10-11" (the kernel's cpulist format, as the API writes CPU sets) into numbers.
  function parseCpuList(text) {
    const cpus = [];
    for (const part of String(text || '').split(',')) {
      const range = part.trim();
      if (range === '') {
        continue;
      }
      const [first, last] = range.split('-').map(Number);
      for (let cpu = first; cpu <= (last ?? first); cpu++) {
        cpus.push(cpu);
      }
    }
    return cpus;
  }

  function formatBytes(bytes) {
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let value = Number(bytes) || 0;
    let unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return `${value >= 100 || unit === 0 ? value.toFixed(0) : value.toFixed(1)} ${units[unit]}`;
  }

  function formatMs(ms) {
    return ms >= 100 ? `${ms.toFixed(0)} ms` : ms >= 1 ? `${ms.toFixed(2)} ms` : `${(ms * 1000).toFixed(0)} µs`;
  }

  // "memory 256M → 192M, parked" from two "key=value flag ..." descriptions: what changed (a flag that came or went
  // says so), or the whole of the one that exists.
  function describeChange(before, after) {
    if (!before || !after) {
      return after || before || '';
    }
    const parse = (text) => new Map(text.split(' ').filter((word) => word !== '').map((word) => {
      const at = word.indexOf('=');
      return at < 0 ? [word, null] : [word.slice(0, at), word.slice(at + 1)];
    }));
    const was = parse(before);
    const now = parse(after);
    const changes = [];
    for (const key of new Set([...was.keys(), ...now.keys()])) {
      const [a, b] = [was.get(key), now.get(key)];
      if (a === b) {
        continue;
      }
      if (a === null || b === null) {
        changes.push(b === null ? key : `not ${key}`);
      } else {
        changes.push(`${key} ${a ?? '–'} → ${b ?? '–'}`);
      }
    }
    return changes.length > 0 ? changes.join(', ') : 'no change';
  }

  function colourOf(name) {
    if (!colours.has(name)) {
      colours.set(name, PALETTE[colours.size % PALETTE.length]);
    }
    return colours.get(name);
  }

  function setBanner(text) {
    const banner = document.getElementById('banner');
    banner.textContent = text || '';
    banner.hidden = !text;
  }

  function setConnection(state, text) {
    const badge = document.getElementById('connection');
    badge.dataset.state = state;
    badge.textContent = text;
  }

  // ---- CPUs and memory: /v1/machine (every CPU with its owner, memory per subOS) and /v1/subos (the legend) ----

  const KIND_TEXT = { supervisor: 'supervisor', free: 'free', offline: 'offline' };

  function renderCpus(machine, subs) {
    const grid = document.getElementById('cpu-grid');
    const legend = document.getElementById('cpu-legend');
    // One block per NUMA node, in CPU order within it: what a subOS owns is seen against the machine's shape. The label
    // is only shown where there is more than one node.
    const nodes = [...new Set(machine.cpus.map((cpu) => cpu.node))].sort((a, b) => a - b);
    grid.replaceChildren(...nodes.map((node) => {
      const cells = machine.cpus.filter((cpu) => cpu.node === node).map((cpu) => {
        const who = cpu.kind === 'subos' ? cpu.owner : KIND_TEXT[cpu.kind] || cpu.kind;
        const cell = el('div', { class: 'cpu', role: 'listitem', 'data-cpu': cpu.id, 'data-kind': cpu.kind, 'data-owner': cpu.kind === 'subos' ? cpu.owner : '' },
          el('span', { class: 'id' }, String(cpu.id)),
          el('span', { class: 'who' }, who));
        if (cpu.kind === 'subos') {
          cell.style.background = colourOf(cpu.owner);
        }
        cell.title = `CPU ${cpu.id} (core ${cpu.core}, node ${cpu.node}): ${who}`;
        return cell;
      });
      const block = el('div', { class: 'node', 'data-node': node });
      if (nodes.length > 1) {
        block.append(el('span', { class: 'node-label' }, `node ${node}`));
      }
      block.append(el('div', { class: 'cpu-grid', role: 'list' }, ...cells));
      return block;
    }));

    const items = subs.map((s) => el('li', { 'data-owner': s.name, 'data-kind': 'subos', 'data-alive': s.alive, 'data-parked': s.parked },
      el('span', { class: 'swatch', style: { background: colourOf(s.name) } }),
      `${s.name}: ${s.cpuCount} CPU${s.cpuCount === 1 ? '' : 's'}${s.quota == null ? '' : `, quota ${s.quota} CPU`}${s.idleOn ? `, + idle time of ${s.idleOn}` : ''}${s.parked ? ' (parked)' : ''}${s.alive ? '' : ' (agent dead)'}`));
    items.push(el('li', { 'data-kind': 'supervisor' }, el('span', { class: 'swatch', 'data-kind': 'supervisor' }), 'supervisor (host)'));
    items.push(el('li', { 'data-kind': 'free' }, el('span', { class: 'swatch', 'data-kind': 'free' }), 'free'));
    legend.replaceChildren(...items);
  }

  function renderMemory(memory) {
    const bars = document.getElementById('memory-bars');
    if (memory.length === 0) {
      bars.replaceChildren(el('p', { class: 'empty' }, 'no subOSes'));
      return;
    }
    // Bars share one scale, the largest limit, so sizes compare at a glance.
    const scale = Math.max(...memory.map((m) => m.limitBytes), 1);
    bars.replaceChildren(...memory.map((m) => {
      const colour = colourOf(m.name);
      const bar = el('div', { class: 'bar' },
        el('div', { class: 'limit', style: { width: `${(100 * m.limitBytes) / scale}%`, background: colour } }),
        el('div', { class: 'used', style: { width: `${(100 * Math.min(m.usedBytes, m.limitBytes)) / scale}%`, background: colour } }));
      return el('div', { class: 'memory-row', 'data-subos': m.name, 'data-limit-bytes': m.limitBytes, 'data-used-bytes': m.usedBytes },
        el('span', { class: 'name', title: m.name }, m.name),
        bar,
        el('span', { class: 'figures' }, `${formatBytes(m.usedBytes)} of ${formatBytes(m.limitBytes)}`));
    }));
  }

  async function refreshState() {
    const [subosJson, machineJson] = await Promise.all([getJson('/v1/subos'), getJson('/v1/machine')]);
    const subs = Api.subOses(subosJson);
    const machine = Api.machine(machineJson);
    // Colours are handed out in the ledger's order, so a fresh page gives the same subOS the same colour.
    subs.forEach((s) => colourOf(s.name));
    renderCpus(machine, subs);
    renderMemory(machine.memory);
    document.getElementById('machine-summary').textContent =
      `${machine.cpus.length} CPUs, ${formatBytes(machine.memoryBytes)}; ${subs.length} subOS${subs.length === 1 ? '' : 'es'}`;
  }

  // ---- Policies: the live tail latency (p99 for a p99 SLO) against the SLO, from /metrics ----

  function renderPolicies(policies) {
    const container = document.getElementById('policies');
    if (policies.length === 0) {
      container.replaceChildren(el('p', { class: 'empty' }, 'no policies'));
      return;
    }
    const now = Date.now();
    container.replaceChildren(...policies.map((p) => {
      const samples = (samplesByPolicy.get(p.name) || []).filter((s) => now - s.t <= HISTORY_MS);
      const moves = `${p.grows} grow, ${p.shrinks} shrink`;
      return el('div', { class: 'policy', 'data-policy': p.name, 'data-slo-seconds': p.sloMs / 1000, 'data-samples': samples.length },
        el('h3', {}, `${p.name}: ${p.label} ${p.tailMs == null ? '–' : formatMs(p.tailMs)} (SLO ${p.label} ≤ ${formatMs(p.sloMs)}; moves: ${moves})`),
        chart(samples, p.sloMs, now));
    }));
  }

  function chart(samples, sloMs, now) {
    const width = 600;
    const height = 160;
    const pad = 34;
    const top = Math.max(sloMs * 1.5, ...samples.map((s) => s.ms), 0.001);
    // The time axis spans what has been seen, from 30 s up to the whole history.
    const span = Math.min(HISTORY_MS, Math.max(30000, now - (samples.length > 0 ? samples[0].t : now)));
    const x = (t) => pad + ((width - pad - 6) * (t - (now - span))) / span;
    const y = (ms) => height - 16 - ((height - 24) * ms) / top;
    const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, preserveAspectRatio: 'none', role: 'img' });
    // Above the SLO is the band a window must stay out of.
    root.append(svg('rect', { class: 'slo-band', x: pad, y: y(top), width: width - pad - 6, height: Math.max(0, y(sloMs) - y(top)) }));
    root.append(svg('line', { class: 'slo-line', x1: pad, x2: width - 6, y1: y(sloMs), y2: y(sloMs) }));
    const sloLabel = svg('text', { class: 'axis', x: 2, y: y(sloMs) + 3 });
    sloLabel.textContent = formatMs(sloMs);
    root.append(sloLabel);
    const nowLabel = svg('text', { class: 'axis', x: width - 40, y: height - 3 });
    nowLabel.textContent = 'now';
    const startLabel = svg('text', { class: 'axis', x: pad, y: height - 3 });
    startLabel.textContent = span >= 60000 ? `-${(span / 60000).toFixed(1)} min` : `-${Math.round(span / 1000)} s`;
    root.append(nowLabel, startLabel);
    if (samples.length > 0) {
      const points = samples.map((s) => `${x(s.t).toFixed(1)},${y(s.ms).toFixed(1)}`).join(' ');
      root.append(svg('polyline', { class: 'tail', points }));
    }
    return root;
  }

  function recordSample(name, ms, t) {
    const samples = samplesByPolicy.get(name) || [];
    samples.push({ t, ms });
    while (samples.length > 0 && t - samples[0].t > HISTORY_MS) {
      samples.shift();
    }
    samplesByPolicy.set(name, samples);
  }

  // The controller publishes each policy's window latency, SLO and moves as Prometheus gauges and counters; the line
  // is those readings over time, kept by the page (the service keeps no history).
  async function refreshPolicies() {
    const response = await fetch('/metrics', { headers: headers('text/plain'), cache: 'no-store' });
    if (!response.ok) {
      throw new HttpError(response.status, `/metrics: ${response.status} ${await problemText(response)}`);
    }
    const policies = Api.policies(parsePrometheus(await response.text()));
    const now = Date.now();
    for (const p of policies) {
      if (p.tailMs != null) {
        recordSample(p.name, p.tailMs, now);
      }
    }
    for (const name of [...samplesByPolicy.keys()]) {
      if (!policies.some((p) => p.name === name)) {
        samplesByPolicy.delete(name);
      }
    }
    renderPolicies(policies);
  }

  // Prometheus' text format: "name{label="value",...} number" per line, '#' lines are comments. Only what the page
  // reads is kept: the samples of the rainforest_policy_ metrics.
  function parsePrometheus(text) {
    const samples = [];
    for (const line of text.split('\n')) {
      if (!line.startsWith('rainforest_policy_')) {
        continue;
      }
      const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
      if (!match) {
        continue;
      }
      const labels = {};
      for (const label of (match[2] || '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
        labels[label[1]] = label[2].replace(/\\(.)/g, (_, c) => (c === 'n' ? '\n' : c));
      }
      samples.push({ name: match[1], labels, value: Number(match[3]) });
    }
    return samples;
  }

  // ---- Events: /v1/events as server-sent events, newest first ----

  function addEvent(kind, item) {
    if (item.id != null) {
      if (lastJournalId !== null && item.id <= lastJournalId) {
        return;
      }
      lastJournalId = item.id;
    }
    const list = document.getElementById('events');
    const time = item.time ? new Date(item.time) : new Date();
    const row = el('li', { 'data-kind': kind, 'data-id': item.id ?? '', 'data-outcome': item.outcome || '', 'data-target': item.target || '' },
      el('span', { class: 'time' }, time.toLocaleTimeString([], { hour12: false })),
      el('span', { class: 'kind' }, kind === 'decision' ? 'controller' : item.operation || kind),
      el('span', { class: 'text' }, item.text));
    if (item.title) {
      row.title = item.title;
    }
    list.prepend(row);
    while (list.children.length > MAX_EVENTS) {
      list.lastElementChild.remove();
    }
  }

  // EventSource cannot send an Authorization header, so the stream is read with fetch and parsed here
  // (the text/event-stream format: "field: value" lines, a blank line ends an event).
  async function streamEvents(onEvent) {
    const request = headers('text/event-stream');
    if (lastJournalId !== null) {
      request['Last-Event-ID'] = String(lastJournalId);
    }
    const response = await fetch('/v1/events', { headers: request, cache: 'no-store' });
    if (!response.ok) {
      throw new HttpError(response.status, `/v1/events: ${response.status} ${await problemText(response)}`);
    }
    setConnection('live', 'live');
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    let type = 'message';
    let data = [];
    for (;;) {
      const { value, done } = await reader.read();
      if (done) {
        return;
      }
      buffer += value;
      let newline;
      while ((newline = buffer.search(/\r\n|\r|\n/)) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + (buffer.startsWith('\r\n', newline) ? 2 : 1));
        if (line === '') {
          if (data.length > 0) {
            onEvent(type, data.join('\n'));
          }
          type = 'message';
          data = [];
        } else if (!line.startsWith(':')) {
          const colon = line.indexOf(':');
          const field = colon < 0 ? line : line.slice(0, colon);
          const text = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
          if (field === 'event') {
            type = text;
          } else if (field === 'data') {
            data.push(text);
          }
        }
      }
    }
  }

  let refreshTimer = null;

  // A burst of events (a controller step writes several entries) costs one refetch.
  function scheduleRefresh() {
    if (refreshTimer === null) {
      refreshTimer = setTimeout(() => {
        refreshTimer = null;
        refreshAll();
      }, 150);
    }
  }

  function onEvent(type, text) {
    let payload;
    try {
      payload = JSON.parse(text);
    } catch {
      return;
    }
    const item = Api.event(type, payload);
    if (item === null) {
      return;
    }
    addEvent(item.kind, item);
    scheduleRefresh();
  }

  // The recent journal first, so the list is not empty until something happens; then the stream, from that point.
  async function loadBacklog() {
    const entries = await getJson(`/v1/journal?last=${BACKLOG}`);
    for (const entry of entries) {
      addEvent('journal', Api.event('journal', entry));
    }
  }

  async function followEvents() {
    let delay = 500;
    for (;;) {
      try {
        if (!backlogLoaded) {
          await loadBacklog();
          backlogLoaded = true;
        }
        await streamEvents(onEvent);
        delay = 500;
        setConnection('connecting', 'reconnecting');
      } catch (error) {
        setConnection('error', 'disconnected');
        report(error);
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 10000);
      // Whatever happened while the stream was down shows in the state.
      scheduleRefresh();
    }
  }

  function report(error) {
    if (error instanceof HttpError && error.status === 401) {
      setBanner('Not authorised: open this page as /#token=TOKEN with the token from the service\'s --token-file.');
    } else {
      setBanner(String(error.message || error));
    }
  }

  async function refreshAll() {
    try {
      await Promise.all([refreshState(), refreshPolicies()]);
      setBanner('');
      document.body.dataset.refreshed = String(Number(document.body.dataset.refreshed || 0) + 1);
    } catch (error) {
      report(error);
    }
  }

  // ---- What the API returns, turned into what the page draws (the one place that knows the JSON) ----

  const Api = {
    // GET /v1/subos: rfm ls --json, a list of { record: { name, cpus: "0-1", memory: bytes, ... }, agentAlive, parked,
    // cpuQuota (a donor's CPU time limit, null for none) }.
    subOses(json) {
      return json.map((s) => {
        const cpuCount = parseCpuList(s.record.cpus).length;
        return { name: s.record.name, cpuCount, alive: Boolean(s.agentAlive), parked: Boolean(s.parked), quota: s.cpuQuota ?? null, idleOn: s.idleOn ?? null };
      });
    },

    // GET /v1/machine: { topology: { memTotalBytes, ... }, cpus: [{ id, core, node, owner, kind }], memory: [{ subOs, size, usedBytes }] }.
    machine(json) {
      return {
        cpus: [...json.cpus].sort((a, b) => a.id - b.id).map((c) => ({ id: c.id, core: c.core, node: c.node, kind: c.kind, owner: c.owner })),
        memory: json.memory.map((m) => ({ name: m.subOs, limitBytes: Number(m.size), usedBytes: Number(m.usedBytes) })),
        memoryBytes: json.topology.memTotalBytes,
      };
    },

    // /metrics: rainforest_policy_slo_seconds{policy,quantile} (one quantile per policy, its SLO's),
    // rainforest_policy_latency_seconds{policy,quantile} (the current window, at that quantile and others),
    // rainforest_policy_moves_total{policy,direction="grow"|"shrink"}.
    policies(samples) {
      const byName = new Map();
      const policy = (name) => {
        if (!byName.has(name)) {
          byName.set(name, { name, quantile: null, sloMs: null, latencyMs: new Map(), grows: 0, shrinks: 0 });
        }
        return byName.get(name);
      };
      for (const sample of samples) {
        const name = sample.labels.policy;
        if (!name || !Number.isFinite(sample.value)) {
          continue;
        }
        if (sample.name === 'rainforest_policy_slo_seconds') {
          Object.assign(policy(name), { quantile: sample.labels.quantile, sloMs: sample.value * 1000 });
        } else if (sample.name === 'rainforest_policy_latency_seconds') {
          policy(name).latencyMs.set(sample.labels.quantile, sample.value * 1000);
        } else if (sample.name === 'rainforest_policy_moves_total') {
          policy(name)[sample.labels.direction === 'grow' ? 'grows' : 'shrinks'] = sample.value;
        }
      }
      // A policy is drawn once its SLO is known; the line is its latency at the SLO's quantile (p99 for p99<=5ms).
      return [...byName.values()].filter((p) => p.sloMs !== null).sort((a, b) => a.name.localeCompare(b.name)).map((p) => ({
        name: p.name,
        label: `p${+(Number(p.quantile) * 100).toFixed(3)}`,
        sloMs: p.sloMs,
        tailMs: p.latencyMs.get(p.quantile) ?? null,
        grows: p.grows,
        shrinks: p.shrinks,
      }));
    },

    // A journal entry (GET /v1/journal, and the data of a "journal" event): { id, time, operation, target, before,
    // after, outcome, message }, before and after as "key=value ..." text.
    event(type, payload) {
      if (type === 'journal') {
        return {
          kind: 'journal', id: payload.id, time: payload.time, operation: payload.operation, target: payload.target, outcome: payload.outcome,
          text: `${payload.target}: ${describeChange(payload.before, payload.after)}${payload.outcome === 'ok' ? '' : ` [${payload.outcome}]`}${payload.message ? ` (${payload.message})` : ''}`,
          title: `${payload.before || '–'} → ${payload.after || '–'}`,
        };
      }
      // rf-serve's controller sends { time, taker, donor, policy (the algorithm), slo, step: "+1 cpu", latency: "6.2ms",
      // reason, applied, error, before: { takerCpus, donorCpus, ... }, after: { ... } }: who, what, why.
      if (type === 'decision' && payload.taker && payload.step) {
        const cpus = payload.before && payload.after ? ` (${payload.taker} ${payload.before.takerCpus} → ${payload.after.takerCpus} CPUs, ${payload.donor} ${payload.before.donorCpus} → ${payload.after.donorCpus})` : '';
        return {
          kind: 'decision', time: payload.time, target: payload.taker, outcome: payload.applied ? 'ok' : 'failed',
          text: `${payload.taker}: ${payload.step}${payload.applied ? cpus : ` refused: ${payload.error}`}; ${payload.reason}`,
          title: `${payload.policy} policy of ${payload.taker}, SLO ${payload.slo}, donor ${payload.donor}`,
        };
      }
      if (type === 'decision') {
        // Any other document: shown as its scalar fields, whatever they are.
        const fields = Object.entries(payload).filter(([, value]) => value !== null && typeof value !== 'object');
        return {
          kind: 'decision', time: payload.time, target: payload.policy ?? payload.taker ?? '', outcome: '',
          text: fields.map(([key, value]) => `${key}=${value}`).join(' '),
        };
      }
      return null;
    },
  };

  document.addEventListener('DOMContentLoaded', () => {
    refreshAll();
    followEvents();
    // The stream drives updates; the poll catches figures that change without an event (memory in use), and the
    // latency line has a faster one of its own.
    setInterval(refreshAll, POLL_MS);
    setInterval(() => refreshPolicies().catch(report), POLICY_POLL_MS);
  });
})();

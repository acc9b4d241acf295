// Draws the charts of a chipsim report (docs/report.md) from the JSON in #report-data, which
// analysis/report.cpp writes; every number is computed there, this script only draws. Chart.js 3
// is inlined before this script. Animation is off, so each chart is drawn at once and the same
// way every time. When done, #render-check receives a JSON summary of what each chart drew,
// which the render test (tests/report/render_test.py) reads from headless Chromium.
(function () {
  'use strict';

  const data = JSON.parse(document.getElementById('report-data').textContent);
  const drawn = [];   // {id, chart}
  const errors = [];  // {id, error}

  Chart.defaults.animation = false;
  Chart.defaults.responsive = true;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.font.size = 13;
  Chart.defaults.color = '#333';
  Chart.defaults.plugins.legend.position = 'bottom';
  Chart.defaults.plugins.title.font = {size: 15, weight: 'bold'};

  // Okabe & Ito's colour-blind-safe palette (2008), yellow left out: it vanishes on white
  // and, for charts with more series, Tol's muted colours (2021)
  const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000',
                   '#999999', '#882255', '#44AA99', '#332288', '#999933'];
  const CHANNEL_COLOURS = {legal: '#0072B2', licensed: '#E69F00', diverted: '#D55E00'};
  const RUN_DASHES = [[], [8, 4], [2, 3], [12, 3, 2, 3]];

  // one colour per bloc across the whole page
  const blocIds = [...new Set(data.runs.flatMap(r => r.stock.blocs.map(b => b.id)))].sort();
  const blocColour = id => PALETTE[blocIds.indexOf(id) % PALETTE.length];

  function alpha(hex, a) {
    const n = parseInt(hex.slice(1), 16);
    return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${a})`;
  }

  // 1234567 -> "1.23 M": three significant digits and a suffix (k, M, B = 1e9, T = 1e12)
  function si(v) {
    if (v === null || !Number.isFinite(v)) return 'n/a';
    const a = Math.abs(v);
    for (const [scale, suffix] of [[1e12, ' T'], [1e9, ' B'], [1e6, ' M'], [1e3, ' k']])
      if (a >= scale * 0.9995) return Number((v / scale).toPrecision(3)) + suffix;
    return String(Number(v.toPrecision(3)));
  }
  const withUnits = (v, units) => units ? `${si(v)} ${units}` : si(v);

  // a line, bar or scatter chart's options: title, subtitle, axis titles, ticks with SI suffixes
  function options(title, subtitle, xTitle, yTitle, units) {
    return {
      plugins: {
        title: {display: true, text: title},
        subtitle: {display: !!subtitle, text: subtitle || '', padding: {bottom: 8}},
        tooltip: {
          callbacks: {
            label: ctx => `${ctx.dataset.label}: ${withUnits(ctx.parsed.y, units)}`,
          },
        },
      },
      interaction: {mode: 'index', intersect: false},
      scales: {
        x: {title: {display: true, text: xTitle}, ticks: {maxRotation: 0, autoSkipPadding: 12}},
        y: {title: {display: true, text: yTitle}, ticks: {callback: v => si(v)}},
      },
    };
  }

  // legend items of a line chart drawn as short lines, dashed like their dataset (with point
  // styles on, Chart.js takes an item's style from the dataset's first point, which has no dash)
  const LINE_LEGEND = {
    usePointStyle: true, pointStyle: 'line', pointStyleWidth: 36,
    generateLabels: chart => Chart.defaults.plugins.legend.labels.generateLabels(chart).map(
        item => Object.assign(item, {
          lineDash: chart.data.datasets[item.datasetIndex].borderDash || [],
          lineWidth: 2.5,
        })),
  };

  function make(id, config) {
    const canvas = document.getElementById(id);
    if (!canvas) return null;
    try {
      const chart = new Chart(canvas, config);
      canvas.setAttribute('aria-label', config.options.plugins.title.text);
      drawn.push({id, chart});
      return chart;
    } catch (e) {
      errors.push({id, error: String(e && e.stack || e)});
      return null;
    }
  }

  // ---- one run ----

  function stockChart(run, i) {
    const bands = run.replicates > 1;
    const datasets = [];
    for (const b of run.stock.blocs) {
      const c = blocColour(b.id);
      if (bands) {
        // the band: the 95% line filled down to the 5% line just before it
        datasets.push({label: `${b.id} 5%`, data: b.q05, band: true, borderWidth: 0,
                       pointRadius: 0, fill: false});
        datasets.push({label: `${b.id} 95%`, data: b.q95, band: true, borderWidth: 0,
                       pointRadius: 0, backgroundColor: alpha(c, 0.18), fill: '-1'});
      }
      datasets.push({label: b.id, data: b.mean, borderColor: c, backgroundColor: c,
                     borderWidth: 2.5, pointRadius: 0, pointHoverRadius: 4});
    }
    const units = run.stock.units;
    const o = options('Compute stock by bloc',
                      bands ? `line: mean of ${run.replicates} replicates; ` +
                              'shaded: 5% to 95% of replicates' : 'one replicate',
                      'month', `compute stock (${units})`, units);
    o.plugins.legend = {
      labels: Object.assign({filter: item => !datasets[item.datasetIndex].band}, LINE_LEGEND),
    };
    make(`stock-${i}`, {type: 'line', data: {labels: run.months, datasets}, options: o});
  }

  function flowsChart(run, i) {
    const datasets = run.chips.channels.map(ch => ({
      label: ch.id, data: ch.mean, backgroundColor: CHANNEL_COLOURS[ch.id] || '#999999',
    }));
    const o = options('Chips sold by channel', `mean of ${run.replicates} replicate` +
                      (run.replicates === 1 ? '' : 's') + '; stacked',
                      'month', 'chips sold (chips per month)', 'chips');
    o.scales.x.stacked = true;
    o.scales.y.stacked = true;
    make(`flows-${i}`, {type: 'bar', data: {labels: run.months, datasets}, options: o});
  }

  function firmChart(id, type, run, series, title, yTitle) {
    const datasets = series.firms.map((f, k) => {
      const c = PALETTE[k % PALETTE.length];
      return {label: `${f.id} (${f.kind})`, data: f.mean, borderColor: c,
              backgroundColor: type === 'bar' ? c : alpha(c, 0.15), borderWidth: 2,
              pointRadius: 0, pointHoverRadius: 4};
    });
    const total = series.firms.reduce((s, f) => s + f.mean.reduce((a, v) => a + v, 0), 0);
    const subtitle = `mean of ${run.replicates} replicate${run.replicates === 1 ? '' : 's'}` +
                     (total === 0 ? ' — none in this run' : '');
    const o = options(title, subtitle, 'month', yTitle, series.units);
    if (type === 'bar') {
      o.scales.x.stacked = true;
      o.scales.y.stacked = true;
    } else {
      o.plugins.legend = {labels: LINE_LEGEND};
    }
    make(id, {type, data: {labels: run.months, datasets}, options: o});
  }

  function timelineChart(run, i) {
    const ev = run.events;
    const months = run.months;
    // one marker per (month, kind), holding that month's events of the kind
    const cells = new Map();
    for (const [t, k, actor, text] of ev.items) {
      const key = `${t}/${k}`;
      if (!cells.has(key)) cells.set(key, {x: t, y: ev.kinds[k], k, texts: []});
      cells.get(key).texts.push(actor ? `${actor}: ${text}` : text);
    }
    // a marker grows with the number of events it holds
    const grow = p => Math.min(6, 2 * Math.sqrt(p.texts.length - 1));
    const datasets = ev.kinds.map((kind, k) => {
      const decision = kind === 'decision';
      const c = decision ? '#C00000' : PALETTE[(k + 1) % PALETTE.length];
      const points = [...cells.values()].filter(p => p.k === k);
      return {
        label: kind, data: points, backgroundColor: alpha(c, decision ? 0.9 : 0.6),
        borderColor: c, pointStyle: decision ? 'rectRot' : 'circle',
        pointRadius: points.map(p => (decision ? 9 : 5) + grow(p)),
        pointHoverRadius: points.map(p => (decision ? 11 : 7) + grow(p)),
      };
    });
    const o = options('Timeline of events and decisions',
                      `replicate 0 of ${run.replicates}; ◆ decision` +
                      (ev.items.length === 0 ? ' — no events in this run' : ''),
                      'month', 'event kind', '');
    o.interaction = {mode: 'nearest', intersect: true};
    // a linear axis over month indices, ticked at every step-th month and labelled YYYY-MM
    const step = Math.max(1, Math.ceil(months.length / 12));
    o.scales.x = {
      type: 'linear', min: -0.5, max: Math.max(months.length - 0.5, 0.5),
      title: {display: true, text: 'month'},
      afterBuildTicks: axis => {
        axis.ticks = months.map((m, t) => ({value: t})).filter(tick => tick.value % step === 0);
      },
      ticks: {maxRotation: 0, autoSkip: false, callback: v => months[v] || ''},
    };
    o.scales.y = {type: 'category', labels: ev.kinds.length ? ev.kinds : ['(none)'], offset: true,
                  title: {display: true, text: 'event kind'}};
    o.plugins.tooltip.callbacks = {
      title: items => items.length ? `${months[items[0].raw.x]}: ${items[0].raw.y}` : '',
      label: ctx => {
        const texts = ctx.raw.texts;
        const shown = texts.slice(0, 6).map(t => (t.length > 110 ? t.slice(0, 107) + '...' : t));
        if (texts.length > shown.length) shown.push(`... and ${texts.length - shown.length} more`);
        return shown;
      },
    };
    // room for every kind
    const box = document.getElementById(`timeline-${i}`);
    if (box) box.parentElement.style.height = `${Math.max(260, 150 + 34 * ev.kinds.length)}px`;
    make(`timeline-${i}`, {type: 'scatter', data: {datasets}, options: o});
  }

  // ---- differences between runs ----

  // whiskers from dataset.ci[j] = [low, high] (or null) across each horizontal bar
  const whiskers = {
    id: 'whiskers',
    afterDatasetsDraw(chart) {
      const ctx = chart.ctx;
      const x = chart.scales.x;
      chart.data.datasets.forEach((ds, d) => {
        const meta = chart.getDatasetMeta(d);
        if (!ds.ci || !chart.isDatasetVisible(d)) return;
        meta.data.forEach((bar, j) => {
          const ci = ds.ci[j];
          if (!ci) return;
          const lo = x.getPixelForValue(ci[0]);
          const hi = x.getPixelForValue(ci[1]);
          const h = Math.min(7, bar.height / 3);
          ctx.save();
          ctx.strokeStyle = '#222222';
          ctx.lineWidth = 1.5;
          ctx.beginPath();
          ctx.moveTo(lo, bar.y);
          ctx.lineTo(hi, bar.y);
          ctx.moveTo(lo, bar.y - h);
          ctx.lineTo(lo, bar.y + h);
          ctx.moveTo(hi, bar.y - h);
          ctx.lineTo(hi, bar.y + h);
          ctx.stroke();
          ctx.restore();
        });
      });
    },
  };

  function differenceChart(groupId) {
    const diffs = data.differences.filter(d => d.groups.some(g => g.id === groupId));
    if (!diffs.length) return;
    const first = diffs[0].groups.find(g => g.id === groupId);
    const labels = [...new Set(diffs.flatMap(d => d.groups.find(g => g.id === groupId)
                                                  .rows.map(r => r.label)))];
    let lo = 0, hi = 0;
    const datasets = diffs.map((d, k) => {
      const rows = d.groups.find(g => g.id === groupId).rows;
      const at = label => rows.find(r => r.label === label);
      const c = PALETTE[k % PALETTE.length];
      const ci = labels.map(l => {
        const r = at(l);
        return r && r.ci_low !== null ? [r.ci_low, r.ci_high] : null;
      });
      for (const l of labels) {
        const r = at(l);
        if (!r) continue;
        lo = Math.min(lo, r.mean_diff, r.ci_low ?? 0);
        hi = Math.max(hi, r.mean_diff, r.ci_high ?? 0);
      }
      return {label: `${d.b} − ${d.a}`, data: labels.map(l => (at(l) ? at(l).mean_diff : null)),
              rows: labels.map(at), ci, backgroundColor: alpha(c, 0.75), borderColor: c,
              borderWidth: 1};
    });
    const units = first.units;
    const pad = (hi - lo) * 0.05 || 1;
    const o = options(`Difference: ${first.title}`,
                      `bars: mean of B − A over ${diffs[0].pairs} paired replicate` +
                      `${diffs[0].pairs === 1 ? '' : 's'}; whiskers: ` +
                      `${Math.round(diffs[0].level * 100)}% confidence interval`,
                      `B − A (${units})`, '', units);
    o.indexAxis = 'y';
    o.interaction = {mode: 'nearest', axis: 'y', intersect: false};
    o.scales.x.ticks = {callback: v => si(v)};
    o.scales.x.suggestedMin = lo - pad;
    o.scales.x.suggestedMax = hi + pad;
    o.scales.y = {title: {display: true, text: groupId === 'chips' ? 'channel' :
                                                 groupId === 'compute' ? 'bloc' : 'firm'}};
    o.plugins.tooltip.callbacks.label = ctx => {
      const r = ctx.dataset.rows[ctx.dataIndex];
      if (!r) return '';
      const lines = [`${ctx.dataset.label}: ${withUnits(r.mean_diff, units)}`,
                     `A ${withUnits(r.mean_a, units)}, B ${withUnits(r.mean_b, units)}`];
      if (r.ci_low !== null) lines.push(`interval [${si(r.ci_low)}, ${si(r.ci_high)}]`);
      lines.push(`B > A in ${Math.round(r.share_b_greater * 100)}% of pairs`);
      return lines;
    };
    const box = document.getElementById(`diff-${groupId}`);
    const bars = labels.length * datasets.length;
    if (box) box.parentElement.style.height = `${Math.max(240, 140 + 40 * bars)}px`;
    make(`diff-${groupId}`, {type: 'bar', data: {labels, datasets}, options: o,
                             plugins: [whiskers]});
  }

  function overlayChart() {
    const months = [...new Set(data.runs.flatMap(r => r.months))].sort();
    const datasets = [];
    data.runs.forEach((run, k) => {
      const at = new Map(run.months.map((m, t) => [m, t]));
      for (const b of run.stock.blocs) {
        const c = blocColour(b.id);
        datasets.push({
          label: `${b.id}, ${run.label}`,
          data: months.map(m => (at.has(m) ? b.mean[at.get(m)] : null)),
          borderColor: c, backgroundColor: c, borderDash: RUN_DASHES[k % RUN_DASHES.length],
          borderWidth: 2.5, pointRadius: 0, pointHoverRadius: 4,
        });
      }
    });
    const units = data.runs[0].stock.units;
    const o = options('Compute stock by bloc, all runs', 'mean over replicates; line style = run',
                      'month', `compute stock (${units})`, units);
    o.plugins.legend = {labels: LINE_LEGEND};
    make('overlay-compute', {type: 'line', data: {labels: months, datasets}, options: o});
  }

  // ---- the page ----

  data.runs.forEach((run, i) => {
    stockChart(run, i);
    flowsChart(run, i);
    firmChart(`revenue-${i}`, 'line', run, run.revenue, 'Revenue by firm',
              `revenue (${run.revenue.units} per month)`);
    firmChart(`writedowns-${i}`, 'bar', run, run.write_downs, 'Write-downs by firm',
              `written off (${run.write_downs.units} per month)`);
    timelineChart(run, i);
  });
  if (data.runs.length > 1) {
    for (const g of ['compute', 'usd', 'chips']) differenceChart(g);
    overlayChart();
  }

  for (const box of document.querySelectorAll('input[data-log-scale]')) {
    box.addEventListener('change', () => {
      const entry = drawn.find(d => d.id === box.dataset.logScale);
      if (!entry) return;
      entry.chart.options.scales.y.type = box.checked ? 'logarithmic' : 'linear';
      entry.chart.update();
    });
  }

  // what each chart drew: datasets, points inside the plot area, painted pixels (all, and
  // coloured ones inside the plot area, i.e. data rather than grey axes, grid and text)
  function check() {
    const charts = drawn.map(({id, chart}) => {
      const area = chart.chartArea;
      let points = 0;
      chart.data.datasets.forEach((ds, d) => {
        if (!chart.isDatasetVisible(d)) return;
        for (const el of chart.getDatasetMeta(d).data)
          if (Number.isFinite(el.x) && Number.isFinite(el.y) && el.x >= area.left - 1 &&
              el.x <= area.right + 1 && el.y >= area.top - 1 && el.y <= area.bottom + 1)
            points++;
      });
      const canvas = chart.canvas;
      const px = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      const ratio = chart.currentDevicePixelRatio || 1;
      let pixels = 0, coloured = 0;
      for (let p = 0; p < px.length; p += 4) {
        if (px[p + 3] === 0) continue;
        pixels++;
        const x = (p / 4) % canvas.width / ratio, y = Math.floor(p / 4 / canvas.width) / ratio;
        const [r, g, b] = [px[p], px[p + 1], px[p + 2]];
        const spread = Math.max(r, g, b) - Math.min(r, g, b);
        if (spread > 40 && x > area.left && x < area.right && y > area.top && y < area.bottom)
          coloured++;
      }
      const axisTitle = name => {
        const s = chart.options.scales[name];
        return s && s.title && s.title.display ? s.title.text : '';
      };
      return {
        id, type: chart.config.type, datasets: chart.data.datasets.length, points, pixels,
        coloured_pixels: coloured, width: canvas.width, height: canvas.height,
        title: chart.options.plugins.title.text, x_title: axisTitle('x'), y_title: axisTitle('y'),
        legend: chart.legend ? chart.legend.legendItems.map(item => item.text) : [],
      };
    });
    const out = document.getElementById('render-check');
    out.textContent = JSON.stringify({chart_js: Chart.version, charts, errors});
    out.dataset.done = 'yes';
  }
  window.addEventListener('error', e => errors.push({id: '', error: String(e.message)}));
  if (document.readyState === 'complete') setTimeout(check, 0);
  else window.addEventListener('load', () => setTimeout(check, 0));
})();

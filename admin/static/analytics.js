// @ts-check
/* Signpost admin: draws each analytics chart from the data table it is paired with, using
   the vendored uPlot (admin/static/vendor/uplot). Without JavaScript the tables stay open and
   say everything the charts say; with it, the chart appears and the table folds into its
   disclosure. Markup: <div data-chart="line|bar" data-table="ID"> and <table id="ID"
   data-series="1,2">, the first cell of each row its x value (data-value: a UTC day in
   seconds for line charts), the listed columns the series. */
(function () {
  'use strict';
  /** @type {any} */
  const uPlot = /** @type {any} */ (window).uPlot;
  if (!uPlot) return;
  const COLORS = ['#4338ca', '#059669', '#dc2626', '#b45309', '#0e7490'];
  const HEIGHT = 240;
  /** @type {{el: HTMLElement, plot: any}[]} */
  const drawn = [];

  /** @param {Element | null | undefined} cell */
  function valueOf(cell) {
    if (!cell) return 0;
    const raw = cell.getAttribute('data-value');
    const value = Number(raw === null ? (cell.textContent || '').replace(/[^0-9.-]/g, '') : raw);
    return isFinite(value) ? value : 0;
  }

  /** @param {HTMLTableElement} table */
  function read(table) {
    const columns = (table.getAttribute('data-series') || '1').split(',').map(Number);
    const head = table.querySelectorAll('thead th');
    /** @type {number[]} */
    const xs = [];
    /** @type {string[]} */
    const names = [];
    /** @type {number[][]} */
    const ys = columns.map(function () { return []; });
    Array.from(table.tBodies[0] ? table.tBodies[0].rows : []).forEach(function (row, index) {
      const first = row.cells[0];
      xs.push(first && first.hasAttribute('data-value') ? valueOf(first) : index);
      names.push(first ? (first.getAttribute('data-label') || first.textContent || '').trim() : '');
      columns.forEach(function (column, s) { ys[s].push(valueOf(row.cells[column])); });
    });
    const labels = columns.map(function (column) {
      return head[column] ? (head[column].textContent || '').trim() : '';
    });
    return { xs: xs, names: names, ys: ys, labels: labels };
  }

  /**
   * @param {string} kind
   * @param {ReturnType<typeof read>} data
   * @param {number} width
   */
  function options(kind, data, width) {
    const bars = kind === 'bar';
    const top = Math.max(1, ...data.ys.map(function (ys) { return Math.max(0, ...ys); }));
    const series = [{ label: bars ? '' : 'Day' }].concat(data.labels.map(function (label, i) {
      const color = COLORS[i % COLORS.length];
      return {
        label: label,
        stroke: color,
        width: bars ? 0 : 2,
        fill: bars ? color : color + '18',
        points: { show: !bars && data.xs.length <= 31, size: 5 },
        paths: bars ? uPlot.paths.bars({ size: [0.6, 64] }) : undefined,
      };
    }));
    /** @type {any} */
    const x = bars
      ? {
        scale: 'x',
        splits: function () { return data.xs; },
        // Step names are shortened to the room each bar has, so that on a phone they do not
        // run into each other; the data table under the chart keeps them whole.
        values: function (/** @type {any} */ u) {
          const room = (u.width - 60) / Math.max(1, data.names.length);
          const chars = Math.max(3, Math.floor(room / 7));
          return data.names.map(function (name) {
            return name.length <= chars ? name : name.slice(0, chars - 1).trimEnd() + '…';
          });
        },
        grid: { show: false },
      }
      : { scale: 'x', grid: { stroke: '#eef0f3' } };
    return {
      width: width,
      height: HEIGHT,
      series: series,
      legend: { show: !bars },
      cursor: { drag: { x: false, y: false }, points: { size: 7 } },
      scales: {
        x: bars
          ? { time: false, range: function () { return [-0.5, data.xs.length - 0.5]; } }
          : { time: true },
        y: { range: function () { return [0, Math.ceil(top * 1.1)]; } },
      },
      axes: [
        Object.assign({ stroke: '#4b5563', ticks: { show: false } }, x),
        {
          stroke: '#4b5563',
          grid: { stroke: '#eef0f3' },
          ticks: { show: false },
          size: 48,
          values: function (/** @type {any} */ u, /** @type {number[]} */ splits) {
            return splits.map(function (v) { return Number.isInteger(v) ? v.toLocaleString('en') : ''; });
          },
        },
      ],
      tzDate: function (/** @type {number} */ ts) { return uPlot.tzDate(new Date(ts * 1e3), 'Etc/UTC'); },
    };
  }

  document.querySelectorAll('[data-chart]').forEach(function (node) {
    const el = /** @type {HTMLElement} */ (node);
    const table = document.getElementById(el.getAttribute('data-table') || '');
    if (!(table instanceof HTMLTableElement)) return;
    const data = read(table);
    if (!data.xs.length) return;
    el.hidden = false;
    const width = Math.max(200, el.clientWidth);
    const plot = new uPlot(options(el.getAttribute('data-chart') || 'line', data, width), [data.xs].concat(data.ys), el);
    drawn.push({ el: el, plot: plot });
    const details = table.closest('details[data-folds]');
    if (details instanceof HTMLDetailsElement) details.open = false;
  });

  /** @type {number | undefined} */
  let pending;
  window.addEventListener('resize', function () {
    if (pending) window.clearTimeout(pending);
    pending = window.setTimeout(function () {
      drawn.forEach(function (chart) {
        chart.plot.setSize({ width: Math.max(200, chart.el.clientWidth), height: HEIGHT });
      });
    }, 150);
  });
})();

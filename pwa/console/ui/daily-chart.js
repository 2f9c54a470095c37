// The dashboard's daily chart: conversations per channel, new relationships and door visits, one point a day, drawn by uPlot
// (about 20 KB gzipped, loaded when the chart first shows on the screen, never before: on a phone it sits below
// the tiles, and the page is ready sooner without it). The chart owns its canvas and its resize
// observer and is destroyed with its screen (ctx.watch). It is a picture for sighted people: the same numbers are a
// table next to it (dashboard.js), and the canvas is hidden from screen readers.
import { t } from '../../lib/i18n.js';

const COLORS = ['#1d4ed8', '#b45309', '#047857', '#7c3aed', '#be123c', '#0f766e'];
const HEIGHT = 260;
let stylesheet = null;

/** uPlot's own stylesheet, once, from our origin (the CSP allows no other). */
function loadStylesheet() {
  stylesheet ??= new Promise((resolve) => {
    const link = Object.assign(document.createElement('link'), { rel: 'stylesheet',
      href: '/vendor/uplot/uPlot.min.css' });
    link.addEventListener('load', resolve);
    link.addEventListener('error', resolve); // the chart still draws, only its legend unstyled
    document.head.append(link);
  });
  return stylesheet;
}

export class DailyChart {
  constructor() {
    /** @type {any} */ this.plot = null;
    /** @type {ResizeObserver | null} */ this.observer = null;
    /** @type {IntersectionObserver | null} */ this.near = null;
    this.drawn = null; // the series last drawn, so a redraw of the screen does not redraw the chart
  }

  /** Draw (or draw again) into ``element`` when the series changed. */
  async show(element, series) {
    if (!element || this.drawn === series) return;
    this.drawn = series;
    await this.nearScreen(element);
    const [{ default: UPlot }] = await Promise.all([import('uplot'), loadStylesheet()]);
    if (this.drawn !== series || !element.isConnected) return; // a newer series, or the screen was left
    this.destroy();
    this.drawn = series;
    const channels = Object.keys(series.conversations);
    const days = series.days.map((day) => Date.parse(`${day}T12:00:00Z`) / 1000);
    const data = [days, ...channels.map((c) => series.conversations[c]), series.relationships, series.door_visits];
    const lines = [...channels.map((c) => t(`console.dashboard.channel.${c}`)), t('console.dashboard.newRelationships'),
      t('console.dashboardDoors.visits')]
      .map((label, n) => ({ label, stroke: COLORS[n % COLORS.length], width: 2, points: { show: days.length < 60 } }));
    const width = Math.max(element.clientWidth, 280);
    this.plot = new UPlot({ width, height: HEIGHT, series: [{ label: t('console.dashboard.day') }, ...lines],
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(max, 4)] } },
      axes: [{}, { size: 40 }], tzDate: (ts) => UPlot.tzDate(new Date(ts * 1000), 'UTC') }, data, element);
    this.plot.root.setAttribute('aria-hidden', 'true');
    this.observer = new ResizeObserver(() => this.plot?.setSize({ width: Math.max(element.clientWidth, 280),
      height: HEIGHT }));
    this.observer.observe(element);
  }

  /** Resolves once ``element`` shows in the viewport (at once if it already does). */
  nearScreen(element) {
    this.near?.disconnect();
    return new Promise((resolve) => {
      this.near = new IntersectionObserver((entries) => {
        if (!entries.some((entry) => entry.isIntersecting)) return;
        this.near?.disconnect();
        this.near = null;
        resolve(undefined);
      });
      this.near.observe(element);
    });
  }

  destroy() {
    this.near?.disconnect();
    this.near = null;
    this.observer?.disconnect();
    this.observer = null;
    this.plot?.destroy();
    this.plot = null;
    this.drawn = null;
  }
}

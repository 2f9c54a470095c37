// Icons are lucide-static SVG files, inlined as text by the build (pwa/build.mjs): no request, no icon font, and
// they take the text colour. Each app keeps its own set (pwa/app/ui/icons.js, pwa/console/icons.js), so neither
// carries the other's; this is how any of them is drawn. An icon is decoration beside words, so it is hidden from
// screen readers.
import { unsafeHTML } from 'lit-html/directives/unsafe-html.js';

/** @param {string} svg an icon's SVG source */
export function svgIcon(svg) {
  return unsafeHTML(svg.replace('<svg', '<svg aria-hidden="true" focusable="false"'));
}

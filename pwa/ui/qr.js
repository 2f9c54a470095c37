// A QR code, as SVG: its own chunk (the qr package, about 6 KB gzipped), loaded the first time one is shown: a link
// in the console, a volunteer's contact card on a doorstep.
import encodeQR from 'qr';

/** The SVG of text's QR code; dark squares on whatever the container paints (white, for any camera). */
export function qrSvg(text) {
  return encodeQR(text, 'svg');
}

// The page's script, inlined: values under the pointer for line charts and bars. It also
// writes what it did into the page (`data-charts`: where each chart is; `data-script-error`:
// any error), which the browser test reads back. Plain ES2017, no library.

/** Runs first, on its own, so that an error anywhere later is still recorded. */
export const ERROR_TRAP = `window.addEventListener('error', function (e) {
  document.documentElement.setAttribute('data-script-error', String(e.message || e));
});`;

export const SCRIPT = `(function () {
  var tip = document.createElement('div');
  tip.className = 'tip';
  document.body.appendChild(tip);
  function show(text, ev) {
    tip.textContent = text;
    tip.style.display = 'block';
    tip.style.left = Math.min(ev.clientX + 14, window.innerWidth - tip.offsetWidth - 8) + 'px';
    tip.style.top = (ev.clientY + 14) + 'px';
  }
  function hide() { tip.style.display = 'none'; }
  function nearest(points, x) {
    var lo = 0, hi = points.length - 1;
    if (hi < 0) return null;
    while (hi - lo > 1) { var mid = (lo + hi) >> 1; if (points[mid][0] < x) lo = mid; else hi = mid; }
    return Math.abs(points[lo][0] - x) <= Math.abs(points[hi][0] - x) ? points[lo] : points[hi];
  }
  function fmt(v, percent) {
    var x = percent ? v * 100 : v;
    var a = Math.abs(x);
    return (a !== 0 && (a >= 1e4 || a < 1e-3) ? x.toExponential(3) : String(Number(x.toPrecision(5)))) + (percent ? ' %' : '');
  }
  Array.prototype.forEach.call(document.querySelectorAll('svg[data-hover]'), function (svg) {
    var d = JSON.parse(svg.getAttribute('data-hover'));
    var guide = svg.querySelector('.guide');
    var width = svg.viewBox.baseVal.width;
    svg.addEventListener('mousemove', function (ev) {
      var box = svg.getBoundingClientRect();
      var px = (ev.clientX - box.left) * width / box.width;
      if (px < d.px[0] || px > d.px[1]) { hide(); guide.setAttribute('visibility', 'hidden'); return; }
      var step = d.x[0] + (px - d.px[0]) / (d.px[1] - d.px[0]) * (d.x[1] - d.x[0]);
      var lines = [], at = null;
      d.series.forEach(function (s) {
        var p = nearest(s.points, step);
        if (!p) return;
        if (at === null || Math.abs(p[0] - step) < Math.abs(at - step)) at = p[0];
        lines.push(s.name + ': ' + fmt(p[1], d.percent) + '  (step ' + p[0] + ')');
      });
      if (at === null) return hide();
      var gx = d.px[0] + (at - d.x[0]) / (d.x[1] - d.x[0]) * (d.px[1] - d.px[0]);
      guide.setAttribute('x1', gx); guide.setAttribute('x2', gx); guide.setAttribute('visibility', 'visible');
      show('step ' + at + '\\n' + lines.join('\\n'), ev);
    });
    svg.addEventListener('mouseleave', function () { hide(); guide.setAttribute('visibility', 'hidden'); });
  });
  Array.prototype.forEach.call(document.querySelectorAll('[data-tip]'), function (el) {
    el.addEventListener('mousemove', function (ev) { show(el.getAttribute('data-tip'), ev); });
    el.addEventListener('mouseleave', hide);
  });
  // Where each chart is on the page ([left, top, width, height, kind]), how tall the page is,
  // and where its sections and headings start (for screenshots of parts of it).
  var charts = Array.prototype.map.call(document.querySelectorAll('svg.chart'), function (svg) {
    var r = svg.getBoundingClientRect();
    var kind = svg.hasAttribute('data-hover') ? 'line' : 'bars';
    return [Math.round(r.left + window.scrollX), Math.round(r.top + window.scrollY), Math.round(r.width), Math.round(r.height), kind];
  });
  document.documentElement.setAttribute('data-charts', JSON.stringify(charts));
  document.documentElement.setAttribute('data-height', String(document.documentElement.scrollHeight));
  var sections = {};
  Array.prototype.forEach.call(document.querySelectorAll('section[id], h3'), function (el, i) {
    sections[el.id || ('h3-' + i + '-' + el.textContent)] = Math.round(el.getBoundingClientRect().top + window.scrollY);
  });
  document.documentElement.setAttribute('data-sections', JSON.stringify(sections));
  window.addEventListener('load', function () {
    var images = document.querySelectorAll('img');
    var loaded = Array.prototype.filter.call(images, function (img) { return img.complete && img.naturalWidth > 0; }).length;
    document.documentElement.setAttribute('data-images', JSON.stringify({ loaded: loaded, total: images.length }));
  });
})();`;

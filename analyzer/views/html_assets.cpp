// The HTML report's stylesheet and scripts, inlined into every page so the
// report opens anywhere with no network. Plain CSS and vanilla JavaScript.
#include "html_parts.h"

namespace analyzer {

const char* const kHtmlStyle = R"CSS(
:root { --ink: #1f2328; --muted: #656d76; --line: #d0d7de; --paper: #ffffff; --ground: #f6f8fa;
        --accent: #0969da; --bad: #cf222e; --serial: #f59e0b; --idle: #8c959f; --bar: #4e79a7; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--ground); color: var(--ink);
       font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
code { font: 12.5px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace; }
header, main, footer { max-width: 1180px; margin: 0 auto; padding: 0 24px; }
header { padding-top: 20px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h1 code { font-size: 22px; }
h2 { font-size: 19px; margin: 0 0 12px; padding-bottom: 6px; border-bottom: 1px solid var(--line); }
h3 { font-size: 15px; margin: 18px 0 8px; }
.command code { background: var(--paper); border: 1px solid var(--line); border-radius: 6px; padding: 3px 8px;
                display: inline-block; max-width: 100%; overflow-wrap: anywhere; }
.facts { color: var(--muted); margin: 6px 0; }
.warning { background: #fff8c5; border: 1px solid #d4a72c; border-radius: 6px; padding: 6px 10px; }
.note, .hint, .empty { color: var(--muted); }
nav { display: flex; gap: 6px; margin: 12px 0 4px; }
nav a { color: var(--accent); text-decoration: none; padding: 3px 10px; border: 1px solid var(--line);
        border-radius: 16px; background: var(--paper); font-size: 13px; }
nav a:hover { border-color: var(--accent); }
section { background: var(--paper); border: 1px solid var(--line); border-radius: 8px; padding: 16px 20px;
          margin: 16px 0; }
.finding { border-left: 4px solid var(--bad); padding: 2px 0 2px 14px; margin: 0 0 18px; }
.finding:last-child { margin-bottom: 4px; }
.finding h3 { margin: 0 0 4px; font-size: 16px; line-height: 1.4; overflow-wrap: anywhere; }
.rank { display: inline-block; min-width: 22px; height: 22px; margin-right: 8px; border-radius: 11px;
        background: var(--bad); color: #fff; font-size: 13px; text-align: center; line-height: 22px; }
.kind { font-size: 11.5px; font-weight: normal; color: var(--muted); border: 1px solid var(--line);
        border-radius: 10px; padding: 0 7px; white-space: nowrap; vertical-align: 2px; }
.site, .evidence, .stack { overflow-wrap: anywhere; }
.site { margin: 2px 0; }
.evidence { margin: 6px 0; padding-left: 20px; }
.evidence li { margin: 1px 0; }
.advice { background: #ddf4ff; border-radius: 6px; padding: 6px 10px; margin: 6px 0 0; }
details summary { cursor: pointer; color: var(--muted); font-size: 13px; }
.stack { margin: 4px 0; font-size: 12px; }
.stats { display: flex; flex-wrap: wrap; gap: 10px; margin: 10px 0; }
.stats div { background: var(--ground); border: 1px solid var(--line); border-radius: 6px; padding: 6px 12px;
             min-width: 120px; }
.stats b { display: block; font-size: 18px; }
.stats span { color: var(--muted); font-size: 12px; }
table { border-collapse: collapse; margin: 8px 0; }
caption { text-align: left; font-weight: 600; padding: 4px 0; }
th, td { padding: 3px 10px; border-bottom: 1px solid #eaeef2; text-align: left; vertical-align: top; }
th { font-weight: 600; font-size: 12.5px; color: var(--muted); }
td.num, .data th { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.data th:last-child { text-align: left; }
.sites { width: 100%; }
.site-cell { overflow-wrap: anywhere; }
.levels td.num { width: 80px; }
.bar-cell { width: 320px; }
.hbar { display: inline-block; height: 10px; background: var(--bar); border-radius: 2px; }
svg.chart { width: 100%; height: auto; display: block; }
svg text { font: 11px system-ui, sans-serif; fill: var(--muted); }
svg .grid { stroke: #eaeef2; stroke-width: 1; }
svg .axis { stroke: var(--line); stroke-width: 1; }
svg .axis-label { fill: var(--ink); }
svg .lane-label { fill: var(--ink); }
.p-bars rect { fill: var(--bar); }
.p-bars rect:hover, .lanes rect:hover, .histogram g:hover .bar { fill: var(--accent); }
rect.serial { fill: var(--serial); opacity: 0.22; }
rect.idle { fill: var(--idle); opacity: 0.22; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px; vertical-align: -1px; margin: 0 4px 0 8px; }
.swatch.serial { background: var(--serial); opacity: 0.5; }
.swatch.idle { background: var(--idle); opacity: 0.5; }
.file-grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(480px, 1fr)); gap: 12px; }
.file-card { border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; }
.file-card h4 { margin: 0; font-size: 14px; overflow-wrap: anywhere; }
.file-card p { margin: 2px 0 4px; color: var(--muted); }
.op { font-size: 11px; text-transform: uppercase; letter-spacing: .04em; border-radius: 3px; padding: 1px 5px;
      color: #fff; background: var(--bar); }
.op.write { background: #59a14f; }
svg.histogram { width: 100%; max-width: 520px; height: auto; display: block; }
.histogram .bar { fill: var(--bar); }
.histogram .bar.eof { fill: var(--idle); }
.histogram .count { fill: var(--ink); }
.flame-controls { display: flex; gap: 12px; align-items: center; flex-wrap: wrap; margin-bottom: 8px; }
.flame-controls .hint { font-size: 12.5px; }
button, select { font: inherit; font-size: 13px; }
.flame { position: relative; width: 100%; overflow: hidden; border: 1px solid var(--line); border-radius: 6px;
         background: #fffdf7; }
.frame { position: absolute; height: 17px; overflow: hidden; white-space: nowrap; text-overflow: ellipsis;
         font: 11.5px/17px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; color: #1f2328;
         padding: 0 3px; border-right: 1px solid #fffdf7; border-top: 1px solid #fffdf7; cursor: pointer; }
.frame:hover { filter: brightness(0.9); outline: 1px solid #1f2328; z-index: 1; }
.frame.faded { opacity: 0.55; }
#tooltip { position: fixed; pointer-events: none; display: none; z-index: 10; max-width: 560px;
           background: #1f2328; color: #fff; border-radius: 6px; padding: 6px 9px; font-size: 12.5px;
           overflow-wrap: anywhere; white-space: pre-line; box-shadow: 0 4px 12px rgba(0,0,0,.25); }
.script-errors { background: #ffebe9; border: 1px solid var(--bad); color: var(--bad); padding: 8px 12px;
                 max-width: 1180px; margin: 12px auto; border-radius: 6px; }
footer { color: var(--muted); font-size: 12.5px; padding-bottom: 24px; }
)CSS";

// Collects script errors, console.error calls and blocked fetches (the page's
// Content-Security-Policy forbids them) into a banner on the page and a
// data-script-errors attribute, so users and the browser test both see them.
const char* const kHtmlErrorHook = R"JS(
(function () {
  var errors = [];
  function report(message) {
    errors.push(String(message));
    document.documentElement.setAttribute('data-script-errors', String(errors.length));
    function show() {
      var box = document.getElementById('script-errors');
      if (!box) {
        box = document.createElement('div');
        box.id = 'script-errors';
        box.className = 'script-errors';
        document.body.insertBefore(box, document.body.firstChild);
      }
      var line = document.createElement('p');
      line.textContent = 'Script error in this report: ' + message;
      box.appendChild(line);
    }
    if (document.body) show(); else document.addEventListener('DOMContentLoaded', show);
  }
  window.addEventListener('error', function (e) { report((e.message || 'error') + ' (line ' + (e.lineno || '?') + ')'); });
  window.addEventListener('unhandledrejection', function (e) { report('unhandled rejection: ' + e.reason); });
  document.addEventListener('securitypolicyviolation', function (e) { report('blocked a fetch of ' + e.blockedURI); });
  var consoleError = console.error;
  console.error = function () {
    report(Array.prototype.join.call(arguments, ' '));
    return consoleError.apply(console, arguments);
  };
})();
)JS";

const char* const kHtmlScript = R"JS(
(function () {
  'use strict';
  var tooltip = document.getElementById('tooltip');
  function showTip(event, text) {
    tooltip.textContent = text;
    tooltip.style.display = 'block';
    var x = event.clientX + 14, y = event.clientY + 14;
    var w = tooltip.offsetWidth, h = tooltip.offsetHeight;
    if (x + w > window.innerWidth - 8) x = Math.max(8, event.clientX - w - 14);
    if (y + h > window.innerHeight - 8) y = Math.max(8, event.clientY - h - 14);
    tooltip.style.left = x + 'px';
    tooltip.style.top = y + 'px';
  }
  function hideTip() { tooltip.style.display = 'none'; }
  function commas(n) { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ','); }
  function bytes(n) {
    var units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'], u = 0;
    while (n >= 1024 && u < units.length - 1) { n /= 1024; u++; }
    return (u === 0 || n >= 100 ? n.toFixed(0) : n.toFixed(1)) + ' ' + units[u];
  }
  // Warm colours picked by the name, so a function keeps its colour on zoom.
  function colour(name) {
    var h = 2166136261;
    for (var i = 0; i < name.length; i++) { h ^= name.charCodeAt(i); h = Math.imul(h, 16777619) >>> 0; }
    return 'hsl(' + (8 + h % 42) + ',' + (70 + (h >>> 8) % 25) + '%,' + (62 + (h >>> 16) % 14) + '%)';
  }

  var holder = document.getElementById('flame');
  var source = document.getElementById('flame-data');
  if (holder && source) {
    var ROW = 18, root = JSON.parse(source.textContent);
    (function link(node, parent, depth) {
      node.parent = parent; node.depth = depth; node.c = node.c || [];
      var deepest = depth;
      node.c.forEach(function (child) { deepest = Math.max(deepest, link(child, node, depth + 1)); });
      node.height = deepest - depth;
      return deepest;
    })(root, null, 0);
    var weight = 'v', focus = root;
    var weightSelect = document.getElementById('flame-weight');

    function describe(node) {
      var v = node[weight], total = root[weight], share = total > 0 ? (100 * v / total).toFixed(2) : '0';
      var amount = weight === 'v' ? commas(v) + ' allocations' : bytes(v);
      var other = weight === 'v' ? bytes(node.b) : commas(node.v) + ' allocations';
      return node.n + '\n' + amount + ' (' + share + '% of all; ' + other + ')';
    }
    function addFrame(node, left, width, faded) {
      var div = document.createElement('div');
      div.className = faded ? 'frame faded' : 'frame';
      div.style.left = (100 * left) + '%';
      div.style.width = (100 * width) + '%';
      div.style.bottom = (node.depth * ROW) + 'px';
      div.style.background = node.depth === 0 ? '#d0d7de' : colour(node.n);
      div.textContent = width * holder.clientWidth > 28 ? node.n : '';
      div.addEventListener('mousemove', function (e) { showTip(e, describe(node)); });
      div.addEventListener('mouseleave', hideTip);
      div.addEventListener('click', function () { focus = node; render(); });
      holder.appendChild(div);
    }
    // The focus fills the width; its ancestors stay below it, faded, to zoom back out.
    // Frames under half a pixel are not drawn; the height fits the drawn ones.
    function render() {
      hideTip();
      holder.textContent = '';
      var total = focus[weight], frames = [], deepest = focus.depth;
      var minWidth = 0.5 / Math.max(1, holder.clientWidth);
      (function collect(node, left) {
        var width = total > 0 ? node[weight] / total : 0;
        if (width < minWidth) return;
        frames.push([node, left, width]);
        deepest = Math.max(deepest, node.depth);
        node.c.forEach(function (child) { collect(child, left); left += total > 0 ? child[weight] / total : 0; });
      })(focus, 0);
      holder.style.height = ((deepest + 1) * ROW + 4) + 'px';
      for (var a = focus.parent; a; a = a.parent) addFrame(a, 0, 1, true);
      frames.forEach(function (f) { addFrame(f[0], f[1], f[2], false); });
      document.documentElement.setAttribute('data-rendered', 'yes');
    }
    weightSelect.addEventListener('change', function () { weight = weightSelect.value; render(); });
    document.getElementById('flame-reset').addEventListener('click', function () { focus = root; render(); });
    window.addEventListener('resize', render);
    render();
  } else {
    document.documentElement.setAttribute('data-rendered', 'yes');
  }
})();
)JS";

}  // namespace analyzer

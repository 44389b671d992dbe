/* Interactive charts, loaded by site.js on pages that have charts. When a chart nears the
 * viewport, the vendored Vega libraries are loaded (once) and the chart's Vega-Lite spec is
 * rendered with tooltips over the static SVG, which stays for print, without JavaScript and if
 * anything fails. No eval: Vega runs with its expression interpreter (`ast: true`), so the
 * Content-Security-Policy needs no 'unsafe-eval'.
 * The spec is JSON in a <template> (its <, > and & written as \u003c...: nothing in it can end
 * the element), not in a <script type="application/json">: the theme's instant navigation
 * re-creates every <script> of a new page as an executable one, dropping its type. */
window.trCharts = (function () {
  "use strict";
  var here = document.currentScript.src;
  var LIBRARIES = ["vega.min.js", "vega-lite.min.js", "vega-embed.min.js"];
  var libraries = null;
  var watcher = null;

  function load(name) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = new URL("../vendor/" + name, here).href;
      script.onload = resolve;
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }

  function loadVega() {
    if (!libraries) {
      var style = document.createElement("link");
      style.rel = "stylesheet";
      style.href = new URL("charts.css", here).href;
      document.head.appendChild(style);
      libraries = LIBRARIES.reduce(function (chain, name) {
        return chain.then(function () { return load(name); });
      }, Promise.resolve());
    }
    return libraries;
  }

  function enhance(figure) {
    var source = figure.querySelector("template.tr-chart-spec");
    var image = figure.querySelector("img");
    if (!source || !image || figure.querySelector(".tr-chart-view")) return;
    var spec = JSON.parse(source.content.textContent);
    var view = document.createElement("div");
    view.className = "tr-chart-view";
    image.after(view);
    loadVega().then(function () {
      return window.vegaEmbed(view, spec, {
        actions: false,
        renderer: "svg",
        ast: true,
        defaultStyle: false,
        tooltip: { theme: "custom", disableDefaultStyle: true }
      });
    }).then(function () {
      /* The view is one image named by the chart's summary (Vega-Embed sets its own role), and
       * Vega's marks are not read one by one. */
      view.setAttribute("role", "img");
      view.setAttribute("aria-label", image.alt);
      view.querySelectorAll("svg").forEach(function (svg) { svg.setAttribute("aria-hidden", "true"); });
      figure.classList.add("tr-chart--live");
    }).catch(function () {
      view.remove();
    });
  }

  function setup() {
    if (watcher) watcher.disconnect();
    if (!("IntersectionObserver" in window)) return;
    watcher = new IntersectionObserver(function (entries, observer) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) {
          observer.unobserve(entry.target);
          enhance(entry.target);
        }
      });
    }, { rootMargin: "200px" });
    document.querySelectorAll("figure.tr-chart").forEach(function (figure) { watcher.observe(figure); });
  }

  return { setup: setup };
})();

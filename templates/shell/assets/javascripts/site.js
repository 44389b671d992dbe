/* The site's own behaviour on top of mkdocs-material, loaded after the theme's bundle:
 * - search: Pagefind, loaded on first use, shown in the theme's search dialog;
 * - charts: on pages that have charts, charts.js makes them interactive (tooltips);
 * - keyboard access to the header's menu and search buttons, and <details> opened for printing.
 * Works with the theme's instant navigation: page-level work runs on each `document$` emission. */
(function () {
  "use strict";
  var here = document.currentScript.src;
  var site = new URL("../../", here);

  /* Search ------------------------------------------------------------------------------- */

  var PAGE = 10;
  var toggle = document.getElementById("__search");
  var box = document.querySelector(".tr-search");
  var pagefind = null;

  /* Pagefind runs on the page, not in its worker: that saves the worker's 41 KB script, and a
   * search takes milliseconds. Rejects where there is no index (the preview builds none). */
  function loadPagefind() {
    if (!pagefind) {
      var url = new URL("pagefind/pagefind.js", site).href;
      pagefind = import(url).then(function (module) {
        return module.options({ excerptLength: 24, noWorker: true }).then(function () {
          module.init();
          return module;
        });
      });
      pagefind.catch(function () { pagefind = null; });
    }
    return pagefind;
  }

  function setupSearch() {
    if (!box || !toggle) return;
    var input = box.querySelector("input");
    var form = box.querySelector("form");
    var meta = box.querySelector(".md-search-result__meta");
    var list = box.querySelector(".md-search-result__list");
    var opener = document.querySelector(".tr-search-open");
    var latest = 0;

    function open() {
      if (!toggle.checked) toggle.click();
      loadPagefind().catch(function () {});
    }
    function close() {
      if (toggle.checked) toggle.click();
      input.blur();
    }
    function count(n) {
      var text = n === 0 ? box.dataset.none : n === 1 ? box.dataset.one : box.dataset.other;
      return text.replace("#", String(n));
    }

    function excerpt(html) {
      /* Pagefind's excerpt is text with <mark> around the hits: keep exactly that, nothing else. */
      var doc = new DOMParser().parseFromString("<p>" + html + "</p>", "text/html");
      var p = document.createElement("p");
      doc.body.firstChild.childNodes.forEach(function (node) {
        if (node.nodeName === "MARK") {
          var mark = document.createElement("mark");
          mark.textContent = node.textContent;
          p.appendChild(mark);
        } else {
          p.appendChild(document.createTextNode(node.textContent));
        }
      });
      return p;
    }

    function item(data) {
      var li = document.createElement("li");
      li.className = "md-search-result__item";
      var a = document.createElement("a");
      a.className = "md-search-result__link";
      a.href = new URL(data.url.replace(/^\//, ""), site).href;
      var article = document.createElement("article");
      article.className = "md-search-result__article md-typeset";
      var title = document.createElement("h2");
      title.textContent = (data.meta && data.meta.title) || data.url;
      article.appendChild(title);
      article.appendChild(excerpt(data.excerpt));
      a.appendChild(article);
      li.appendChild(a);
      return li;
    }

    function show(results, from, query) {
      var page = results.slice(from, from + PAGE);
      return Promise.all(page.map(function (r) { return r.data(); })).then(function (data) {
        if (query !== latest) return;
        data.forEach(function (d) { list.appendChild(item(d)); });
        if (from + PAGE < results.length) {
          var more = document.createElement("li");
          more.className = "tr-search-more";
          list.appendChild(more);
          new IntersectionObserver(function (entries, observer) {
            if (entries[0].isIntersecting) {
              observer.disconnect();
              more.remove();
              show(results, from + PAGE, query);
            }
          }, { root: box.querySelector(".md-search__scrollwrap") }).observe(more);
        }
      });
    }

    function run() {
      var query = ++latest;
      var text = input.value.trim();
      if (!text) {
        list.textContent = "";
        meta.textContent = count(0);
        return;
      }
      loadPagefind().then(function (pf) {
        return pf.debouncedSearch(text, {}, 200);
      }).then(function (search) {
        if (!search || query !== latest) return;
        list.textContent = "";
        meta.textContent = count(search.results.length);
        return show(search.results, 0, query);
      }).catch(function () { /* no index: nothing to show */ });
    }

    input.addEventListener("focus", open);
    input.addEventListener("input", run);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var first = list.querySelector("a");
      if (first) location.href = first.href;
    });
    form.addEventListener("reset", function () {
      setTimeout(function () { run(); input.focus(); });
    });
    if (opener) {
      opener.addEventListener("click", function () { setTimeout(function () { input.focus(); }); });
    }
    box.addEventListener("keydown", function (event) {
      var links = Array.prototype.slice.call(list.querySelectorAll("a"));
      var at = links.indexOf(document.activeElement);
      if (event.key === "Escape") {
        event.preventDefault();
        close();
        if (opener && getComputedStyle(opener).display !== "none") opener.focus();
      } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!links.length) return;
        event.preventDefault();
        var next = event.key === "ArrowDown" ? at + 1 : at - 1;
        if (next < 0) input.focus();
        else links[Math.min(next, links.length - 1)].focus();
      }
    });
    document.addEventListener("keydown", function (event) {
      var target = event.target;
      var typing = target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName);
      if (!typing && !event.ctrlKey && !event.metaKey && !event.altKey && (event.key === "/" || event.key === "s")) {
        event.preventDefault();
        open();
        input.focus();
      }
    });
  }

  /* Header buttons that the theme draws as <label>s: the theme presses a focused label on Enter,
   * Space should too, as on any button. */
  function setupButtons() {
    document.querySelectorAll("label.md-header__button[tabindex]").forEach(function (label) {
      label.addEventListener("keydown", function (event) {
        if (event.key === " ") {
          event.preventDefault();
          label.click();
        }
      });
    });
  }

  /* Charts: the enhancement lives in charts.js, loaded only by pages that have charts. */
  var charts = null;

  function setupCharts() {
    if (!document.querySelector("figure.tr-chart template.tr-chart-spec")) return;
    if (!charts) {
      charts = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = new URL("charts.js", here).href;
        script.onload = function () { resolve(window.trCharts); };
        script.onerror = reject;
        document.head.appendChild(script);
      });
    }
    charts.then(function (module) { module.setup(); });
  }

  /* Printing: open every <details> (data tables, BibTeX) and close them again afterwards. */
  var opened = [];
  window.addEventListener("beforeprint", function () {
    opened = Array.prototype.filter.call(document.querySelectorAll("details:not([open])"), function (d) {
      d.open = true;
      return true;
    });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (d) { d.open = false; });
    opened = [];
  });

  setupSearch();
  setupButtons();
  if (window.document$) window.document$.subscribe(setupCharts);
  else setupCharts();
})();

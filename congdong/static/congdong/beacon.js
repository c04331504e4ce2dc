/* congdong viewport beacon (no dependencies).
 *
 * Counts a feed item as seen when at least half of it (or half the screen, for a tall one)
 * stays visible for one second; each item once per page load. Items are elements carrying
 * data-cd-seen-post="<post id>" data-cd-seen-page="<page id>", including ones htmx adds later.
 * Sends them in batches with navigator.sendBeacon every 5 seconds and when the page is hidden
 * or left. Sends nothing when the browser asks not to be tracked (Do Not Track, Global
 * Privacy Control) or the visitor opted out on /quyen-rieng-tu/ (cookie cd_khong_theo_doi).
 */
(function () {
  "use strict";
  var script = document.currentScript;
  var url = (script && script.getAttribute("data-url")) || "/su-kien/";
  var nav = navigator;
  if (nav.doNotTrack === "1" || window.doNotTrack === "1" || nav.globalPrivacyControl) return;
  if (/(?:^|;\s*)cd_khong_theo_doi=1(?:;|$)/.test(document.cookie)) return;
  if (!("IntersectionObserver" in window) || typeof nav.sendBeacon !== "function") return;

  var DWELL_MS = 1000, SEND_EVERY_MS = 5000, BATCH = 50, SELECTOR = "[data-cd-seen-post]";
  var queue = [];             // {post, page} waiting to be sent
  var counted = {};           // "page.post" → true, once counted on this page load
  var timers = new Map();     // element → dwell timer while it is visible enough
  var watched = new WeakSet();

  function send() {
    while (queue.length) {
      // A string body goes as text/plain: no preflight, and the server reads it as JSON.
      nav.sendBeacon(url, JSON.stringify({ seen: queue.splice(0, BATCH) }));
    }
  }

  function count(el) {
    observer.unobserve(el);
    var post = parseInt(el.getAttribute("data-cd-seen-post"), 10);
    var page = parseInt(el.getAttribute("data-cd-seen-page"), 10);
    if (!(post > 0 && page > 0) || counted[page + "." + post]) return;
    counted[page + "." + post] = true;
    queue.push({ post: post, page: page });
  }

  function visibleEnough(entry) {
    if (!entry.isIntersecting) return false;
    if (entry.intersectionRatio >= 0.5) return true;
    var screen = entry.rootBounds ? entry.rootBounds.height : window.innerHeight;
    return entry.intersectionRect.height >= screen / 2;  // taller than two screens
  }

  function stopTimer(el) {
    if (timers.has(el)) { clearTimeout(timers.get(el)); timers.delete(el); }
  }

  var observer = new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      var el = entry.target;
      if (visibleEnough(entry) && document.visibilityState === "visible") {
        if (!timers.has(el)) {
          timers.set(el, setTimeout(function () { timers.delete(el); count(el); }, DWELL_MS));
        }
      } else {
        stopTimer(el);
      }
    });
  }, { threshold: [0, 0.25, 0.5, 0.75, 1] });

  function watch(root) {
    var found = root.matches && root.matches(SELECTOR) ? [root] : [];
    if (root.querySelectorAll) found = found.concat(Array.prototype.slice.call(root.querySelectorAll(SELECTOR)));
    found.forEach(function (el) {
      if (!watched.has(el)) { watched.add(el); observer.observe(el); }
    });
  }

  watch(document);
  new MutationObserver(function (changes) {
    changes.forEach(function (change) {
      change.addedNodes.forEach(function (node) { if (node.nodeType === 1) watch(node); });
    });
  }).observe(document.documentElement, { childList: true, subtree: true });

  setInterval(send, SEND_EVERY_MS);
  function key(el) {
    return el.getAttribute("data-cd-seen-page") + "." + el.getAttribute("data-cd-seen-post");
  }

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") {
      // Nothing is seen while the page is hidden: stop the clocks and send what was counted.
      Array.from(timers.keys()).forEach(stopTimer);
      send();
    } else {
      // Observing again reports what is on screen now, which restarts those clocks.
      Array.prototype.forEach.call(document.querySelectorAll(SELECTOR), function (el) {
        if (watched.has(el) && !counted[key(el)]) { observer.unobserve(el); observer.observe(el); }
      });
    }
  });
  window.addEventListener("pagehide", send);
})();

/* replybox comment counts for index pages, no dependencies. See docs/browser.md:
   <a href="/post/42/#comments" data-replybox-count="42">Comments</a>
   <script src="https://API/count.js" data-site="SITE" defer></script>
   Every element with data-replybox-count="POST_ID" (and data-site, or the script's) gets its post's
   approved count, with one counts request per site for the whole page. Text is set as text only.
   The words: data-zero / data-one / data-many ("{n} Comments") on the script, else the page's language
   (data-lang, else <html lang>) from the widget's catalog file, static/widget-LANG.json. */
(() => {
  "use strict";
  const script = document.currentScript || document.querySelector("script[src*='count.js']");
  if (!script) return;
  const API = script.src.replace(/\/count\.js(?:[?#].*)?$/, "");
  const opt = script.dataset;
  // chalicelib/i18n.py's LANGUAGES (tests/unit/test_i18n.py keeps them the same).
  const LANGUAGES = ["en", "de", "ar"];
  const code = String(opt.lang || document.documentElement.lang || "").trim().toLowerCase().split(/[-_]/)[0];
  const lang = LANGUAGES.indexOf(code) >= 0 ? code : "en";
  const strings = lang === "en" || (opt.zero && opt.one && opt.many)
    ? Promise.resolve({})
    : fetch(API + "/static/widget-" + lang + ".json", { credentials: "omit" })
      .then((r) => (r.ok ? r.json() : {}))
      .catch(() => ({}));

  function label(n, catalog) {
    if (n === 0) return opt.zero || t("No comments", catalog);
    if (opt.one && n === 1) return opt.one;
    if (opt.many && n !== 1) return opt.many.replace("{n}", String(n));
    return tn("{n} Comment", "{n} Comments", n, catalog);
  }

  // As widget.js: the msgid is the English text; a count has a form per CLDR plural category.
  function t(msgid, catalog) {
    return typeof catalog[msgid] === "string" ? catalog[msgid] : msgid;
  }

  function tn(one, other, n, catalog) {
    const forms = catalog[one];
    const text = forms && typeof forms === "object" ? forms[new Intl.PluralRules(lang).select(n)] || forms.other : null;
    return (text || (n === 1 ? one : other)).replace("{n}", String(n));
  }

  function fill() {
    const bySite = new Map();
    document.querySelectorAll("[data-replybox-count]").forEach((node) => {
      const site = node.dataset.site || script.dataset.site;
      const post = node.dataset.replyboxCount;
      if (!site || !post) return;
      if (!bySite.has(site)) bySite.set(site, new Map());
      const posts = bySite.get(site);
      if (!posts.has(post)) posts.set(post, []);
      posts.get(post).push(node);
    });
    bySite.forEach((posts, site) => {
      const ids = [...posts.keys()];
      for (let i = 0; i < ids.length; i += 100) { // the counts route answers up to 100 posts at a time
        const chunk = ids.slice(i, i + 100);
        const query = chunk.map((id) => "post_id=" + encodeURIComponent(id)).join("&");
        fetch(API + "/sites/" + encodeURIComponent(site) + "/counts?" + query, { credentials: "omit" })
          .then((r) => (r.ok ? r.json() : Promise.reject(new Error(String(r.status)))))
          .then((counts) => strings.then((catalog) => chunk.forEach((id) => {
            const n = Number(counts[id]) || 0;
            posts.get(id).forEach((node) => {
              node.textContent = label(n, catalog);
              node.setAttribute("data-replybox-counted", String(n));
            });
          })))
          .catch(() => { /* the theme's own text stays */ });
      }
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fill, { once: true });
  else fill();
})();

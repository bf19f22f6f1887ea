/* replybox comment counts for index pages, no dependencies. See docs/browser.md:
   <a href="/post/42/#comments" data-replybox-count="42">Comments</a>
   <script src="https://API/count.js" data-site="SITE" defer></script>
   Every element with data-replybox-count="POST_ID" (and data-site, or the script's) gets its post's
   approved count, with one counts request per site for the whole page. Text is set as text only. */
(() => {
  "use strict";
  const script = document.currentScript || document.querySelector("script[src*='count.js']");
  if (!script) return;
  const API = script.src.replace(/\/count\.js(?:[?#].*)?$/, "");
  const zero = script.dataset.zero || "No comments";
  const one = script.dataset.one || "1 Comment";
  const many = script.dataset.many || "{n} Comments";

  function label(n) {
    return n === 0 ? zero : n === 1 ? one : many.replace("{n}", String(n));
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
          .then((counts) => chunk.forEach((id) => {
            const n = Number(counts[id]) || 0;
            posts.get(id).forEach((node) => {
              node.textContent = label(n);
              node.setAttribute("data-replybox-counted", String(n));
            });
          }))
          .catch(() => { /* the theme's own text stays */ });
      }
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fill, { once: true });
  else fill();
})();

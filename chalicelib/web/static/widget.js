/* replybox comment widget, no dependencies; it talks only to the API it was loaded from. See docs/browser.md:
   <div id="replybox"></div> <script src="https://API/widget.js" data-site="SITE" data-post="POST_ID" defer></script>
   A page with a WordPress-style form#commentform is enhanced in place. Comment text is inserted as text only.
   Its language: data-lang, else the page's <html lang>; the strings of a language other than English come
   from one small cacheable file, static/widget-LANG.json (compiled from the catalogs, docs/i18n.md). */
(() => {
  "use strict";
  const script = document.currentScript || document.querySelector("script[data-site][src*='widget.js']");
  if (!script || script.replyboxStarted) return;
  script.replyboxStarted = true;
  const opt = script.dataset;
  const API = script.src.replace(/\/widget\.js(?:[?#].*)?$/, "");
  // chalicelib/i18n.py's LANGUAGES and RIGHT_TO_LEFT (tests/unit/test_i18n.py keeps them the same).
  const LANGUAGES = ["en", "de", "ar"];
  const RIGHT_TO_LEFT = ["ar"];
  const lang = language(opt.lang || document.documentElement.lang);
  let catalog = {};
  if (lang === "en") main();
  else {
    fetch(API + "/static/widget-" + lang + ".json", { credentials: "omit" })
      .then((r) => (r.ok ? r.json() : {}))
      .catch(() => ({}))
      .then((strings) => { catalog = strings || {}; main(); });
  }

  // A shipped language the tag names ("de", "de-AT"), else English.
  function language(tag) {
    const code = String(tag || "").trim().toLowerCase().split(/[-_]/)[0];
    return LANGUAGES.indexOf(code) >= 0 ? code : "en";
  }

  // A message in the page's language; the msgid is the English text.
  function t(msgid) {
    return typeof catalog[msgid] === "string" ? catalog[msgid] : msgid;
  }

  // A count's message: the catalog has a form per CLDR plural category (Arabic has six).
  function tn(one, other, n) {
    const forms = catalog[one];
    const text = forms && typeof forms === "object" ? forms[new Intl.PluralRules(lang).select(n)] || forms.other : null;
    return (text || (n === 1 ? one : other)).replace("{n}", String(n));
  }

  function main() {
    const SITE = API + "/sites/" + encodeURIComponent(opt.site || "");
    const pageSize = Math.min(Math.max(parseInt(opt.pageSize, 10) || 50, 1), 100);
    const NAMES = { post_id: "comment_post_ID", parent_id: "comment_parent", content: "comment", hp: "ak_hp_textarea" };
    const MESSAGES = {
      403: t("Comments are closed on this post."),
      404: t("The comment you are replying to is no longer there. Cancel the reply and send your comment again."),
      409: t("You have already posted this comment."),
      413: t("Your comment is too long. Please shorten it and send it again."),
      429: t("You are commenting too quickly. Please wait {s} seconds, then send again; your comment is still here."),
      503: t("The comment service is busy. Please send again in {s} seconds; your comment is still here."),
    };
    // One date format on the demo page, here and on /moderate: "1 December 2026 at 19:45" in the reader's
    // own variant of the page's language (en-GB for an English page), else in the page's language.
    const reader = navigator.language || "";
    const DATE_FORMAT = new Intl.DateTimeFormat(language(reader) === lang ? [reader, lang] : [lang], {
      day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit",
    });
    let form = document.getElementById("commentform");
    const root = document.getElementById(opt.target || "replybox") || (form && (form.closest(".rb-comments") || form.parentNode));
    if (!opt.site || !root) return;
    root.setAttribute("lang", lang);
    root.setAttribute("dir", RIGHT_TO_LEFT.indexOf(lang) >= 0 ? "rtl" : "ltr");
    if (!form) build();
    const post = opt.post || field("post_id").value;
    const respond = document.getElementById("respond") || form;
    const home = document.createComment("replybox form");
    respond.before(home);
    let thread = root.querySelector(".rb-thread");
    if (!thread) {
      thread = el("ol", { className: "rb-thread" });
      home.before(el("h2", { className: "rb-title" }, t("Comments")), thread);
    }
    const title = root.querySelector(".rb-title");
    let count = parseInt(root.getAttribute("data-count"), 10) || 0;
    let more = root.querySelector(".rb-more");
    if (!more) thread.after((more = el("p", { className: "rb-more", hidden: true })));
    let status = form.querySelector(".rb-form-status");
    if (!status) form.prepend((status = el("div", { className: "rb-form-status", role: "alert" })));
    const heading = document.querySelector("#reply-title .rb-reply-heading");
    const cancel = document.getElementById("cancel-comment-reply-link");
    const button = form.querySelector("[type=submit]");
    let token = null, tokenAt = 0, busy = false, key = "", lastSent = "";
    let unreachable = null; // why the API cannot be read, asked once after a call the browser blocked

    form.noValidate = true; // the server's messages, shown beside each field, replace the browser's bubbles
    form.addEventListener("submit", submit);
    form.addEventListener("input", (e) => unmark(e.target));
    root.addEventListener("click", (e) => {
      const link = e.target.closest("a.rb-reply, #cancel-comment-reply-link, .rb-more button");
      if (!link) return;
      e.preventDefault();
      if (link === cancel) replyTo(null);
      else if (link.tagName === "BUTTON") load(link.getAttribute("data-cursor"));
      else replyTo(link.getAttribute("data-reply-to"));
    });
    // The server wrote its times in UTC; the reader's own zone and locale replace them.
    thread.querySelectorAll(".rb-date time[datetime]").forEach((t) => (t.textContent = formatDate(t.dateTime)));
    const serverMore = more.querySelector("a[data-cursor]");
    if (serverMore) setMore(serverMore.getAttribute("data-cursor"));
    const replyingTo = new URLSearchParams(location.search).get("replytocom") || field("parent_id").value;
    const first = root.getAttribute("data-rendered") !== "server" ? load(null) : Promise.resolve(serverMore && serverMore.getAttribute("data-cursor"));
    // Old links (#comment-123, ?replytocom=123) may name a comment beyond the first page: load on until it is there.
    first.then((cursor) => {
      if (!/^0?$/.test(replyingTo)) find(replyingTo, cursor).then((li) => li && replyTo(replyingTo, true));
      const wanted = /^#comment-([0-9A-Za-z_-]{1,40})$/.exec(location.hash);
      if (wanted) find(wanted[1], cursor).then((li) => li && li.scrollIntoView());
    });
    // The form token is asked for when someone starts on the form, not on every page view.
    form.addEventListener("focusin", getToken, { once: true });

    function el(tag, props, text) {
      const node = document.createElement(tag);
      for (const k in props) k.includes("-") || k === "role" ? node.setAttribute(k, props[k]) : (node[k] = props[k]);
      if (text != null) node.textContent = text;
      return node;
    }

    // chalicelib/avatars.py's identicon drawn here: a page of comments costs no request per avatar.
    function identicon(id) {
      const svg = (tag, attrs) => {
        const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
        for (const k in attrs) node.setAttribute(k, attrs[k]);
        return node;
      };
      const bits = BigInt("0x" + id);
      const picture = svg("svg", { viewBox: "0 0 60 60", class: "rb-avatar", width: 44, height: 44, "aria-hidden": "true", focusable: "false" });
      picture.append(svg("rect", { width: 60, height: 60, fill: "#f2f2f2" }));
      const cells = picture.appendChild(svg("g", { fill: "hsl(" + (bits % 360n) + ",55%,50%)" }));
      for (let row = 0; row < 5; row++) {
        for (let col = 0; col < 3; col++) {
          if ((bits >> BigInt(8 + row * 3 + col)) & 1n) {
            new Set([col, 4 - col]).forEach((x) => cells.append(svg("rect", { x: x * 10 + 5, y: row * 10 + 5, width: 10, height: 10 })));
          }
        }
      }
      return picture;
    }

    function field(name) {
      return form.elements.namedItem(NAMES[name] || name) || { value: "" };
    }

    function build() {
      if (opt.css !== "none" && !document.querySelector("link[href*='comments.css']")) {
        document.head.append(el("link", { rel: "stylesheet", href: API + "/static/comments.css" }));
      }
      root.classList.add("rb-comments");
      const box = el("div", { className: "rb-respond", id: "respond" });
      const h = box.appendChild(el("h3", { className: "rb-reply-title", id: "reply-title" }));
      h.append(el("span", { className: "rb-reply-heading" }, t("Leave a Reply")), " ");
      h.appendChild(el("small")).append(el("a", { id: "cancel-comment-reply-link", href: "#respond", hidden: true }, t("Cancel reply")));
      form = box.appendChild(el("form", { className: "rb-form", id: "commentform", method: "post", action: SITE + "/comments" }));
      form.appendChild(el("p", { className: "comment-notes" })).append(
        el("span", { id: "rb-email-notes" }, t("Your email address will not be published.")),
        " " + t("Required fields are marked") + " ", el("span", { className: "required" }, "*"));
      [["author", t("Name"), "text", 245, "name"], ["email", t("Email"), "email", 100, "email"],
        ["url", t("Website"), "url", 200, "url"], ["comment", t("Comment"), "", 65525, "off"]].forEach(([name, label, type, max, auto]) => {
        const p = form.appendChild(el("p", { className: "comment-form-" + name }));
        const l = p.appendChild(el("label", { htmlFor: name }, label + " "));
        if (name !== "url") l.append(el("span", { className: "required", "aria-hidden": "true" }, "*"));
        const input = p.appendChild(el(type ? "input" : "textarea", { id: name, name, maxLength: max, autocomplete: auto, required: name !== "url" }));
        if (type) input.type = type;
        else input.rows = 7;
        if (name === "email") input.setAttribute("aria-describedby", "rb-email-notes");
      });
      const notifyMe = form.appendChild(el("p", { className: "comment-subscription-form" }));
      notifyMe.append(el("input", { type: "checkbox", id: "subscribe_comments", name: "subscribe_comments", value: "on" }), " ",
        el("label", { htmlFor: "subscribe_comments" }, t("Notify me of replies by email (you confirm the address first)")));
      form.appendChild(el("p", { className: "rb-hp", hidden: true, "aria-hidden": "true" }))
        .appendChild(el("label", {}, t("Leave this empty") + " "))
        .append(el("textarea", { name: "ak_hp_textarea", tabIndex: -1 }));
      form.appendChild(el("p", { className: "form-submit" })).append(
        el("input", { type: "submit", className: "submit", value: t("Post Comment") }),
        el("input", { type: "hidden", id: "comment_post_ID", name: "comment_post_ID", value: opt.post || "" }),
        el("input", { type: "hidden", id: "comment_parent", name: "comment_parent", value: "0" }));
      root.append(box);
    }

    function getToken() {
      if (token && Date.now() - tokenAt < 50 * 60 * 1000) return Promise.resolve(token);
      return fetch(SITE + "/form-token", { credentials: "omit" })
        .then((r) => (r.ok ? r.json() : {}))
        .then((j) => { token = j.form_token || null; tokenAt = Date.now(); return token; })
        .catch(() => null);
    }

    function load(cursor) {
      const b = more.querySelector("button");
      if (b) b.disabled = true;
      const url = SITE + "/posts/" + encodeURIComponent(post) + "/comments?limit=" + pageSize +
        (cursor ? "&cursor=" + encodeURIComponent(cursor) : "");
      return fetch(url, { credentials: "omit" })
        .then((r) => { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then((page) => {
          page.comments.forEach((c) => document.getElementById("comment-" + c.id) || place(render(c), c.parent_id));
          setCount(page.count);
          setMore(page.next_cursor);
          if (page.closed) close();
          return page.next_cursor;
        })
        .catch(() => whyUnreachable().then((reason) => {
          if (reason === "network") setMore(cursor, t("Comments could not be loaded. Try again"));
          return null;
        }));
    }

    // The comment an id or an old number names (its li), loading later pages while it is not shown yet.
    function find(id, cursor) {
      const node = document.getElementById("comment-" + id);
      if (node) return Promise.resolve(node.closest(".rb-comment"));
      return cursor ? load(cursor).then((next) => find(id, next)) : Promise.resolve(null);
    }

    function close() {
      respond.hidden = true;
      root.classList.add("rb-is-closed");
      if (!root.querySelector(".rb-closed")) home.after(el("p", { className: "rb-closed", role: "status" }, t("Comments are closed.")));
    }

    // A blocked cross-origin call is opaque to scripts: origin-check (readable from any origin) says
    // whether this page's origin is the reason, so the blog's owner learns what to do.
    function whyUnreachable() {
      unreachable = unreachable || fetch(SITE + "/origin-check", { credentials: "omit" })
        .then((r) => r.json().then((j) => (r.status === 404 ? "site" : j.origin_allowed === false ? "origin" : "network")))
        .catch(() => "network")
        .then((reason) => {
          if (reason === "network") unreachable = null; // a real outage: ask again next time
          else tellOwner(reason);
          return reason;
        });
      return unreachable;
    }

    function tellOwner(reason) {
      const origin = location.origin;
      const fix = reason === "site"
        ? "there is no site \"" + opt.site + "\" on " + API + ". Create it with: .venv/bin/python manage.py create-site " +
          opt.site + " --origin " + origin
        : "this page's origin " + origin + " is not an allowed origin of site \"" + opt.site + "\", so the browser " +
          "blocks its answers. Allow it with: .venv/bin/python manage.py add-origin " + opt.site + " " + origin;
      console.error("replybox: " + fix);
      setMore(null);
      thread.before(el("p", { className: "rb-unavailable rb-not-allowed", role: "status" },
        t("Comments are not switched on for this address ({origin}) yet. If this is your blog, allow it in replybox: the browser console shows the command.")
          .replace("{origin}", origin)));
    }

    function setMore(cursor, label) {
      more.textContent = "";
      more.hidden = !cursor && !label;
      if (!more.hidden) more.append(el("button", { type: "button", "data-cursor": cursor || "" }, label || t("Show more comments")));
    }

    function setCount(n) {
      count = n;
      if (title) title.textContent = n ? tn("{n} Comment", "{n} Comments", n) : t("No comments yet");
    }

    function formatDate(iso) {
      const date = new Date(iso);
      return isNaN(date) ? iso : DATE_FORMAT.format(date);
    }

    function safeHref(url) {
      try {
        const u = new URL(url);
        return /^https?:$/.test(u.protocol) ? u.href : "";
      } catch {
        return "";
      }
    }

    // content_html comes escaped from the server (chalicelib/render.py); it is still parsed inertly and
    // rebuilt from text and these elements only, without their attributes; a link keeps an http(s) href.
    const CONTENT_TAGS = ["P", "BR", "EM", "STRONG", "CODE", "PRE", "BLOCKQUOTE", "UL", "OL", "LI"];
    function copyContent(from, to) {
      from.childNodes.forEach((n) => {
        if (n.nodeType === 3) to.append(n.nodeValue);
        else if (n.nodeName === "A" && safeHref(n.getAttribute("href") || "")) {
          copyContent(n, to.appendChild(el("a", { href: safeHref(n.getAttribute("href")), rel: "nofollow ugc noopener" })));
        } else if (CONTENT_TAGS.indexOf(n.nodeName) >= 0) copyContent(n, to.appendChild(el(n.nodeName.toLowerCase())));
        else if (n.nodeType === 1) copyContent(n, to);
      });
    }

    function render(c, pending) {
      const li = el("li", { className: "rb-comment" + (pending ? " rb-pending" : ""), id: "comment-" + c.id });
      if (c.origin_id) li.append(el("a", { id: "comment-" + c.origin_id, className: "rb-anchor", "aria-hidden": "true" }));
      const body = li.appendChild(el("article", { className: "rb-body", "aria-label": t("Comment by {name}").replace("{name}", c.author) }));
      const meta = body.appendChild(el("footer", { className: "rb-meta" }));
      if (/^[0-9a-f]{20}$/.test(c.avatar)) meta.append(identicon(c.avatar));
      const href = c.url && safeHref(c.url);
      meta.appendChild(el("b", { className: "rb-author" }, href ? null : c.author))
        .append(href ? el("a", { href, rel: "nofollow ugc noopener" }, c.author) : "");
      if (c.moderator === true) meta.append(el("span", { className: "rb-badge", title: t("A reply from the blog's moderators") }, t("Moderator")));
      meta.appendChild(el("a", { className: "rb-date", href: "#comment-" + c.id }))
        .append(el("time", { dateTime: c.created_at }, formatDate(c.created_at)));
      copyContent(new DOMParser().parseFromString("<body>" + (c.content_html || ""), "text/html").body,
        body.appendChild(el("div", { className: "rb-content", dir: "auto" }))); // a comment's own language sets its direction
      body.append(pending
        ? el("p", { className: "rb-awaiting" }, t("Your comment is awaiting moderation. Only you can see it for now."))
        : el("a", { className: "rb-reply", href: "#respond", "data-reply-to": c.id, "aria-label": t("Reply to {name}").replace("{name}", c.author) },
          t("Reply")));
      li.append(el("ol", { className: "rb-children" }));
      return li;
    }

    function depth(li) {
      let d = 0;
      for (let n = li.parentNode; n && n !== thread; n = n.parentNode) if (n.classList.contains("rb-children")) d++;
      return d;
    }

    function place(li, parentId) {
      const parent = parentId && document.getElementById("comment-" + parentId);
      // Five levels at most, as WordPress: deeper replies line up under the fifth.
      (parent ? (depth(parent) >= 4 ? parent.parentNode : parent.querySelector(":scope > .rb-children")) : thread).append(li);
    }

    function replyTo(id, quiet) {
      const node = id && document.getElementById("comment-" + id);
      const li = node && node.closest(".rb-comment"); // an old number's anchor sits inside its comment
      field("parent_id").value = li ? li.id.slice("comment-".length) : "0";
      if (cancel) cancel.hidden = !li;
      if (heading) {
        heading.textContent = li ? t("Leave a Reply to {name}").replace("{name}", li.querySelector(".rb-author").textContent) : t("Leave a Reply");
      }
      if (li) li.querySelector(":scope > .rb-children").before(respond);
      else home.after(respond);
      if (!quiet) field("content").focus();
    }

    function mark(input, message) {
      const note = el("p", { className: "rb-field-error", id: input.id + "-rb-error" }, message);
      const before = input.getAttribute("aria-describedby") || "";
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("data-rb-described", before);
      input.setAttribute("aria-describedby", (note.id + " " + before).trim());
      input.after(note);
    }

    function unmark(input) {
      if (input.getAttribute("aria-invalid") !== "true") return;
      const note = document.getElementById(input.id + "-rb-error");
      if (note) note.remove();
      input.removeAttribute("aria-invalid");
      const before = input.getAttribute("data-rb-described");
      before ? input.setAttribute("aria-describedby", before) : input.removeAttribute("aria-describedby");
    }

    function say(message, ok) {
      status.className = "rb-form-status" + (ok ? " rb-ok" : "");
      status.textContent = message;
    }

    function showErrors(fields) {
      let first = null;
      const lines = Object.keys(fields).map((name) => {
        const input = form.elements.namedItem(NAMES[name] || name);
        const label = input && input.labels && input.labels[0];
        const text = (label ? label.textContent.replace(/\*/g, "").trim() : name.replace("_", " ")) + " " + fields[name];
        if (input && input.type !== "hidden" && input.id) {
          mark(input, text);
          first = first || input;
        }
        return text;
      });
      // Translators: what separates the problems listed in one sentence (Arabic has its own semicolon).
      const separator = t("; ");
      say(t("Your comment was not posted yet: {problems}. Everything you typed is still here.").replace("{problems}", lines.join(separator)));
      if (first) first.focus();
    }

    function submit(e) {
      e.preventDefault();
      if (busy) return;
      form.querySelectorAll("[aria-invalid=true]").forEach(unmark);
      const data = { post_id: post };
      ["parent_id", "author", "email", "url", "content", "hp"].forEach((name) => (data[name] = field(name).value));
      data.subscribe_comments = Boolean(field("subscribe_comments").checked);
      if (opt.postUrl) data.post_url = opt.postUrl;
      // For the moderator: which post this is. A page's own address only when the browser let this page
      // talk to the API from another origin (so it is an allowed one); on the API's origin the form's
      // redirect_to says it, and the server keeps it only if it is on the blog.
      else if (location.origin !== new URL(API).origin && location.href.length <= 2000) data.post_url = location.href.split("#")[0];
      else data.redirect_to = field("redirect_to").value;
      data.post_title = document.title.slice(0, 300);
      const sent = JSON.stringify(data);
      if (sent !== lastSent || !key) key = randomKey(); // the same comment sent again keeps its Idempotency-Key
      lastSent = sent;
      busy = button.disabled = true;
      form.setAttribute("aria-busy", "true");
      say(t("Sending your comment…"), true);
      getToken()
        .then((t) => {
          data.form_token = t || field("form_token").value;
          return fetch(SITE + "/comments", {
            method: "POST", credentials: "omit", body: JSON.stringify(data),
            headers: { "Content-Type": "application/json", "Idempotency-Key": key },
          });
        })
        .then((r) => r.json().catch(() => ({})).then((body) => answer(r, body)),
          () => whyUnreachable().then((reason) => say(reason === "network"
            ? t("Could not reach the comment service. Check your connection and send again; your comment is still here.")
            : t("Comments are not switched on for this address yet, so your comment was not sent. It is still here."))))
        .finally(() => {
          busy = button.disabled = false;
          form.removeAttribute("aria-busy");
        });
    }

    function answer(r, body) {
      if (r.status === 201) {
        const pending = body.status !== "approved";
        const li = render(body, pending);
        li.classList.add("rb-new");
        li.tabIndex = -1;
        replyTo(null, true);
        place(li, body.parent_id);
        field("content").value = "";
        key = "";
        if (!pending) setCount(count + 1);
        say(pending ? t("Thank you. Your comment is awaiting moderation.") : t("Thank you. Your comment is published."), true);
        li.focus();
      } else if (r.status === 422 && body.fields) {
        showErrors(body.fields);
      } else {
        const wait = parseInt(r.headers.get("Retry-After"), 10) || 15;
        say((MESSAGES[r.status] || t("Your comment could not be posted (error {status}). It is still here; please try again."))
          .replace("{s}", wait).replace("{status}", r.status));
      }
    }

    function randomKey() {
      return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => (b + 256).toString(16).slice(1)).join("");
    }
  }
})();

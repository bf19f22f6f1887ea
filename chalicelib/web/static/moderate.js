/* replybox moderation page: a moderator token pasted into this tab (kept in sessionStorage only) drives the
   moderation API of this origin. Every comment field is inserted as text. Keys on the focused comment:
   j/k move, x select, a approve, s spam, d trash, e edit, r reply; u undoes the last action, / searches. */
(() => {
  "use strict";
  const $ = (id) => document.getElementById(id);
  const STATUSES = ["pending", "approved", "spam", "trash"];
  const ACTIONS = {
    pending: ["approve", "spam", "trash", "edit", "delete"],
    approved: ["reply", "hold", "spam", "trash", "edit", "delete"],
    spam: ["ham", "approve", "trash", "edit", "delete"],
    trash: ["restore", "delete"],
  };
  const BULK = { pending: ["approve", "spam", "trash", "delete"], approved: ["hold", "spam", "trash", "delete"],
    spam: ["ham", "approve", "trash", "delete"], trash: ["restore", "delete"] };
  const LABELS = {
    approve: "Approve", hold: "Unapprove", spam: "Spam", ham: "Not spam", trash: "Trash", restore: "Restore",
    edit: "Edit", delete: "Delete forever", reply: "Reply",
  };
  const DONE = {
    approve: "approved", hold: "moved back to pending", spam: "marked as spam", ham: "marked as not spam",
    trash: "moved to the trash", restore: "restored", edit: "edited", delete: "deleted for good",
  };
  const KEYS = { a: "approve", s: "spam", d: "trash" };
  // Why a comment waits, as recorded when it arrived (spam_check is spelled out with its top reasons).
  const WHY = {
    first_comment: "Held on arrival: first comment by this author (nothing approved yet under this name and email).",
    policy_all: "Held on arrival: this site holds every comment for a moderator (policy all).",
  };
  const DATE_FORMAT = new Intl.DateTimeFormat(undefined, {
    day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit",
  });
  const DAY_FORMAT = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
  const state = { site: "", token: "", status: "pending", cursor: null, items: {}, counts: {}, undo: null, timers: {} };

  $("signin").addEventListener("submit", (e) => {
    e.preventDefault();
    signIn($("site").value.trim(), $("token").value.trim());
  });
  $("signout").addEventListener("click", () => signOut(""));
  document.querySelectorAll("[role=tab]").forEach((tab) => {
    tab.addEventListener("click", () => showTab(tab.getAttribute("data-status"), true));
    tab.addEventListener("keydown", tabKeys);
  });
  $("more").addEventListener("click", () => load(true));
  $("select-all").addEventListener("change", (e) => {
    visible().forEach((li) => (li.querySelector(".check input").checked = e.target.checked));
    selectionChanged();
  });
  $("items").addEventListener("change", selectionChanged);
  $("items").addEventListener("click", (e) => {
    const button = e.target.closest("button[data-action]");
    if (button) act(button.closest(".mod-item").getAttribute("data-id"), button.getAttribute("data-action"), button);
  });
  $("bulk-actions").addEventListener("click", (e) => {
    const button = e.target.closest("button[data-action]");
    if (button) bulk(button.getAttribute("data-action"), button);
  });
  $("search").addEventListener("input", applyFilters);
  $("post-filter").addEventListener("change", applyFilters);
  $("compact").addEventListener("click", () => setCompact($("compact").getAttribute("aria-pressed") !== "true"));
  $("undo").addEventListener("click", undo);
  $("empty-status").addEventListener("click", askEmpty);
  $("empty-no").addEventListener("click", () => {
    $("empty-confirm").hidden = true;
    $("empty-status").focus();
  });
  $("empty-yes").addEventListener("click", () => emptyAll(state.status, null, 0));
  document.addEventListener("keydown", shortcut);

  setCompact(sessionStorage.getItem("replybox.compact") === "1");
  const saved = sessionStorage.getItem("replybox.token");
  if (saved) signIn(sessionStorage.getItem("replybox.site") || "demo", saved);

  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text != null) node.textContent = text;
    return node;
  }

  // The date format of the demo page and the widget (widget.js has the same formatter).
  function formatDate(iso) {
    const date = new Date(iso);
    return isNaN(date) ? iso : DATE_FORMAT.format(date);
  }

  function announce(message) { $("announce").textContent = message; }

  function problem(message) {
    $("problem").textContent = message || "";
    $("problem").hidden = !message;
  }

  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }

  function api(method, path, body) {
    const headers = { Authorization: "Bearer " + state.token };
    if (body) headers["Content-Type"] = "application/json";
    return fetch("sites/" + encodeURIComponent(state.site) + "/moderation/" + path, {
      method, headers, body: body ? JSON.stringify(body) : undefined, credentials: "omit", cache: "no-store",
    }).then((r) => {
      if (r.status === 401 || r.status === 403) {
        signOut(r.status === 403 ? "That token belongs to another site." : "That token is not valid (or was revoked).");
        throw new Error("auth");
      }
      return r.json().catch(() => ({})).then((data) => ({ r, body: data }));
    }, (err) => {
      problem("The server could not be reached. Check your connection and try again.");
      throw err;
    });
  }

  function failure(res) {
    return (res.body.fields && (res.body.fields.action || res.body.fields.content)) || res.body.message ||
      "That did not work (error " + res.r.status + ").";
  }

  function signIn(site, token) {
    if (!/^[a-z0-9-]{1,40}$/.test(site) || !token) {
      problem("Enter the site (lower-case letters, digits, dashes) and a moderator token.");
      return;
    }
    state.site = site;
    state.token = token;
    sessionStorage.setItem("replybox.site", site);
    sessionStorage.setItem("replybox.token", token);
    $("token").value = "";
    $("signin").hidden = true;
    $("queue").hidden = false;
    $("who").hidden = false;
    $("who-site").textContent = "Site: " + site;
    problem("");
    showTab("pending", false);
  }

  function signOut(message) {
    sessionStorage.removeItem("replybox.token");
    state.token = "";
    $("queue").hidden = true;
    $("who").hidden = true;
    $("signin").hidden = false;
    $("site").value = state.site || "demo";
    problem(message);
    $("token").focus();
  }

  function showTab(status, focusTab) {
    state.status = status;
    document.querySelectorAll("[role=tab]").forEach((tab) => {
      const on = tab.getAttribute("data-status") === status;
      tab.setAttribute("aria-selected", String(on));
      tab.tabIndex = on ? 0 : -1;
      if (on && focusTab) tab.focus();
    });
    $("panel").setAttribute("aria-labelledby", "tab-" + status);
    const actions = $("bulk-actions");
    actions.textContent = "";
    BULK[status].forEach((action) => actions.appendChild(button(action, LABELS[action] + " selected")));
    $("empty-status").hidden = status !== "spam" && status !== "trash";
    $("empty-status").textContent = "Empty " + status;
    $("empty-confirm").hidden = true;
    load(false);
    loadStats();
  }

  function tabKeys(e) {
    const i = STATUSES.indexOf(state.status);
    if (e.key === "ArrowRight" || e.key === "ArrowLeft") {
      e.preventDefault();
      showTab(STATUSES[(i + (e.key === "ArrowRight" ? 1 : 3)) % 4], true);
    }
  }

  function load(append) {
    const status = state.status;
    const query = "comments?status=" + status + "&limit=50" + (append && state.cursor ? "&cursor=" + encodeURIComponent(state.cursor) : "");
    $("more").disabled = true;
    api("GET", query).then((res) => {
      if (status !== state.status) return; // another tab was chosen meanwhile
      if (!res.r.ok) {
        problem(res.body.message || "The queue could not be loaded (error " + res.r.status + ").");
        return;
      }
      if (!append) {
        $("items").textContent = "";
        state.items = {};
      }
      res.body.comments.forEach((c) => $("items").appendChild(item(c)));
      state.cursor = res.body.next_cursor;
      $("more").hidden = !state.cursor;
      $("more").disabled = false;
      refresh();
      announce(plural(res.body.comments.length, status + " comment") + " shown.");
    }).catch(() => {});
  }

  // ---- counts on the tabs and the trace of discarded comments ----
  function loadStats() {
    clearTimeout(state.timers.stats);
    state.timers.stats = setTimeout(() => {
      api("GET", "stats").then((res) => {
        if (!res.r.ok) return;
        state.counts = res.body.counts;
        STATUSES.forEach((status) => {
          const n = res.body.counts[status];
          $("count-" + status).textContent = n + (res.body.capped.indexOf(status) >= 0 ? "+" : "");
        });
        showDiscards(res.body.discarded);
      }).catch(() => {});
    }, 150);
  }

  function showDiscards(days) {
    const body = $("discard-days");
    body.textContent = "";
    let total = 0;
    days.forEach((d) => {
      total += d.total;
      const tr = body.appendChild(el("tr"));
      tr.appendChild(el("th", "", DAY_FORMAT.format(new Date(d.day + "T00:00:00Z")))).scope = "row";
      tr.appendChild(el("td", "num", String(d.total)));
      const reasons = Object.keys(d.reasons).sort((a, b) => d.reasons[b] - d.reasons[a]);
      tr.appendChild(el("td", "", reasons.map((r) => r + " " + d.reasons[r]).join(", ") || "–"));
    });
    $("discard-total").textContent = total
      ? plural(total, "comment") + " discarded in the last 7 days."
      : "No comment was discarded in the last 7 days.";
  }

  // ---- the list: filters, cards ----
  function visible() {
    return Array.from($("items").children).filter((li) => !li.hidden);
  }

  function refresh() {
    postOptions();
    applyFilters();
  }

  function postOptions() {
    const select = $("post-filter"), chosen = select.value, posts = {};
    Object.values(state.items).forEach((c) => {
      const p = posts[c.post_id] || (posts[c.post_id] = { title: c.post_title || c.post_id, n: 0 });
      p.n++;
    });
    select.textContent = "";
    select.appendChild(el("option", "", "All posts")).value = "";
    Object.keys(posts).sort((a, b) => posts[a].title.localeCompare(posts[b].title)).forEach((id) => {
      select.appendChild(el("option", "", posts[id].title + " (" + posts[id].n + ")")).value = id;
    });
    select.value = posts[chosen] ? chosen : "";
  }

  function applyFilters() {
    const words = $("search").value.trim().toLowerCase(), post = $("post-filter").value;
    const all = Array.from($("items").children);
    all.forEach((li) => {
      const c = state.items[li.getAttribute("data-id")];
      const text = [c.author, c.email, c.url, c.content].join("\n").toLowerCase();
      li.hidden = !((!post || c.post_id === post) && (!words || text.includes(words)));
      if (li.hidden) li.querySelector(".check input").checked = false;
    });
    const shown = visible().length;
    $("shown-count").textContent = words || post ? shown + " of " + all.length + " loaded shown" : plural(all.length, "comment") + " loaded";
    $("empty").hidden = shown > 0;
    $("empty").textContent = all.length ? "No loaded comment matches." : "No " + state.status + " comments.";
    selectionChanged();
  }

  function setCompact(on) {
    $("items").classList.toggle("compact", on);
    $("compact").setAttribute("aria-pressed", String(on));
    sessionStorage.setItem("replybox.compact", on ? "1" : "0");
  }

  function button(action, label) {
    const b = el("button", "act act-" + action, label || LABELS[action]);
    b.type = "button";
    b.setAttribute("data-action", action);
    return b;
  }

  function safeHref(url) {
    try {
      const u = new URL(url);
      return u.protocol === "http:" || u.protocol === "https:" ? u.href : "";
    } catch {
      return "";
    }
  }

  function link(text, url, cls) {
    const href = url && safeHref(url);
    if (!href) return el("span", cls, text);
    const a = el("a", cls, text);
    a.href = href;
    a.rel = "nofollow ugc noopener noreferrer";
    return a;
  }

  function item(c) {
    state.items[c.id] = c;
    const li = el("li", "mod-item status-" + c.status);
    li.tabIndex = -1;
    li.id = "mod-" + c.id;
    li.setAttribute("data-id", c.id);
    li.setAttribute("aria-labelledby", "mod-" + c.id + "-who");
    const box = li.appendChild(el("label", "check")).appendChild(el("input"));
    box.type = "checkbox";
    box.setAttribute("aria-label", "Select the comment by " + c.author);
    const main = li.appendChild(el("div", "mod-main"));
    const meta = main.appendChild(el("p", "mod-meta"));
    meta.appendChild(el("strong", "mod-author", c.author)).id = "mod-" + c.id + "-who";
    meta.appendChild(el("span", "mod-email", c.email));
    if (c.url) meta.appendChild(link(c.url, c.url, "mod-url"));
    meta.appendChild(el("span", "mod-post")).append("on ", link(c.post_title || c.post_id, c.post_url, "mod-post-link"));
    const facts = main.appendChild(el("p", "mod-facts"));
    facts.appendChild(el("span", "badge badge-" + c.status, c.status));
    if (c.moderator) facts.appendChild(el("span", "badge badge-moderator", "moderator reply"));
    facts.appendChild(el("time", "", formatDate(c.created_at))).dateTime = c.created_at;
    if (c.ip) facts.appendChild(el("span", "", "IP " + c.ip));
    facts.appendChild(el("span", "", "version " + c.version));
    const why = reason(c);
    if (why) main.appendChild(el("p", "mod-why", why));
    if (c.parent_id) {
      const quote = main.appendChild(el("blockquote", "mod-parent"));
      if (c.parent) {
        quote.append("Reply to ", el("strong", "", c.parent.author), " (" + c.parent.status + "): ");
        quote.appendChild(el("q", "", c.parent.excerpt));
      } else {
        quote.textContent = "Reply to a comment that is gone (" + c.parent_id + ").";
      }
    }
    main.appendChild(el("div", "mod-content", c.content));
    main.appendChild(rendered(c));
    main.appendChild(verdict(c.verdict || {}));
    const actions = main.appendChild(el("div", "actions mod-actions"));
    (ACTIONS[c.status] || []).forEach((action) => actions.appendChild(button(action)));
    main.appendChild(el("p", "mod-msg")).hidden = true;
    return li;
  }

  // Beside the raw text, what readers will see when it holds more than paragraphs: links and the
  // Markdown subset. The HTML is the server's renderer's (everything escaped but its own tags).
  const MARKUP = /<(?!\/?(p|br)\b)/;
  function rendered(c) {
    const box = el("details", "mod-rendered");
    box.appendChild(el("summary", "", "As readers see it"));
    box.appendChild(el("div", "mod-rendered-body")).innerHTML = c.content_html || "";
    box.hidden = !MARKUP.test(c.content_html || "");
    return box;
  }

  function reason(c) {
    if (c.status !== "pending" && c.status !== "spam") return "";
    if (c.held_because !== "spam_check") return WHY[c.held_because] || "";
    const top = ((c.verdict || {}).reasons || []).filter((r) => r.score > 0).sort((a, b) => b.score - a.score).slice(0, 3);
    return (c.status === "spam" ? "Marked spam on arrival by the spam check" : "Held on arrival by the spam check") +
      (top.length ? ": " + top.map((r) => r.rule + " +" + Number(r.score).toFixed(1)).join(", ") + "." : ".");
  }

  function verdict(v) {
    const box = el("details", "mod-verdict");
    const reasons = v.reasons || [];
    box.appendChild(el("summary", "verdict-" + (v.decision || "none"),
      "Spam check: " + (v.decision || "none") + (v.score != null ? ", score " + Number(v.score).toFixed(2) : "") +
      " (" + plural(reasons.length, "reason") + ")"));
    box.open = reasons.length > 0;
    const list = box.appendChild(el("ul"));
    reasons.forEach((r) => {
      const li = list.appendChild(el("li"));
      li.appendChild(el("code", "", r.rule));
      li.append(" " + (r.score >= 0 ? "+" : "") + Number(r.score).toFixed(2) + ": " + (r.detail || ""));
    });
    return box;
  }

  function note(li, message) {
    const msg = li.querySelector(".mod-msg");
    msg.textContent = message;
    msg.hidden = false;
  }

  function armed(btn) {
    // Deleting cannot be undone: the first press only asks, a second one within 5 s deletes.
    if (!btn || btn.getAttribute("data-armed")) return Boolean(btn);
    const label = btn.textContent;
    btn.setAttribute("data-armed", "1");
    btn.textContent = "Press again to delete";
    setTimeout(() => {
      btn.removeAttribute("data-armed");
      btn.textContent = label;
    }, 5000);
    return false;
  }

  // ---- acting on one comment, and undoing it ----
  function send(c, action, content) {
    const path = "comments/" + encodeURIComponent(c.id);
    if (action === "delete") return api("DELETE", path);
    return api("POST", path, action === "edit" ? { action, version: c.version, content } : { action, version: c.version });
  }

  // The action that brings a comment from `to` back to `from`: Undo sends it at the version the action left.
  function inverse(from, to) {
    if (to === "trash") return "restore";
    return { trash: "trash", pending: "hold", approved: "approve", spam: "spam" }[from];
  }

  function act(id, action, btn) {
    const c = state.items[id], li = $("mod-" + id);
    if (!c || !li) return;
    if ((ACTIONS[c.status] || []).indexOf(action) < 0) {
      announce("Cannot " + LABELS[action].toLowerCase() + " a comment that is " + c.status + ".");
      return;
    }
    if (action === "edit") return edit(li);
    if (action === "reply") return reply(li);
    if (action === "delete" && !armed(btn)) return;
    send(c, action).then((res) => settle(li, c, action, res)).catch(() => {});
  }

  function settle(li, before, action, res) {
    if (res.r.ok) {
      const who = "Comment by " + before.author + " " + DONE[action];
      announce(who + ".");
      loadStats();
      if (action === "delete") {
        drop(li);
        offer(who + ". This cannot be undone.", null);
        return;
      }
      const after = Object.assign(res.body, { parent: res.body.parent || before.parent });
      if (after.status === state.status) replace(li, after).focus();
      else drop(li);
      offer(who + ".", () => send(after, action === "edit" ? "edit" : inverse(before.status, after.status), before.content)
        .then((back) => {
          if (!back.r.ok) return offer("Could not undo: " + failure(back), null);
          show(Object.assign(back.body, { parent: back.body.parent || before.parent }));
          announce("Undone: the comment by " + before.author + " is " + back.body.status + " again.");
          offer("Undone.", null);
          loadStats();
        }));
    } else if (res.r.status === 409 && res.body.current) {
      const fresh = replace(li, Object.assign(res.body.current, { parent: before.parent }));
      const text = "Not done: someone else changed this comment since you loaded it. It is now " +
        res.body.current.status + " (version " + res.body.current.version + "). Check it and choose again.";
      note(fresh, text);
      problem(text);
      fresh.focus();
    } else {
      note(li, failure(res));
    }
  }

  // The visible confirmation of the last action, with Undo (or `u`) while it is the last one.
  function offer(text, undoIt) {
    state.undo = undoIt;
    $("toast-text").textContent = text;
    $("undo").hidden = !undoIt;
    $("toast").hidden = false;
    clearTimeout(state.timers.toast);
    state.timers.toast = setTimeout(() => {
      $("toast").hidden = true;
      state.undo = null;
    }, 15000);
  }

  function undo() {
    const undoIt = state.undo;
    state.undo = null;
    $("undo").hidden = true;
    if (undoIt) undoIt().catch(() => {});
  }

  // A comment back in the list it belongs to, in its place (newest first), after an Undo.
  function show(c) {
    const old = $("mod-" + c.id);
    if (c.status !== state.status) {
      if (old) drop(old);
      return;
    }
    if (old) return replace(old, c).focus();
    const li = item(c);
    const after = Array.from($("items").children).find((n) => n.getAttribute("data-id") < c.id);
    $("items").insertBefore(li, after || null);
    refresh();
    li.focus();
  }

  function replace(li, c) {
    const fresh = item(c);
    fresh.hidden = li.hidden;
    li.replaceWith(fresh);
    refresh();
    return fresh;
  }

  function drop(li) {
    const next = li.nextElementSibling || li.previousElementSibling;
    delete state.items[li.getAttribute("data-id")];
    li.remove();
    refresh();
    if (next) next.focus();
  }

  // ---- a text form under a comment: editing it, or the site's reply ----
  // One builder for both: a labelled textarea, a field error the screen reader hears, Save/Cancel,
  // Escape closes, Ctrl/Cmd+Enter submits. `submit(text, refuse)` sends; `refuse(message)` shows why not.
  function textForm(li, { kind, label, value, rows, button, onClose, submit }) {
    const form = el("form", kind === "edit" ? "mod-edit" : "mod-edit mod-reply");
    const caption = form.appendChild(el("label", kind === "edit" ? "visually-hidden" : "", label));
    const area = form.appendChild(el("textarea"));
    area.id = caption.htmlFor = kind + "-" + li.getAttribute("data-id");
    area.value = value;
    area.rows = rows;
    const error = form.appendChild(el("p", "mod-field-error"));
    error.id = area.id + "-error";
    error.hidden = true;
    const buttons = form.appendChild(el("div", "actions"));
    buttons.appendChild(el("button", "act act-approve", button)).type = "submit";
    const cancel = buttons.appendChild(el("button", "act", "Cancel"));
    cancel.type = "button";
    const close = () => {
      form.remove();
      if (onClose) onClose();
      li.focus();
    };
    cancel.addEventListener("click", close);
    area.addEventListener("keydown", (e) => {
      if (e.key === "Escape") close();
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) form.requestSubmit();
    });
    const refuse = (message) => {
      error.textContent = message;
      error.hidden = false;
      area.setAttribute("aria-invalid", "true");
      area.setAttribute("aria-describedby", error.id);
      area.focus();
    };
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      submit(area.value, refuse, form);
    });
    return { form, area };
  }

  function edit(li) {
    const c = state.items[li.getAttribute("data-id")];
    if (li.querySelector(".mod-edit")) return li.querySelector(".mod-edit textarea").focus();
    const content = li.querySelector(".mod-content");
    const { form, area } = textForm(li, {
      kind: "edit",
      label: "Text of the comment by " + c.author,
      value: c.content,
      rows: Math.min(12, Math.max(3, c.content.split("\n").length + 1)),
      button: "Save",
      onClose: () => { content.hidden = false; },
      submit: (text, refuse) => send(c, "edit", text).then((res) => {
        if (res.r.status === 422 && res.body.fields && res.body.fields.content) {
          return refuse("Not saved: the text " + res.body.fields.content + ".");
        }
        settle(li, c, "edit", res);
      }).catch(() => {}),
    });
    content.hidden = true;
    content.after(form);
    area.focus();
  }

  function reply(li) {
    const c = state.items[li.getAttribute("data-id")];
    if (li.querySelector(".mod-reply")) return li.querySelector(".mod-reply textarea").focus();
    const { form, area } = textForm(li, {
      kind: "reply",
      label: "Your reply to " + c.author + " (published at once, as the site's)",
      value: "",
      rows: 4,
      button: "Publish reply",
      submit: (text, refuse, own) => api("POST", "comments/" + encodeURIComponent(c.id) + "/reply", { content: text }).then((res) => {
        if (!res.r.ok) {
          const fields = res.body.fields || {};
          return refuse("Not published: " + (fields.content ? "the text " + fields.content : fields.parent_id || failure(res)) + ".");
        }
        own.remove();
        announce("Reply to " + c.author + " published.");
        offer("Reply to " + c.author + " published.", null);
        if (state.status === "approved") show(res.body);
        loadStats();
      }).catch(() => {}),
    });
    li.querySelector(".mod-actions").after(form);
    area.focus();
  }

  // ---- many at once ----
  function selectionChanged() {
    const all = visible().map((li) => li.querySelector(".check input")), chosen = all.filter((b) => b.checked).length;
    $("selected-count").textContent = chosen + " selected";
    $("select-all").checked = all.length > 0 && chosen === all.length;
    $("select-all").indeterminate = chosen > 0 && chosen < all.length;
  }

  function bulk(action, btn) {
    const from = state.status;
    const ids = visible().filter((li) => li.querySelector(".check input").checked).map((li) => li.getAttribute("data-id"));
    if (!ids.length) {
      announce("Select comments first (press x or tick their boxes).");
      return;
    }
    if (action === "delete" && !armed(btn)) return;
    api("POST", "bulk", { action, ids }).then((res) => {
      if (!res.r.ok) {
        problem(res.body.message || "That did not work (error " + res.r.status + ").");
        return;
      }
      let failed = 0;
      const moved = {}; // new status -> ids, for Undo
      Object.keys(res.body.results).forEach((id) => {
        const outcome = res.body.results[id], li = $("mod-" + id);
        if (outcome.indexOf("error") === 0) {
          failed++;
          if (li) note(li, "Not done: " + outcome.replace(/^error: /, ""));
          return;
        }
        (moved[outcome] = moved[outcome] || []).push(id);
        if (li && outcome !== state.status) drop(li);
      });
      const done = ids.length - failed;
      const text = plural(done, "comment") + " " + DONE[action] + (failed ? "; " + failed + " could not be changed." : ".");
      announce(text);
      if (failed) problem(failed + " of the selected comments could not be changed: see the note on each.");
      loadStats();
      offer(text + (action === "delete" ? " This cannot be undone." : ""), action === "delete" || !done ? null : () =>
        Promise.all(Object.keys(moved).map((to) => api("POST", "bulk", { action: inverse(from, to), ids: moved[to] })))
          .then(() => {
            offer("Undone.", null);
            if (state.status === from) load(false);
            loadStats();
          }));
    }).catch(() => {});
  }

  // ---- emptying spam and trash ----
  function askEmpty() {
    const n = state.counts[state.status];
    $("empty-confirm-text").textContent = "Delete " + (n == null ? "every" : "all " + n) + " " + state.status +
      " comment" + (n === 1 ? "" : "s") + " for good? This cannot be undone.";
    $("empty-confirm").hidden = false;
    $("empty-yes").focus();
  }

  function emptyAll(status, cursor, deleted) {
    $("empty-yes").disabled = true;
    api("POST", "empty", { status, cursor }).then((res) => {
      if (!res.r.ok) {
        $("empty-yes").disabled = false;
        problem(res.body.message || "Could not empty the " + status + " (error " + res.r.status + ").");
        return;
      }
      deleted += res.body.deleted;
      announce("Deleted " + deleted + "…");
      if (res.body.next_cursor) return emptyAll(status, res.body.next_cursor, deleted);
      $("empty-yes").disabled = false;
      $("empty-confirm").hidden = true;
      offer("Deleted " + plural(deleted, status + " comment") + " for good.", null);
      if (state.status === status) load(false);
      loadStats();
    }).catch(() => ($("empty-yes").disabled = false));
  }

  function shortcut(e) {
    if ($("queue").hidden || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.target.closest("input:not([type=checkbox]), textarea, select, [contenteditable]")) return;
    const items = visible();
    const current = document.activeElement && document.activeElement.closest && document.activeElement.closest(".mod-item");
    const i = items.indexOf(current);
    if (e.key === "j" || e.key === "k") {
      const next = items[e.key === "j" ? Math.min(i + 1, items.length - 1) : Math.max(i - 1, 0)];
      if (next) next.focus();
    } else if (e.key === "x" && current) {
      const box = current.querySelector(".check input");
      box.checked = !box.checked;
      selectionChanged();
    } else if (KEYS[e.key] && current) {
      act(current.getAttribute("data-id"), KEYS[e.key], null);
    } else if (e.key === "e" && current) {
      act(current.getAttribute("data-id"), "edit", null);
    } else if (e.key === "r" && current) {
      act(current.getAttribute("data-id"), "reply", null);
    } else if (e.key === "u" && state.undo) {
      undo();
    } else if (e.key === "/") {
      $("search").focus();
    } else {
      return;
    }
    e.preventDefault();
  }
})();

/* replybox moderation page: a moderator token pasted into this tab (kept in sessionStorage only) drives the
   moderation API of this origin. Every comment field is inserted as text. Keys: j/k move, x select,
   a approve, s spam, d trash (on the focused comment). */
(() => {
  "use strict";
  const $ = (id) => document.getElementById(id);
  const ACTIONS = {
    pending: ["approve", "spam", "trash", "delete"],
    approved: ["hold", "spam", "trash", "delete"],
    spam: ["ham", "approve", "trash", "delete"],
    trash: ["restore", "delete"],
  };
  const LABELS = {
    approve: "Approve", hold: "Unapprove", spam: "Spam", ham: "Not spam", trash: "Trash", restore: "Restore",
    delete: "Delete forever",
  };
  const DONE = {
    approve: "approved", hold: "moved back to pending", spam: "marked as spam", ham: "marked as not spam",
    trash: "moved to the trash", restore: "restored", delete: "deleted for good",
  };
  const KEYS = { a: "approve", s: "spam", d: "trash" };
  const DATE_FORMAT = new Intl.DateTimeFormat(undefined, {
    day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit",
  });
  const state = { site: "", token: "", status: "pending", cursor: null, items: {} };

  $("signin").addEventListener("submit", (e) => {
    e.preventDefault();
    signIn($("site").value.trim(), $("token").value.trim());
  });
  $("signout").addEventListener("click", () => { signOut(""); });
  Array.prototype.forEach.call(document.querySelectorAll("[role=tab]"), (tab) => {
    tab.addEventListener("click", () => { showTab(tab.getAttribute("data-status"), true); });
    tab.addEventListener("keydown", tabKeys);
  });
  $("more").addEventListener("click", () => { load(true); });
  $("select-all").addEventListener("change", (e) => {
    const on = e.target.checked;
    boxes().forEach((box) => { box.checked = on; });
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
  document.addEventListener("keydown", shortcut);

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

  function api(method, path, body) {
    const headers = { Authorization: "Bearer " + state.token };
    if (body) headers["Content-Type"] = "application/json";
    return fetch("sites/" + encodeURIComponent(state.site) + "/moderation/" + path, {
      method: method, headers: headers, body: body ? JSON.stringify(body) : undefined,
      credentials: "omit", cache: "no-store",
    }).then((r) => {
      if (r.status === 401 || r.status === 403) {
        signOut(r.status === 403 ? "That token belongs to another site." : "That token is not valid (or was revoked).");
        throw new Error("auth");
      }
      return r.json().catch(() => { return {}; }).then((data) => { return { r: r, body: data }; });
    }, (err) => {
      problem("The server could not be reached. Check your connection and try again.");
      throw err;
    });
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
    Array.prototype.forEach.call(document.querySelectorAll("[role=tab]"), (tab) => {
      const on = tab.getAttribute("data-status") === status;
      tab.setAttribute("aria-selected", String(on));
      tab.tabIndex = on ? 0 : -1;
      if (on && focusTab) tab.focus();
    });
    $("panel").setAttribute("aria-labelledby", "tab-" + status);
    const actions = $("bulk-actions");
    actions.textContent = "";
    ACTIONS[status].forEach((action) => {
      actions.appendChild(button(action, LABELS[action] + " selected"));
    });
    load(false);
  }

  function tabKeys(e) {
    const order = ["pending", "approved", "spam", "trash"];
    const i = order.indexOf(state.status);
    if (e.key === "ArrowRight" || e.key === "ArrowLeft") {
      e.preventDefault();
      showTab(order[(i + (e.key === "ArrowRight" ? 1 : 3)) % 4], true);
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
      res.body.comments.forEach((c) => { $("items").appendChild(item(c)); });
      state.cursor = res.body.next_cursor;
      $("more").hidden = !state.cursor;
      $("more").disabled = false;
      refresh();
      announce(res.body.comments.length + " " + status + " comment" + (res.body.comments.length === 1 ? "" : "s") + " shown.");
    }).catch(() => {});
  }

  function refresh() {
    const count = $("items").children.length;
    $("empty").hidden = count > 0;
    $("empty").textContent = "No " + state.status + " comments.";
    selectionChanged();
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

  function item(c) {
    state.items[c.id] = c;
    const li = el("li", "mod-item status-" + c.status);
    li.tabIndex = -1;
    li.id = "mod-" + c.id;
    li.setAttribute("data-id", c.id);
    li.setAttribute("aria-labelledby", "mod-" + c.id + "-who");
    const check = li.appendChild(el("label", "check"));
    const box = check.appendChild(el("input"));
    box.type = "checkbox";
    box.setAttribute("aria-label", "Select the comment by " + c.author);
    const main = li.appendChild(el("div", "mod-main"));
    const meta = main.appendChild(el("p", "mod-meta"));
    const who = meta.appendChild(el("strong", "mod-author", c.author));
    who.id = "mod-" + c.id + "-who";
    meta.appendChild(el("span", "mod-email", c.email));
    const href = c.url && safeHref(c.url);
    if (href) {
      const a = meta.appendChild(el("a", "mod-url", c.url));
      a.href = href;
      a.rel = "nofollow ugc noopener noreferrer";
    } else if (c.url) {
      meta.appendChild(el("span", "mod-url", c.url));
    }
    const facts = main.appendChild(el("p", "mod-facts"));
    facts.appendChild(el("span", "badge badge-" + c.status, c.status));
    facts.appendChild(el("span", "", "on " + c.post_id));
    facts.appendChild(el("time", "", formatDate(c.created_at))).dateTime = c.created_at;
    if (c.parent_id) facts.appendChild(el("span", "", "reply to " + c.parent_id));
    if (c.ip) facts.appendChild(el("span", "", "IP " + c.ip));
    facts.appendChild(el("span", "", "version " + c.version));
    main.appendChild(el("div", "mod-content", c.content));
    main.appendChild(verdict(c.verdict || {}));
    const actions = main.appendChild(el("div", "actions mod-actions"));
    (ACTIONS[c.status] || []).forEach((action) => { actions.appendChild(button(action)); });
    const msg = main.appendChild(el("p", "mod-msg"));
    msg.hidden = true;
    return li;
  }

  function verdict(v) {
    const box = el("details", "mod-verdict");
    const reasons = v.reasons || [];
    const summary = box.appendChild(el("summary", "",
      "Spam check: " + (v.decision || "none") + (v.score != null ? ", score " + Number(v.score).toFixed(2) : "") +
      " (" + reasons.length + " reason" + (reasons.length === 1 ? "" : "s") + ")"));
    summary.className = "verdict-" + (v.decision || "none");
    box.open = reasons.length > 0;
    const list = box.appendChild(el("ul"));
    reasons.forEach((r) => {
      const li = list.appendChild(el("li"));
      li.appendChild(el("code", "", r.rule));
      li.appendChild(document.createTextNode(" " + (r.score >= 0 ? "+" : "") + Number(r.score).toFixed(2) + ": " + (r.detail || "")));
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
    if (btn.getAttribute("data-armed")) return true;
    const label = btn.textContent;
    btn.setAttribute("data-armed", "1");
    btn.textContent = "Press again to delete";
    setTimeout(() => {
      btn.removeAttribute("data-armed");
      btn.textContent = label;
    }, 5000);
    return false;
  }

  function act(id, action, btn) {
    const c = state.items[id];
    const li = $("mod-" + id);
    if (!c || !li) return;
    if ((ACTIONS[c.status] || []).indexOf(action) < 0) {
      announce("Cannot " + LABELS[action].toLowerCase() + " a comment that is " + c.status + ".");
      return;
    }
    if (action === "delete" && !armed(btn)) return;
    const request = action === "delete"
      ? api("DELETE", "comments/" + encodeURIComponent(id))
      : api("POST", "comments/" + encodeURIComponent(id), { action: action, version: c.version });
    request.then((res) => {
      if (res.r.ok) {
        announce("Comment by " + c.author + " " + DONE[action] + ".");
        if (res.body.status === state.status) replace(li, res.body);
        else drop(li);
      } else if (res.r.status === 409 && res.body.current) {
        const fresh = replace(li, res.body.current);
        const text = "Not done: someone else changed this comment since you loaded it. It is now " +
          res.body.current.status + " (version " + res.body.current.version + "). Check it and choose again.";
        note(fresh, text);
        problem(text);
        fresh.focus();
      } else {
        note(li, (res.body.fields && res.body.fields.action) || res.body.message || "That did not work (error " + res.r.status + ").");
      }
    }).catch(() => {});
  }

  function replace(li, c) {
    const fresh = item(c);
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

  function boxes() {
    return Array.prototype.slice.call($("items").querySelectorAll(".check input"));
  }

  function selectionChanged() {
    const all = boxes(), chosen = all.filter((b) => { return b.checked; }).length;
    $("selected-count").textContent = chosen + " selected";
    $("select-all").checked = all.length > 0 && chosen === all.length;
    $("select-all").indeterminate = chosen > 0 && chosen < all.length;
  }

  function bulk(action, btn) {
    const ids = boxes().filter((b) => { return b.checked; }).map((b) => {
      return b.closest(".mod-item").getAttribute("data-id");
    });
    if (!ids.length) {
      announce("Select comments first (press x or tick their boxes).");
      return;
    }
    if (action === "delete" && !armed(btn)) return;
    api("POST", "bulk", { action: action, ids: ids }).then((res) => {
      if (!res.r.ok) {
        problem(res.body.message || "That did not work (error " + res.r.status + ").");
        return;
      }
      let failed = 0;
      Object.keys(res.body.results).forEach((id) => {
        const outcome = res.body.results[id], li = $("mod-" + id);
        if (!li) return;
        if (outcome.indexOf("error") === 0) {
          failed++;
          note(li, "Not done: " + outcome.replace(/^error: /, ""));
        } else if (outcome !== state.status) {
          drop(li);
        }
      });
      const done = ids.length - failed;
      announce(done + " comment" + (done === 1 ? "" : "s") + " " + DONE[action] + (failed ? "; " + failed + " could not be changed." : "."));
      if (failed) problem(failed + " of the selected comments could not be changed: see the note on each.");
    }).catch(() => {});
  }

  function shortcut(e) {
    if ($("queue").hidden || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.target.closest("input:not([type=checkbox]), textarea, select, [contenteditable]")) return;
    const items = Array.prototype.slice.call($("items").children);
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
    } else {
      return;
    }
    e.preventDefault();
  }
})();

// Chợ OCOP — progressive enhancement only. Every page works without this
// file: it adds search-as-you-type, copy buttons, photo downscaling before
// upload and a show-password switch.
(function () {
  "use strict";
  var d = document;

  function csrf() {
    var el = d.querySelector("input[name=csrf]");
    return el ? el.value : "";
  }

  // Search as you type: product names from the suggest API under the box.
  var box = d.querySelector("input[data-suggest]");
  if (box && window.fetch) {
    var list = d.createElement("ul"), timer = 0, last = "";
    list.className = "suggest";
    list.id = "suggest-list";
    list.hidden = true;
    list.setAttribute("role", "listbox");
    box.parentNode.appendChild(list);
    box.setAttribute("aria-controls", list.id);
    box.setAttribute("aria-autocomplete", "list");
    box.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(suggest, 200);
    });
    box.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown" && !list.hidden) {
        var a = list.querySelector("a");
        if (a) { a.focus(); e.preventDefault(); }
      } else if (e.key === "Escape") {
        list.hidden = true;
      }
    });
    list.addEventListener("keydown", function (e) {
      var cur = d.activeElement && d.activeElement.parentNode;
      if (e.key === "ArrowDown" && cur && cur.nextSibling) { cur.nextSibling.firstChild.focus(); e.preventDefault(); }
      if (e.key === "ArrowUp") { (cur && cur.previousSibling ? cur.previousSibling.firstChild : box).focus(); e.preventDefault(); }
      if (e.key === "Escape") { list.hidden = true; box.focus(); }
    });
    d.addEventListener("click", function (e) {
      if (!box.parentNode.contains(e.target)) list.hidden = true;
    });
    function suggest() {
      var q = box.value.trim();
      if (q.length < 2) { list.hidden = true; return; }
      if (q === last) { list.hidden = !list.firstChild; return; }
      last = q;
      // The suggest endpoint answers a few names and may be cached a minute.
      fetch("/api/v1/search/suggest?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
        .then(function (res) {
          if (box.value.trim() !== q) return;
          list.textContent = "";
          (res.suggestions || []).forEach(function (name) {
            var li = d.createElement("li"), a = d.createElement("a");
            li.setAttribute("role", "option");
            a.href = "/search?q=" + encodeURIComponent(name);
            a.textContent = name;
            li.appendChild(a);
            list.appendChild(li);
          });
          list.hidden = !list.firstChild;
        })
        .catch(function () { list.hidden = true; });
    }
  }

  // Copy buttons: <button data-copy="text">.
  d.addEventListener("click", function (e) {
    var b = e.target.closest ? e.target.closest("[data-copy]") : null;
    if (!b || !navigator.clipboard) return;
    e.preventDefault();
    navigator.clipboard.writeText(b.getAttribute("data-copy")).then(function () {
      var old = b.getAttribute("data-label") || b.textContent;
      b.setAttribute("data-label", old);
      b.textContent = b.getAttribute("data-done") || "✓";
      setTimeout(function () { b.textContent = old; }, 1500);
    });
  });
  // Copy buttons stay hidden where they cannot work.
  if (navigator.clipboard) {
    Array.prototype.forEach.call(d.querySelectorAll("[data-copy]"), function (b) { b.hidden = false; });
  }

  // Share on phones through the system sheet (Zalo, Messenger…).
  Array.prototype.forEach.call(d.querySelectorAll("[data-share]"), function (b) {
    if (!navigator.share) return;
    b.hidden = false;
    b.addEventListener("click", function () {
      navigator.share({ title: b.getAttribute("data-title") || d.title, url: b.getAttribute("data-share") }).catch(function () {});
    });
  });

  // Show password.
  Array.prototype.forEach.call(d.querySelectorAll("input[type=password]"), function (inp) {
    var label = d.createElement("label"), cb = d.createElement("input");
    cb.type = "checkbox";
    label.className = "choice";
    label.appendChild(cb);
    label.appendChild(d.createTextNode(" " + (d.documentElement.lang === "en" ? "Show password" : "Hiện mật khẩu")));
    cb.addEventListener("change", function () { inp.type = cb.checked ? "text" : "password"; });
    inp.parentNode.appendChild(label);
  });

  // Photos: downscale to at most 1600 px in the browser before upload, so
  // a 5 MB phone photo travels as ~300 KB over 3G. Without canvas or
  // fetch the form posts the original file, which the server also accepts.
  Array.prototype.forEach.call(d.querySelectorAll("form[data-photos]"), function (form) {
    if (!window.fetch || !window.FormData || !HTMLCanvasElement.prototype.toBlob || !window.createImageBitmap) return;
    form.addEventListener("submit", function (e) {
      var input = form.querySelector("input[type=file]");
      if (!input || !input.files.length) return;
      e.preventDefault();
      var status = form.querySelector("[data-status]"), btn = form.querySelector("button[type=submit]");
      if (btn) btn.disabled = true;
      if (status) status.textContent = status.getAttribute("data-busy") || "…";
      var data = new FormData(form), files = Array.prototype.slice.call(input.files, 0, 8);
      data.delete(input.name);
      Promise.all(files.map(shrink)).then(function (blobs) {
        blobs.forEach(function (b, i) { data.append(input.name, b, (files[i].name || "photo").replace(/\.\w+$/, "") + ".jpg"); });
        return fetch(form.action, { method: "POST", body: data, headers: { "X-CSRF-Token": csrf() }, credentials: "same-origin" });
      }).then(function (r) {
        if (r.redirected) { location.href = r.url; return; }
        return r.text().then(function (html) { d.open(); d.write(html); d.close(); });
      }).catch(function () { form.submit(); });
    });
  });

  // Card payments: Stripe's Payment Element, mounted once Stripe's script
  // (loaded after this one, only on a card payment page) is there. The
  // bank may send the buyer through 3-D Secure and back to data-return;
  // the order is marked paid by Stripe's webhook, never by this script.
  var cardForm = d.getElementById("card-form");
  if (cardForm) {
    var mountCard = function () {
      if (!window.Stripe) {
        var na = d.querySelector("[data-card-unavailable]");
        if (na) na.hidden = false;
        return;
      }
      var stripe = window.Stripe(cardForm.getAttribute("data-card-key"), { locale: d.documentElement.lang === "en" ? "en" : "vi" });
      var elements = stripe.elements({ clientSecret: cardForm.getAttribute("data-card-secret") });
      elements.create("payment").mount("#card-element");
      cardForm.hidden = false;
      var btn = cardForm.querySelector("button[type=submit]"), err = cardForm.querySelector("[data-card-error]");
      cardForm.addEventListener("submit", function (e) {
        e.preventDefault();
        btn.disabled = true;
        err.textContent = "";
        stripe.confirmPayment({ elements: elements, confirmParams: { return_url: cardForm.getAttribute("data-return") } })
          .then(function (res) {
            if (res.error) { err.textContent = res.error.message || ""; btn.disabled = false; }
          });
      });
    };
    if (window.Stripe) mountCard(); else window.addEventListener("load", mountCard);
  }

  function shrink(file) {
    var max = 1600;
    return createImageBitmap(file, { imageOrientation: "from-image" }).then(function (img) {
      var s = Math.min(1, max / Math.max(img.width, img.height));
      if (s === 1 && file.size < 600000) return file;
      var c = d.createElement("canvas");
      c.width = Math.round(img.width * s);
      c.height = Math.round(img.height * s);
      c.getContext("2d").drawImage(img, 0, 0, c.width, c.height);
      return new Promise(function (ok) { c.toBlob(function (b) { ok(b || file); }, "image/jpeg", 0.85); });
    }).catch(function () { return file; });
  }
})();

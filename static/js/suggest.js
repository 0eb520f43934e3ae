/* Suggestions while typing in a search box: the ARIA combobox pattern
   (https://www.w3.org/WAI/ARIA/apg/patterns/combobox/) with a listbox.

   Progressive enhancement: an <input data-suggest-url="…"> works as a plain
   search box without this script. With it, the public standards whose number
   or title starts as typed are listed under the box; Down and Up arrows move
   through them, Enter opens the one chosen, Escape closes the list, and
   Enter with nothing chosen sends the form as before.

   Every word shown comes from the page (data-suggest-label,
   data-suggest-status with "{n}" for the count): no English lives here. */
(function () {
  "use strict";

  var DELAY_MS = 150;
  var counter = 0;

  function enhance(input) {
    var url = input.getAttribute("data-suggest-url");
    var statusText = input.getAttribute("data-suggest-status") || "";
    var id = input.id || "suggest-" + ++counter;
    var listbox = document.createElement("ul");
    var status = document.createElement("p");
    var items = [];
    var active = -1;
    var timer = null;
    var pending = null;
    var lastQuery = null;

    listbox.id = id + "-suggestions";
    listbox.className = "suggestions";
    listbox.setAttribute("role", "listbox");
    listbox.setAttribute("aria-label", input.getAttribute("data-suggest-label") || "");
    listbox.hidden = true;
    // A polite live region (not role="status": the page's own status, the
    // count of results, stays the one status of the page).
    status.className = "suggestions-status visually-hidden";
    status.setAttribute("aria-live", "polite");
    status.setAttribute("aria-atomic", "true");
    input.parentNode.classList.add("suggest-host");
    input.insertAdjacentElement("afterend", listbox);
    listbox.insertAdjacentElement("afterend", status);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", listbox.id);
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("autocomplete", "off");

    function close() {
      listbox.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function choose(index) {
      var options = listbox.children;
      if (active >= 0 && options[active]) {
        options[active].setAttribute("aria-selected", "false");
        options[active].classList.remove("active");
      }
      active = index;
      if (index < 0 || !options[index]) {
        input.removeAttribute("aria-activedescendant");
        return;
      }
      options[index].setAttribute("aria-selected", "true");
      options[index].classList.add("active");
      input.setAttribute("aria-activedescendant", options[index].id);
      options[index].scrollIntoView({ block: "nearest" });
    }

    function open(index) {
      window.location.assign(items[index].url);
    }

    function show(found) {
      items = found;
      listbox.textContent = "";
      active = -1;
      input.removeAttribute("aria-activedescendant");
      found.forEach(function (item, index) {
        var option = document.createElement("li");
        option.id = listbox.id + "-" + index;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        if (item.number) {
          var number = document.createElement("span");
          number.className = "suggestion-number";
          number.textContent = item.number;
          option.appendChild(number);
          option.appendChild(document.createTextNode(" "));
        }
        var title = document.createElement("span");
        title.className = "suggestion-title";
        title.textContent = item.title;
        option.appendChild(title);
        option.addEventListener("mousedown", function (event) {
          // Keep the focus in the box until the click has chosen.
          event.preventDefault();
        });
        option.addEventListener("click", function () {
          open(index);
        });
        listbox.appendChild(option);
      });
      if (found.length) {
        listbox.hidden = false;
        input.setAttribute("aria-expanded", "true");
        status.textContent = statusText.replace("{n}", String(found.length));
      } else {
        close();
        status.textContent = "";
      }
    }

    function fetchSuggestions() {
      var q = input.value.trim();
      if (q === lastQuery) {
        // Typed back to what was last asked (after Escape, say): show it again.
        show(q ? items : []);
        return;
      }
      lastQuery = q;
      if (pending) {
        pending.abort();
      }
      if (!q) {
        show([]);
        return;
      }
      pending = new AbortController();
      fetch(url + "?q=" + encodeURIComponent(q), {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        signal: pending.signal,
      })
        .then(function (response) {
          return response.ok ? response.json() : { suggestions: [] };
        })
        .then(function (body) {
          if (input.value.trim() === q && document.activeElement === input) {
            show(body.suggestions || []);
          }
        })
        .catch(function () {
          /* Aborted by a newer query, or offline: the box works without. */
        });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(fetchSuggestions, DELAY_MS);
    });

    input.addEventListener("keydown", function (event) {
      var expanded = !listbox.hidden;
      switch (event.key) {
        case "ArrowDown":
          if (!expanded) {
            if (items.length) {
              show(items);
              choose(0);
            } else {
              lastQuery = null;
              fetchSuggestions();
            }
          } else {
            choose(active + 1 < items.length ? active + 1 : 0);
          }
          event.preventDefault();
          break;
        case "ArrowUp":
          if (expanded) {
            choose(active > 0 ? active - 1 : items.length - 1);
            event.preventDefault();
          }
          break;
        case "Enter":
          if (expanded && active >= 0) {
            event.preventDefault();
            open(active);
          }
          break;
        case "Escape":
          if (expanded) {
            event.preventDefault();
            close();
          }
          break;
        case "Tab":
          close();
          break;
        default:
          break;
      }
    });

    input.addEventListener("blur", close);
  }

  function start() {
    if (!window.fetch || !window.AbortController) {
      return;
    }
    var inputs = document.querySelectorAll("input[data-suggest-url]");
    Array.prototype.forEach.call(inputs, enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

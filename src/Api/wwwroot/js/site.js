// Small helpers for the pages. Everything works without this file; it only adds copy and print buttons.
(function () {
    "use strict";

    function copyText(text) {
        if (navigator.clipboard && window.isSecureContext) {
            return navigator.clipboard.writeText(text);
        }
        // Older browsers and plain-http hosts: copy through a temporary, off-screen text field.
        return new Promise(function (resolve, reject) {
            var field = document.createElement("textarea");
            field.value = text;
            field.setAttribute("readonly", "");
            field.className = "offscreen";
            document.body.appendChild(field);
            field.select();
            var ok = document.execCommand && document.execCommand("copy");
            document.body.removeChild(field);
            if (ok) { resolve(); } else { reject(new Error("copy failed")); }
        });
    }

    function setUp() {
        document.querySelectorAll("button[data-copy]").forEach(function (button) {
            button.hidden = false;
            var label = button.innerHTML;
            button.addEventListener("click", function () {
                copyText(button.getAttribute("data-copy")).then(function () {
                    button.textContent = "Kopiert";
                    button.classList.add("copied");
                    var status = document.getElementById("copy-status");
                    if (status) { status.textContent = (button.getAttribute("data-copy-label") || "Wert") + " kopiert."; }
                    window.setTimeout(function () { button.innerHTML = label; button.classList.remove("copied"); }, 2000);
                }, function () {
                    button.textContent = "Bitte markieren und kopieren";
                });
            });
        });
        document.querySelectorAll("button[data-print]").forEach(function (button) {
            button.hidden = false;
            button.addEventListener("click", function () { window.print(); });
        });
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", setUp);
    } else {
        setUp();
    }
})();

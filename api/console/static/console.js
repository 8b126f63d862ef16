// 掌上办 staff console: the little the pages need beyond htmx. No inline scripts (CSP: self only).
(function () {
  "use strict";

  // Live lists: <div data-live="/console/helpdesk/live">. Every event on the help-desk channel
  // fires "helpdesk-changed" on <body>; lists listen with hx-trigger="helpdesk-changed from:body"
  // and re-read themselves, so the server stays the one place that renders them.
  function connectLive(el) {
    var url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + el.dataset.live;
    var delay = 1000;
    var badge = document.querySelector("[data-live-badge]");
    function open() {
      var ws = new WebSocket(url);
      ws.onopen = function () {
        delay = 1000;
        if (badge) { badge.textContent = "实时更新中"; badge.classList.add("on"); }
      };
      ws.onmessage = function (event) {
        var kind = "";
        try { kind = JSON.parse(event.data).type; } catch (e) { kind = ""; }
        // "hello" arrives on every (re)connect: events may have been missed meanwhile, so refresh too.
        htmx.trigger(document.body, "helpdesk-changed", { kind: kind });
      };
      ws.onclose = function () {
        if (badge) { badge.textContent = "连接中断，正在重连…"; badge.classList.remove("on"); }
        setTimeout(open, delay);
        delay = Math.min(delay * 2, 30000);
      };
      setInterval(function () { if (ws.readyState === 1) { ws.send("ping"); } }, 25000);
    }
    open();
  }

  document.addEventListener("click", function (event) {
    // FAQ suggestions one tap away: copy the answer into the reply box.
    var fill = event.target.closest("[data-fill]");
    if (fill) {
      var box = document.querySelector(fill.dataset.fill);
      if (box) { box.value = fill.dataset.text; box.focus(); }
      event.preventDefault();
    }
    // Batch approval: one box ticks every task on the page.
    var all = event.target.closest("[data-check-all]");
    if (all) {
      document.querySelectorAll(all.dataset.checkAll).forEach(function (box) { box.checked = all.checked; });
    }
  });

  document.addEventListener("change", function (event) {
    // Show the "missing materials" checklist only for a return, the reason box for a reject.
    var choice = event.target.closest("[data-decision]");
    if (choice) {
      document.querySelectorAll("[data-for-decision]").forEach(function (block) {
        block.classList.toggle("hidden", block.dataset.forDecision.split(" ").indexOf(choice.value) < 0);
      });
    }
  });

  document.addEventListener("change", function (event) {
    // Window hand-over: the proxy's name, ID number and letter check only for a proxy.
    var who = event.target.closest("[data-collector]");
    if (who) {
      document.querySelectorAll("[data-for-collector]").forEach(function (block) {
        block.classList.toggle("hidden", block.dataset.forCollector !== who.value);
      });
    }
  });

  // Check-in: phones whose browser reads QR codes (BarcodeDetector) scan the booking code with
  // the camera; others type it. The code still goes through the same form and check.
  function setUpScan(button) {
    if (!("BarcodeDetector" in window) || !navigator.mediaDevices) { return; }
    button.classList.remove("hidden");
    button.addEventListener("click", function () {
      var video = document.querySelector("[data-scan-video]");
      var input = document.querySelector("[data-scan-target]");
      var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
        video.srcObject = stream;
        video.classList.remove("hidden");
        video.play();
        function look() {
          detector.detect(video).then(function (codes) {
            if (codes.length) {
              stream.getTracks().forEach(function (track) { track.stop(); });
              video.classList.add("hidden");
              input.value = codes[0].rawValue.trim().toUpperCase();
              input.form.requestSubmit();
            } else { requestAnimationFrame(look); }
          }, function () { requestAnimationFrame(look); });
        }
        look();
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-live]").forEach(connectLive);
    document.querySelectorAll("[data-scan]").forEach(setUpScan);
  });
})();

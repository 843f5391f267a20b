/* Draw each map of the page with Leaflet from its markers (a JSON script next to it).
   Tiles are optional: without a tile URL, or offline, the markers and the scale still show. */
(function () {
  "use strict";
  if (!window.L) { return; }

  function readMarkers(canvas) {
    var source = document.getElementById(canvas.getAttribute("data-markers"));
    return source ? JSON.parse(source.textContent) : [];
  }

  function popup(marker) {
    var box = document.createElement("div");
    var title = document.createElement(marker.href ? "a" : "strong");
    title.textContent = marker.label;
    if (marker.href) { title.href = marker.href; }
    box.appendChild(title);
    if (marker.detail) {
      var detail = document.createElement("p");
      detail.textContent = marker.detail;
      box.appendChild(detail);
    }
    return box;
  }

  function draw(canvas) {
    var markers = readMarkers(canvas);
    var map = L.map(canvas, {
      zoomControl: false,
      attributionControl: Boolean(canvas.getAttribute("data-tiles")),
    });
    L.control.zoom({
      zoomInTitle: canvas.getAttribute("data-zoom-in") || "+",
      zoomOutTitle: canvas.getAttribute("data-zoom-out") || "-",
    }).addTo(map);
    if (canvas.getAttribute("data-tiles")) {
      L.tileLayer(canvas.getAttribute("data-tiles"), {
        maxZoom: 19,
        attribution: canvas.getAttribute("data-attribution") || "",
      }).addTo(map);
    }
    L.control.scale({ imperial: false }).addTo(map);
    var points = markers.map(function (marker) {
      var point = [marker.lat, marker.lon];
      L.marker(point, { title: marker.label, alt: marker.label, keyboard: true })
        .bindPopup(popup(marker))
        .addTo(map);
      return point;
    });
    if (points.length) {
      map.fitBounds(L.latLngBounds(points).pad(0.2), { maxZoom: 13 });
    } else {
      map.setView([46.6, 2.4], 5);  // mainland France when there is nothing to show
    }
    canvas.setAttribute("data-drawn", String(points.length));
  }

  document.querySelectorAll(".map-canvas:not([data-drawn])").forEach(draw);
}());

/*
 * Keep Plotly's geo maps offline.
 *
 * A geo subplot downloads a world base map (e.g. https://cdn.plot.ly/un/world_110m.json)
 * before it draws anything, even when the base map is hidden and every shape comes from
 * the trace's own GeoJSON, as in Kizuna's district maps. Offline that download fails and
 * the map stays blank. Plotly skips the download when window.PlotlyGeoAssets already holds
 * a topology of that name, so empty topologies are registered here for every scope and
 * resolution: hidden base layers draw nothing from them, and nothing leaves the machine.
 */
(function () {
  "use strict";
  var layers = ["land", "ocean", "lakes", "rivers", "coastlines", "countries", "subunits"];
  var scopes = ["world", "usa", "europe", "asia", "africa", "north-america", "south-america"];
  var resolutions = [110, 50];

  function emptyTopology() {
    var objects = {};
    layers.forEach(function (layer) {
      objects[layer] = { type: "GeometryCollection", geometries: [] };
    });
    return { type: "Topology", objects: objects, arcs: [] };
  }

  var assets = (window.PlotlyGeoAssets = window.PlotlyGeoAssets || {});
  assets.topojson = assets.topojson || {};
  scopes.forEach(function (scope) {
    resolutions.forEach(function (resolution) {
      var name = scope + "_" + resolution + "m";
      if (assets.topojson[name] === undefined) {
        assets.topojson[name] = emptyTopology();
      }
    });
  });
})();

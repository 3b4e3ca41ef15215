// SPDX-License-Identifier: GPL-3.0-or-later
//
// Generate data/basemap.json, the offline base map that Atlaas draws when map
// tiles cannot load.
//
// Usage: node gen-basemap.mjs OUTPUT.json   (after `npm ci` in tools/)
//
// Source: world-atlas 2.0.2 (ISC licence), Natural Earth country borders at the
// 1:50m and 1:110m scales, converted from TopoJSON with topojson-client. Output format:
//
//   { "source": "…",
//     "countries": [ { "name": "France",
//                      "rings": [ [lon, lat, lon, lat, …], … ] }, … ] }
//
// Each ring is a closed polygon ring (outer rings and holes alike, as
// Natural Earth lists them) flattened to alternating longitude and latitude,
// rounded to 3 decimals (about 100 m). Consecutive points that become equal
// after rounding are dropped. Countries are sorted by name, so the output
// depends only on the package.

import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import { feature } from 'topojson-client';

const require = createRequire(import.meta.url);
const atlasVersion = require('world-atlas/package.json').version;
const detailed = require('world-atlas/countries-50m.json');
const coarse = require('world-atlas/countries-110m.json');

// France and the countries that reach into this box (longitude, latitude)
// around Europe get the 1:50m borders, most of the rest of the world the
// 1:110m ones: 1:50m everywhere would make the file about 1.5 MB.
const DETAIL_BOX = { west: -12, east: 20, south: 35, north: 56 };

const round = (value) => Math.round(value * 1000) / 1000;

// Compares by UTF-16 code units, the same on every machine, unlike localeCompare.
function compareStrings(a, b) {
  if (a < b)
    return -1;
  if (a > b)
    return 1;
  return 0;
}

function flattenRing(ring) {
  const flat = [];
  for (const [longitude, latitude] of ring) {
    const x = round(longitude);
    const y = round(latitude);
    if (flat.length >= 2 && flat[flat.length - 2] === x && flat[flat.length - 1] === y)
      continue;
    flat.push(x, y);
  }
  return flat;
}

function ringsOf(geometry) {
  if (!geometry)
    return [];
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates]
    : geometry.type === 'MultiPolygon' ? geometry.coordinates
      : [];
  const rings = [];
  for (const polygon of polygons)
    for (const ring of polygon) {
      const flat = flattenRing(ring);
      // A ring needs 3 distinct points plus the closing one.
      if (flat.length >= 8)
        rings.push(flat);
    }
  return rings;
}

function touchesDetailBox(rings) {
  for (const ring of rings)
    for (let i = 0; i < ring.length; i += 2)
      if (ring[i] >= DETAIL_BOX.west && ring[i] <= DETAIL_BOX.east &&
          ring[i + 1] >= DETAIL_BOX.south && ring[i + 1] <= DETAIL_BOX.north)
        return true;
  return false;
}

function countriesOf(topology) {
  return feature(topology, topology.objects.countries).features
    .map((country) => ({ name: country.properties.name, rings: ringsOf(country.geometry) }))
    .filter((country) => country.rings.length > 0);
}

const coarseCountries = countriesOf(coarse);
const coarseNames = new Set(coarseCountries.map((country) => country.name));
// Small countries and islands that 1:110m leaves out (Saint-Pierre-et-Miquelon,
// Wallis-et-Futuna, Saint-Barthélemy…) come from 1:50m too; so does New Caledonia.
const detailedCountries = countriesOf(detailed)
  .filter((country) => country.name === 'France' || country.name === 'New Caledonia' ||
          !coarseNames.has(country.name) || touchesDetailBox(country.rings));
const detailedNames = new Set(detailedCountries.map((country) => country.name));
const countries = detailedCountries
  .concat(coarseCountries.filter((country) => !detailedNames.has(country.name)))
  .sort((a, b) => compareStrings(a.name, b.name));

const output = process.argv[2];
if (!output) {
  console.error('usage: node gen-basemap.mjs OUTPUT.json');
  process.exit(2);
}

const document = {
  source: `Natural Earth via world-atlas ${atlasVersion} (countries-50m around Europe, countries-110m elsewhere)`,
  countries,
};
// One country per line keeps the file diffable without tripling its size.
const text = '{"source":' + JSON.stringify(document.source) + ',"countries":[\n' +
  countries.map((country) => JSON.stringify(country)).join(',\n') + '\n]}\n';
writeFileSync(output, text);

const points = countries.reduce((sum, c) => sum + c.rings.reduce((s, r) => s + r.length / 2, 0), 0);
console.error(`wrote ${output}: ${countries.length} countries, ${points} points, ${text.length} bytes`);

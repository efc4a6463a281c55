/**
 * GeoIP country lookup from an MMDB database (MaxMind DB format), read with `mmdb-lib`. The database comes from a
 * registry package when one is installed: `@ip-location-db/geo-whois-asn-country-mmdb` (an optional dependency:
 * country by IP from the regional registries' WHOIS and ASN data, CC BY 4.0 by NRO; see that package's README for
 * the freshness of its npm releases), or from a file the config names (e.g. MaxMind's GeoLite2-Country.mmdb).
 * Without either, enrichment has no country and says so.
 */

import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { Reader } from 'mmdb-lib';
import { InputError } from '../core/errors';

/** A country lookup. */
export interface GeoIp {
  /** ISO 3166-1 alpha-2 country of an address, undefined when unknown or not an address */
  country(ip: string): string | undefined;
  /** where the data comes from (package name or file, and build date) */
  source: string;
}

/** Packages holding a country MMDB, tried in order, and the database file inside each. */
export const GEOIP_PACKAGES: readonly { name: string; file: string }[] = [
  { name: '@ip-location-db/geo-whois-asn-country-mmdb', file: 'geo-whois-asn-country.mmdb' },
  { name: '@ip-location-db/geolite2-country-mmdb', file: 'geolite2-country.mmdb' },
];

interface CountryRecord {
  country_code?: string;
  country?: { iso_code?: string };
  registered_country?: { iso_code?: string };
}

/** A lookup over an MMDB database buffer (ip-location-db's `country_code` or MaxMind's `country.iso_code`). */
export function geoIpFromBuffer(db: Buffer, source: string): GeoIp {
  const reader = new Reader(db);
  const epoch: unknown = reader.metadata.buildEpoch;
  const builtAt = epoch instanceof Date ? epoch : new Date(Number(epoch) * 1000);
  const built = Number.isFinite(builtAt.getTime()) ? builtAt.toISOString().slice(0, 10) : 'unknown';
  return {
    source: `${source} (built ${built})`,
    country(ip: string): string | undefined {
      if (!isIP(ip)) return undefined;
      const r = reader.get(ip) as CountryRecord | null;
      return r?.country_code ?? r?.country?.iso_code ?? r?.registered_country?.iso_code ?? undefined;
    },
  };
}

/**
 * Load a country database: the file given, else the first installed package of `GEOIP_PACKAGES`.
 *
 * @param file optional path to an `.mmdb` file
 * @returns the lookup, or null when no file is given and no package is installed
 * @throws InputError when the given file cannot be read or is not an MMDB database
 */
export function loadGeoIp(file?: string): GeoIp | null {
  if (file) {
    try {
      return geoIpFromBuffer(readFileSync(file), file);
    } catch (err) {
      throw new InputError(`not a readable MMDB country database: ${(err as Error).message}`, { file });
    }
  }
  for (const p of GEOIP_PACKAGES) {
    let path: string;
    try {
      path = require.resolve(`${p.name}/${p.file}`);
    } catch {
      continue;
    }
    return geoIpFromBuffer(readFileSync(path), p.name);
  }
  return null;
}

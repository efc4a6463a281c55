import { Enricher } from './enrich';
import { loadGeoIp } from './geoip';

const CHROME =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';
const GOOGLEBOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';

describe('Enricher', () => {
  it('parses user agents and tells bots from browsers', () => {
    const e = new Enricher();
    expect(e.enrich(NaN, { agent: CHROME })).toEqual({
      'ua.browser': 'Chrome 120',
      'ua.os': 'Windows 10',
      'ua.device': 'desktop',
      'ua.bot': false,
    });
    expect(e.enrich(NaN, { agent: GOOGLEBOT })).toMatchObject({ 'ua.device': 'bot', 'ua.bot': true });
  });

  it('keeps a session per client and agent until 30 minutes pass without a request', () => {
    const e = new Enricher();
    const min = 60_000;
    const a1 = e.enrich(0, { client: '1.1.1.1', agent: CHROME });
    const b1 = e.enrich(1 * min, { client: '1.1.1.1', agent: GOOGLEBOT });
    const a2 = e.enrich(20 * min, { client: '1.1.1.1', agent: CHROME });
    const a3 = e.enrich(51 * min, { client: '1.1.1.1', agent: CHROME });
    expect(a2['session.id']).toBe(a1['session.id']);
    expect(b1['session.id']).not.toBe(a1['session.id']);
    expect(a2).toMatchObject({ 'session.requests': 2, 'session.seconds': 1200 });
    expect(a3['session.id']).not.toBe(a1['session.id']);
    expect(a3['session.requests']).toBe(1);
  });

  it('adds the country from the installed database package', () => {
    const geoip = loadGeoIp();
    expect(geoip?.source).toMatch(/@ip-location-db\/geo-whois-asn-country-mmdb \(built \d{4}-\d{2}-\d{2}\)/);
    const e = new Enricher({ geoip });
    expect(e.enrich(NaN, { client: '183.62.140.253' })['geo.country']).toBe('CN');
    expect(e.enrich(NaN, { client: '10.0.0.1' })['geo.country']).toBeUndefined();
    expect(e.geoSource).toBe(geoip?.source);
  });

  it('names a database file that cannot be read', () => {
    expect(() => loadGeoIp('/no/such.mmdb')).toThrow(/not a readable MMDB country database/);
  });
});
